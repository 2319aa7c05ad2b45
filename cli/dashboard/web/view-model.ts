import type { DeployProgress, ServiceStatus, StepProgress, TaskSetStatus } from '../../../functions/deploy/domain/service-status.ts';
import type { ScalingSeries, ServiceActions } from '../api.ts';
import { formatDuration } from '../../time-text.ts';

/** What the page shows, computed from the API's payloads: pure (no DOM, no JSX), so node's test runner covers it. */

export { formatDuration, inZone } from '../../time-text.ts';

/**
 * `3m ago`; `just now` under a second, or up to a second ahead (the page's clock ticks once a second, so a snapshot
 * can be newer than its last tick); a time further ahead reads `in 3m`.
 */
export function ageText(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds === 0 || seconds === -1) return 'just now';
  return seconds > 0 ? `${formatDuration(seconds)} ago` : `in ${formatDuration(-seconds)}`;
}

/** `2026-12-02 13:05:09Z`: UTC to the second, as the CLI prints times. */
export function utcText(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Seconds left of the running step's bake (or of its timeout, for stabilize and approval), counted from when it
 * started so the page can count down between snapshots; undefined when the step has no planned time.
 */
export function timeLeftSeconds(step: Pick<StepProgress, 'state' | 'seconds' | 'startedAt'>, now: number): number | undefined {
  if (step.state !== 'running' || !step.seconds || !step.startedAt) return undefined;
  const started = Date.parse(step.startedAt);
  if (Number.isNaN(started)) return undefined;
  return Math.max(0, Math.ceil(step.seconds - (now - started) / 1000));
}

/** The running step's position in the list, or -1 when none runs. */
export function currentStepIndex(steps: readonly Pick<StepProgress, 'state'>[]): number {
  return steps.findIndex((step) => step.state === 'running');
}

/** A percentage as a CSS width: clamped to 0–100, so a bad weight never overflows its bar. */
export function barWidth(percent: number | undefined): string {
  const value = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent as number)) : 0;
  return `${Math.round(value * 10) / 10}%`;
}

/** Production weights of a deploy in flight: green's is recorded, blue takes the rest. */
export function productionWeights(deploy: Pick<DeployProgress, 'greenWeight'>): { green: number; blue: number } {
  const green = Math.min(100, Math.max(0, deploy.greenWeight));
  return { green, blue: 100 - green };
}

/** `3 of 4 running (1 pending)`; `4 desired` when tasks were not counted. */
export function taskCountText(taskSet: Pick<TaskSetStatus, 'desired' | 'running' | 'pending'> | undefined): string {
  if (!taskSet) return 'none';
  if (taskSet.running === undefined) return `${taskSet.desired} desired`;
  return `${taskSet.running} of ${taskSet.desired} running${taskSet.pending ? ` (${taskSet.pending} pending)` : ''}`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

/** A state as words and a tone: the words carry the meaning, the tone only colours it. */
export interface Badge {
  label: string;
  tone: Tone;
}

export function healthBadge(status: Pick<ServiceStatus, 'found' | 'stable'>): Badge {
  if (!status.found) return { label: 'Missing', tone: 'bad' };
  if (status.stable === undefined) return { label: 'Not counted', tone: 'muted' };
  return status.stable ? { label: 'Stable', tone: 'ok' } : { label: 'Not stable', tone: 'warn' };
}

const STEP_BADGES: Record<StepProgress['state'], Badge> = {
  done: { label: 'Done', tone: 'ok' },
  running: { label: 'Running', tone: 'info' },
  pending: { label: 'Pending', tone: 'muted' },
  failed: { label: 'Failed', tone: 'bad' },
  skipped: { label: 'Skipped', tone: 'muted' },
};

export function stepBadge(state: StepProgress['state']): Badge {
  return STEP_BADGES[state];
}

/** Deployment and run outcomes (`SUCCEEDED`, `FAILED`, `ROLLED_BACK`, `RUNNING`, …) as badges. */
export function outcomeBadge(status: string): Badge {
  const upper = status.toUpperCase();
  const label = upper.charAt(0) + upper.slice(1).toLowerCase().replaceAll('_', ' ');
  if (/^(SUCCEEDED|SUCCESSFUL|SCALED|DELIVERED|OK|SENT)$/.test(upper)) return { label, tone: 'ok' };
  if (/(FAIL|ERROR|ABORT|TIMED_OUT|DEAD)/.test(upper)) return { label, tone: 'bad' };
  if (/(ROLL|CANCEL|SUPERSEDED|COOLDOWN|AT-LIMIT|INCONCLUSIVE|DISABLED|FAILING)/.test(upper)) return { label, tone: 'warn' };
  if (/(RUNNING|STARTING|IN_PROGRESS|PENDING|QUEUED|RETRY)/.test(upper)) return { label, tone: 'info' };
  return { label, tone: 'muted' };
}

/** What a step does, in a few words: `green 10%, bake 5m`, `approval, times out in 30m`. */
export function stepSummary(step: Pick<StepProgress, 'kind' | 'greenWeight' | 'seconds'>): string {
  const time = step.seconds ? formatDuration(step.seconds) : undefined;
  switch (step.kind) {
    case 'shift':
      return `green ${step.greenWeight ?? 0}%${time ? `, bake ${time}` : ''}`;
    case 'promote':
      return `green becomes primary${time ? `, bake ${time}` : ''}`;
    case 'stabilize':
      return `wait for green's tasks${time ? ` (up to ${time})` : ''}`;
    case 'approval':
      return `wait for approval${time ? ` (up to ${time})` : ''}`;
    case 'analysis':
      return 'measure green against blue';
    case 'pre-traffic':
      return 'pre-traffic check';
    default:
      return '';
  }
}

/** `deploying 3 of 7 (traffic-10)`, `queued`, or undefined with nothing in flight. */
export function deploySummary(status: Pick<ServiceStatus, 'deploy' | 'queued' | 'inFlight'>): string | undefined {
  const { deploy } = status;
  if (deploy) return deploy.step ? `step ${deploy.step.number} of ${deploy.step.of}: ${deploy.step.name}` : deploy.status.toLowerCase();
  if (status.queued) return 'queued';
  return status.inFlight ? 'lock held' : undefined;
}

/** Services that need an eye first: missing, then deploying, then not stable; by name within each. */
export function sortServices<T extends Pick<ServiceStatus, 'name' | 'found' | 'inFlight' | 'stable'>>(services: readonly T[]): T[] {
  const rank = (service: T) => (!service.found ? 0 : service.inFlight ? 1 : service.stable === false ? 2 : 3);
  return [...services].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** The controls ServiceActions allows, in the order the page shows them, and what each posts. */
export interface Control {
  label: 'Approve' | 'Promote' | 'Promote fully' | 'Abort' | 'Roll back';
  verb: 'approve' | 'promote' | 'abort' | 'rollback';
  body: { deploymentId?: string; full?: boolean };
  /** The dialog's sentence: what Confirm does. */
  explanation: string;
  danger: boolean;
}

export function availableControls(actions: ServiceActions, service: string): Control[] {
  const running = actions.deploymentId ? { deploymentId: actions.deploymentId } : {};
  const which = actions.deploymentId ?? 'the running deployment';
  const controls: Control[] = [];
  if (actions.approve) controls.push({ label: 'Approve', verb: 'approve', body: running, explanation: `Pass the approval gate of ${which}: production traffic then moves to green.`, danger: false });
  if (actions.promote) {
    controls.push({ label: 'Promote', verb: 'promote', body: running, explanation: `End the wait ${which} is parked on now (a bake or the approval gate); later bakes run as planned.`, danger: false });
    controls.push({ label: 'Promote fully', verb: 'promote', body: { ...running, full: true }, explanation: `Skip every remaining bake of ${which} and pass the approval gate. Green's health and the rollback alarms are still checked at every step.`, danger: false });
  }
  if (actions.abort) controls.push({ label: 'Abort', verb: 'abort', body: running, explanation: `Roll ${which} back: production traffic back on blue, green removed, blue untouched.`, danger: true });
  if (actions.rollback) controls.push({ label: 'Roll back', verb: 'rollback', body: {}, explanation: `Undo the newest successful deployment of ${service}: deploy the revision that ran before it, with the usual blue/green steps.`, danger: true });
  return controls;
}

/** uPlot's aligned data: seconds since the epoch, then desired count and metric (null where not measured). */
export function scalingChartData(series: ScalingSeries): [number[], (number | null)[], (number | null)[]] {
  const points = series.points.filter((point) => !Number.isNaN(Date.parse(point.at)));
  return [points.map((point) => Date.parse(point.at) / 1000), points.map((point) => point.desiredCount ?? null), points.map((point) => point.metric ?? null)];
}
