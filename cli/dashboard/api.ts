// Pure domain modules only: the page's type check and bundle must not reach the SDK.
import type { DeploymentRecord, ServiceStatus } from '../../functions/deploy/domain/service-status.ts';
import type { ScalingHistoryEntry } from '../../functions/scaling/domain/scaling-history.ts';

/**
 * The contract between `harbormaster dashboard`'s server (cli/dashboard/server.ts) and its page (cli/dashboard/web/):
 * the routes and what each returns. Types only, so the page's bundle carries none of the server's code.
 *
 * Reads:
 *   GET  /                                  the page (index.html with the CSRF token in <meta name="csrf-token">)
 *   GET  /assets/<file>                     the prebuilt bundle and stylesheet (cli/dashboard/public/)
 *   GET  /api/overview                      Overview
 *   GET  /api/services/<name>               ServiceDetail (name as in harbormaster.yml)
 *   GET  /api/schedules                     SchedulesView
 *   GET  /api/notifications                 NotificationsView
 *   GET  /api/stream?view=<view>            text/event-stream: `event: snapshot` with the same JSON as the matching GET,
 *                                           sent at once and then whenever it changes (the server looks every
 *                                           interval); `event: failure` with ApiError when a look fails.
 *                                           view = overview | service:<name> | schedules | notifications
 * Actions (POST, JSON body, header `x-csrf-token` must equal the page's token, else 403; a Host or Origin other than
 * the dashboard's own, else 403):
 *   POST /api/services/<name>/approve       ActionRequest           → ActionResult
 *   POST /api/services/<name>/abort         ActionRequest           → ActionResult
 *   POST /api/services/<name>/promote       ActionRequest & {full?} → ActionResult
 *   POST /api/services/<name>/rollback      ActionRequest           → ActionResult (deploymentId: the one to undo)
 *   POST /api/schedules/<name>/run          {}                      → ActionResult
 * A control's refusal answers 409 with ApiError (its message and what to do next); an unknown service or schedule 404;
 * a malformed body 400 naming the field. Every action goes through the same controls as the CLI's verbs.
 *
 * The page's accessible names, which the browser tests select by (roles and labels, never CSS classes):
 *   - navigation landmark "Dashboard" with links "Services", "Schedules", "Notifications";
 *   - the overview: a table named "Services", one row per service, its first cell a link named after the service;
 *   - a service page: heading level 1 = the service's name; region "Deploy in flight" with a list named "Steps" whose
 *     running item has aria-current="step"; meters (role meter) named "Production traffic on green" and
 *     "Production traffic on blue"; buttons "Approve", "Promote", "Promote fully", "Abort", "Roll back";
 *     table "Deploy history"; figure "Scaling activity" (the chart, with a table fallback);
 *   - every action opens a dialog (role dialog) named after it, with buttons "Confirm" and "Cancel"; its outcome
 *     appears in a status region (role status).
 */

export interface Overview {
  stage: string;
  observedAt: string;
  services: ServiceStatus[];
}

export interface ServiceDetail {
  stage: string;
  observedAt: string;
  /** With task counts, steps, weights and analysis measurements (as `harbormaster status SERVICE`). */
  status: ServiceStatus;
  /** Newest first (as `harbormaster deploys SERVICE`). */
  deploys: DeploymentRecord[];
  /** Newest first (as `harbormaster scaling SERVICE`). */
  scaling: ScalingHistoryEntry[];
  /** Desired count against the alarm metric over time, oldest first, for the chart. */
  scalingSeries: ScalingSeries;
  /** Which actions make sense now, so the page shows only those (the server still checks). */
  actions: ServiceActions;
}

export interface ScalingSeries {
  /** The alarm's metric, e.g. `CPUUtilization`, when one is configured. */
  metricName?: string;
  points: { at: string; desiredCount?: number; metric?: number }[];
}

export interface ServiceActions {
  approve: boolean;
  promote: boolean;
  abort: boolean;
  rollback: boolean;
  /** The deployment the running-deploy actions act on (the lock holder). */
  deploymentId?: string;
}

export interface SchedulesView {
  observedAt: string;
  schedules: ScheduleRow[];
}

export interface ScheduleRow {
  name: string;
  expression: string;
  timeZone: string;
  suspended: boolean;
  nextFireTimes: string[];
  /** Newest first. */
  runs: { runId: string; attempt: number; trigger: string; scheduledTime: string; outcome: string; startedAt?: string; stoppedAt?: string; reason?: string }[];
}

export interface NotificationsView {
  observedAt: string;
  channels: { name: string; type: string; state: 'ok' | 'disabled' | 'failing' | 'unused'; lastSuccessAt?: string; lastFailureAt?: string; lastError?: string }[];
  /** Newest first, without the announcement's body. */
  deliveries: { deliveryId: string; channel: string; announcementKind: string; status: string; attempts: number; createdAt: string; updatedAt: string; lastStatusCode?: number; lastError?: string }[];
}

export interface ActionRequest {
  /** Default: the deployment holding the service's lock (for rollback: the newest successful one). */
  deploymentId?: string;
}

export interface ActionResult {
  ok: true;
  /** One sentence for the status region, e.g. `Approved deployment shop-…: production traffic moves to green`. */
  message: string;
  deploymentId?: string;
}

export interface ApiError {
  ok: false;
  error: string;
  /** What to do next. */
  hint?: string;
  /** The request field at fault, for a 400. */
  field?: string;
}
