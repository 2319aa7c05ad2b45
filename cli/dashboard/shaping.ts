import type { DeploymentRecord, ServiceStatus } from '../../functions/deploy/index.ts';
import type { ChannelView, DeliveryRecord } from '../../functions/notify/index.ts';
import type { ScalingHistoryEntry } from '../../functions/scaling/index.ts';
import type { ScheduleOverview } from '../../functions/schedules/index.ts';
import type { ScheduleRun } from '../../functions/schedules/domain/schedule.ts';
import type { NotificationsView, ScalingSeries, ScheduleRow, ServiceActions } from './api.ts';

/** What the dashboard shows, shaped from what the CLI's readers returned. Pure: views.ts does the reading. */

/** Waits a plain promote ends (a bake) or passes (the approval gate); a full promote ends any of them. */
const PROMOTABLE_WAITS = ['shift', 'promote', 'approval'];

/**
 * Which actions the page offers now. The controls still decide (a deployment moves on between a look and a click):
 * this only hides buttons that would certainly be refused.
 */
export function serviceActions(status: ServiceStatus, history: DeploymentRecord[], deployConfigured: boolean): ServiceActions {
  const running = deployConfigured ? status.deploy : undefined;
  const live = running !== undefined && !running.abortRequested;
  return {
    approve: live && running.waitingFor === 'approval' && !running.approved,
    promote: live && PROMOTABLE_WAITS.includes(running.waitingFor ?? ''),
    abort: live,
    rollback: deployConfigured && !status.inFlight && history.some((deployment) => deployment.status === 'SUCCEEDED'),
    ...(running ? { deploymentId: running.deploymentId } : {}),
  };
}

export interface MetricPoint {
  at: string;
  value: number;
}

/**
 * Desired count against the alarm metric, oldest first. The desired count is what the oldest activity started from,
 * then what each activity set (or found, when it did not scale), then the service's count now; the metric is CloudWatch's datapoints when they were
 * read, else the values the activities recorded. Points at the same time are merged.
 */
export function scalingSeries(
  entries: ScalingHistoryEntry[],
  metric: { name?: string; points: MetricPoint[] },
  now?: { at: string; desiredCount?: number },
): ScalingSeries {
  const metricName = metric.name ? { metricName: metric.name } : {};
  // A count alone, with nothing that moved it, is no chart (a service without scaling activity or datapoints).
  if (entries.length === 0 && metric.points.length === 0) return { ...metricName, points: [] };
  const byTime = new Map<string, ScalingSeries['points'][number]>();
  const add = (at: string, values: { desiredCount?: number; metric?: number }) => byTime.set(at, { ...byTime.get(at), at, ...values });
  const fromCloudWatch = metric.points.length > 0;
  for (const entry of entries) {
    const desiredCount = entry.toCapacity ?? entry.fromCapacity;
    add(entry.at, { ...(desiredCount === null ? {} : { desiredCount }), ...(!fromCloudWatch && entry.metric !== null ? { metric: entry.metric } : {}) });
  }
  for (const point of metric.points) add(point.at, { metric: point.value });
  if (now?.desiredCount !== undefined) add(now.at, { desiredCount: now.desiredCount });
  const points = [...byTime.values()].sort((a, b) => a.at.localeCompare(b.at));
  // Before the oldest activity the count was what that activity started from: the line starts with the chart.
  const oldest = entries.at(-1);
  const first = points[0];
  if (oldest?.fromCapacity != null && first && first.at < oldest.at && first.desiredCount === undefined) first.desiredCount = oldest.fromCapacity;
  return { ...metricName, points };
}

/** How far back the chart reads the metric: from the oldest activity shown, at least an hour, at most a day. */
export function scalingWindow(entries: ScalingHistoryEntry[], now: Date): { from: Date; to: Date } {
  const hour = 3_600_000;
  const oldest = entries.reduce((min, entry) => Math.min(min, Date.parse(entry.at)), now.getTime() - hour);
  return { from: new Date(Math.max(oldest, now.getTime() - 24 * hour)), to: now };
}

export function scheduleRow(overview: ScheduleOverview, runs: ScheduleRun[]): ScheduleRow {
  return {
    name: overview.name,
    expression: overview.expression,
    timeZone: overview.timeZone,
    suspended: overview.suspended,
    nextFireTimes: overview.nextFireTimes,
    runs: runs.map(({ runId, attempt, trigger, scheduledTime, outcome, startedAt, stoppedAt, reason }) => ({
      runId,
      attempt,
      trigger,
      scheduledTime,
      outcome,
      ...(startedAt ? { startedAt } : {}),
      ...(stoppedAt ? { stoppedAt } : {}),
      ...(reason ? { reason } : {}),
    })),
  };
}

/** Channels with their health and the deliveries without their announcement's body (it may carry anything). */
export function notificationsView(observedAt: Date, channels: ChannelView[], deliveries: DeliveryRecord[]): NotificationsView {
  return {
    observedAt: observedAt.toISOString(),
    channels: channels.map(({ name, type, state, health }) => ({
      name,
      type,
      state,
      ...(health.lastSuccessAt ? { lastSuccessAt: health.lastSuccessAt } : {}),
      ...(health.lastFailureAt ? { lastFailureAt: health.lastFailureAt } : {}),
      ...(health.lastFailure ? { lastError: health.lastFailure } : {}),
    })),
    deliveries: deliveries.map(({ deliveryId, channel, announcementKind, status, attempts, createdAt, updatedAt, lastStatusCode, lastError }) => ({
      deliveryId,
      channel,
      announcementKind,
      status,
      attempts,
      createdAt,
      updatedAt,
      ...(lastStatusCode === undefined ? {} : { lastStatusCode }),
      ...(lastError ? { lastError } : {}),
    })),
  };
}

/** A snapshot's identity for the stream: when it was observed changes every look (at any depth), the rest only with the state. */
export function snapshotFingerprint(snapshot: unknown): string {
  return JSON.stringify(snapshot, (key, value: unknown) => (key === 'observedAt' ? undefined : value));
}
