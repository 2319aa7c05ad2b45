import type { MetricResult } from '../../analysis/domain/verdict.ts';
import type { ScalingActivity } from '../../scaling/domain/scaling-activity.ts';
import type { DeployStep } from './deploy-plan.ts';
import { isEnded, type DeployRequest } from './deployment.ts';
import type { ShiftStrategy } from './traffic-shift.ts';

/**
 * What `harbormaster status` and `harbormaster deploys` show of a service, shaped from what was read (pure, no SDK):
 * its task sets (revision, image, task counts, production weight), the deploy in flight with each step's progress, the
 * queued request, the last deployment and the last scaling activity; and when a watch of it has ended, and how.
 */

/** What was read of one service: ECS, the production route's weights, the deployment store, scaling history. */
export interface StatusFacts {
  target: { name: string; cluster: string; service: string };
  observedAt: Date;
  /**
   * The ACTIVE ECS service; undefined when ECS has none of that name. One on the ECS deployment controller has no task
   * sets: its own task definition and tasks stand for them.
   */
  live?: { desiredCount: number; taskSets: LiveTaskSet[]; taskDefinitionArn?: string; serviceTasks?: TaskCounts };
  /** The deployed container's image, by task definition ARN. */
  images: Record<string, string>;
  /** Forward weights of the configured production route; undefined for a service without a deploy configuration. */
  routeWeights?: { targetGroupArn: string; weight: number }[];
  /** The deploy lock's holder, and its deployment (written with the lock) with its recorded steps. */
  lock?: { deploymentId: string; deployment?: Record<string, unknown>; steps: Record<string, unknown>[]; measurements?: RecordedMeasurement[] };
  queued?: DeployRequest;
  /** The service's deployments, newest first. */
  recent: Record<string, unknown>[];
  lastScaling?: ScalingActivity;
}

/** One canary-analysis measurement as history records it (functions/analysis), newest first. */
export interface RecordedMeasurement {
  step: string;
  index: number;
  measuredAt: string;
  results: MetricResult[];
}

/** One metric of one measurement, as status shows it. */
export type MeasurementRow = MetricResult & { step: string; index: number; measuredAt: string };

export interface LiveTaskSet {
  taskSetArn: string;
  id: string;
  status: string;
  externalId?: string;
  taskDefinitionArn: string;
  targetGroupArn?: string;
  desiredTasks: number;
  /** Counted from its tasks when asked for (status SERVICE, watches); the overview does not count. */
  tasks?: TaskCounts;
}

export interface TaskCounts {
  running: number;
  pending: number;
}

export interface ImageRef {
  uri: string;
  /** `web:v1@sha256:1a2b3c4d5e6f`: repository, tag when known, short digest. */
  label: string;
  tag?: string;
  digest?: string;
}

export type TaskSetRole = 'blue' | 'green' | 'live' | 'other';

export interface TaskSetStatus {
  id: string;
  taskSetArn: string;
  /** blue and green while a deploy is in flight; otherwise the primary task set is live. */
  role: TaskSetRole;
  status: string;
  revision: string;
  taskDefinitionArn: string;
  image?: ImageRef;
  desired: number;
  running?: number;
  pending?: number;
  /** Its target group's weight in the production route. */
  weight?: number;
}

export type StepState = 'done' | 'running' | 'pending' | 'failed' | 'skipped';

export interface StepProgress {
  name: string;
  state: StepState;
  kind?: DeployStep['kind'];
  greenWeight?: number;
  /** Planned bake (shift, promote) or timeout (stabilize, approval), in seconds. */
  seconds?: number;
  startedAt?: string;
  endedAt?: string;
  /** Done: how long it took; running: for how long it has run. */
  elapsedSeconds?: number;
  note?: string;
  reason?: string;
}

export interface DeployProgress {
  deploymentId: string;
  status: string;
  trigger: string;
  image: ImageRef;
  strategy?: ShiftStrategy;
  requestedAt: string;
  startedAt?: string;
  elapsedSeconds: number;
  /** Production traffic on green now. */
  greenWeight: number;
  /** The step running now, numbered within the plan (`3` of `5`). */
  step?: StepProgress & { number: number; of: number };
  /** What the machine waits on, when parked (docs/decisions/0013): `stabilize`, `approval`, `shift`, … */
  waitingFor?: string;
  steps: StepProgress[];
  abortRequested: boolean;
  fastTrack: boolean;
  approved: boolean;
  /** Canary analysis: the newest measurements, oldest first, one row per metric. */
  analysis?: MeasurementRow[];
}

/** One deployment as history shows it (`harbormaster deploys`). */
export interface DeploymentRecord {
  deploymentId: string;
  status: string;
  image: ImageRef;
  trigger: string;
  strategy?: ShiftStrategy;
  requestedAt: string;
  startedAt?: string;
  endedAt?: string;
  /** From start (or request) to end; to now while in flight. */
  durationSeconds?: number;
  reason?: string;
}

export interface ScalingSummary {
  at: string;
  alarmName: string;
  outcome: ScalingActivity['outcome'];
  reason: string;
  fromCapacity?: number;
  toCapacity?: number;
}

export interface ServiceStatus {
  name: string;
  cluster: string;
  service: string;
  observedAt: string;
  /** ECS has an ACTIVE service of this name. */
  found: boolean;
  /** A deployment holds the service's lock, or one is queued. */
  inFlight: boolean;
  /** The live task set runs all its tasks and serves all production traffic; undefined when tasks were not counted. */
  stable?: boolean;
  /** Why it is not stable, one sentence each. */
  problems: string[];
  desiredCount?: number;
  live?: { revision: string; taskDefinitionArn: string; image?: ImageRef };
  taskSets: TaskSetStatus[];
  deploy?: DeployProgress;
  queued?: { deploymentId: string; image: ImageRef; trigger: string; requestedAt: string };
  /** The newest deployment that ended. */
  lastDeploy?: DeploymentRecord;
  lastScaling?: ScalingSummary;
}

/** Steps the machine records before and after the plan (blue-green-workflow.ts STEP_INDEX). */
const REGISTER_STEP = 'register-revision';
const ROLLBACK_STEP = 'rollback';
/** The machine deletes blue after the plan without recording a step: status shows it as the last one. */
const DELETE_BLUE_STEP = 'delete-blue';

export function serviceStatus(facts: StatusFacts): ServiceStatus {
  const { target, observedAt } = facts;
  const running = facts.lock?.deployment;
  const deploy = running ? deployProgress(running, facts.lock?.steps ?? [], facts.images, observedAt) : undefined;
  // Measurements are read newest first; status lists them oldest first, each one's metrics in configured order.
  const measured = [...(facts.lock?.measurements ?? [])].reverse().flatMap((measurement) => measurement.results.map((result) => ({ ...result, step: measurement.step, index: measurement.index, measuredAt: measurement.measuredAt })));
  if (deploy && measured.length > 0) deploy.analysis = measured;
  const taskSets = (facts.live?.taskSets ?? []).map((taskSet) => taskSetStatus(taskSet, facts, running));
  const primary = taskSets.find((taskSet) => taskSet.status === 'PRIMARY');
  const lastEnded = facts.recent.find((deployment) => isEnded(deployment['status']));
  const inFlight = facts.lock !== undefined || facts.queued !== undefined;
  const counted = facts.live !== undefined && (facts.live.taskSets.length > 0 ? facts.live.taskSets.every((taskSet) => taskSet.tasks) : facts.live.serviceTasks !== undefined);
  const problems = instability(facts, primary);
  const status: ServiceStatus = {
    ...target,
    observedAt: observedAt.toISOString(),
    found: facts.live !== undefined,
    inFlight,
    ...(counted || !facts.live ? { stable: problems.length === 0 } : {}),
    problems,
    taskSets,
  };
  if (facts.live) status.desiredCount = facts.live.desiredCount;
  const liveTaskDefinition = primary?.taskDefinitionArn ?? (facts.live?.taskSets.length === 0 ? facts.live.taskDefinitionArn : undefined);
  if (liveTaskDefinition) {
    const image = facts.images[liveTaskDefinition];
    status.live = { revision: revisionOf(liveTaskDefinition), taskDefinitionArn: liveTaskDefinition, ...(image ? { image: imageRef(image, knownPush(image, facts)) } : {}) };
  }
  if (deploy) status.deploy = deploy;
  if (facts.queued) {
    const { deploymentId, trigger, requestedAt } = facts.queued;
    status.queued = { deploymentId, trigger, requestedAt, image: imageRef(facts.queued.image, facts.queued) };
  }
  if (lastEnded) status.lastDeploy = deploymentRecord(lastEnded, observedAt);
  if (facts.lastScaling) status.lastScaling = scalingSummary(facts.lastScaling);
  return status;
}

/** A deployment as the history table shows it. */
export function deploymentRecord(deployment: Record<string, unknown>, now: Date): DeploymentRecord {
  const startedAt = text(deployment['startedAt']);
  const endedAt = text(deployment['endedAt']);
  const requestedAt = text(deployment['requestedAt']) ?? '';
  const from = startedAt ?? requestedAt;
  const until = endedAt ?? (isEnded(deployment['status']) ? undefined : now.toISOString());
  const strategy = deployment['strategy'] as ShiftStrategy | undefined;
  const reason = text(deployment['reason']);
  return {
    deploymentId: String(deployment['deploymentId']),
    status: String(deployment['status']),
    image: imageRef(String(deployment['image'] ?? ''), deployment),
    trigger: String(deployment['trigger'] ?? ''),
    ...(strategy ? { strategy } : {}),
    requestedAt,
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(from && until ? { durationSeconds: secondsBetween(from, until) } : {}),
    ...(reason ? { reason } : {}),
  };
}

/**
 * An image reference shortened for people: the repository without the registry, the tag if known, a 12-hex digest.
 * A rollback deploys a revision, recorded as `revision <task definition ARN>`.
 */
export function imageRef(uri: string, known: { tag?: unknown; digest?: unknown } = {}): ImageRef {
  if (uri.startsWith('revision ')) return { uri, label: `revision ${revisionOf(uri.slice('revision '.length))}` };
  const [name = '', pinned] = uri.split('@');
  const digest = pinned ?? text(known.digest);
  const path = name.includes('/') && /[.:]/.test(name.split('/')[0] ?? '') ? name.slice(name.indexOf('/') + 1) : name;
  const tagAt = path.lastIndexOf(':');
  const repository = tagAt > path.lastIndexOf('/') ? path.slice(0, tagAt) : path;
  const tag = (tagAt > path.lastIndexOf('/') ? path.slice(tagAt + 1) : undefined) ?? text(known.tag);
  const shortDigest = digest?.startsWith('sha256:') ? digest.slice(0, 'sha256:'.length + 12) : digest;
  return {
    uri,
    label: `${repository}${tag ? `:${tag}` : ''}${shortDigest ? `@${shortDigest}` : ''}`,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** `…:task-definition/web:12` → `web:12`. */
export function revisionOf(taskDefinitionArn: string): string {
  return taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1);
}

/** `canary 10% for 15m`, `linear 30% every 2m`, `all-at-once`. */
export function strategyLabel(strategy: ShiftStrategy | undefined): string | undefined {
  if (!strategy) return undefined;
  switch (strategy.type) {
    case 'all-at-once':
      return 'all-at-once';
    case 'canary':
      return `canary ${strategy.percent}% for ${minutesLabel(strategy.bakeMinutes)}`;
    case 'linear':
      return `linear ${strategy.stepPercent}% every ${minutesLabel(strategy.intervalMinutes)}`;
  }
}

/** How a watch of a service (`status SERVICE --watch` / `--timeout`) stands after one look. */
export type WatchVerdict =
  | { ended: false; waitingFor: 'deploy' | 'stability'; message: string }
  | { ended: true; healthy: boolean; message: string };

/**
 * A watch ends once no deploy is in flight (the running one ended and none is queued) and the service is stable; it
 * ends unhealthy at once when a deployment it saw in flight ended other than SUCCEEDED, or when ECS has no service.
 * `seen`: the deployments the watch saw in flight, so an old failure (before the watch) does not count against it.
 */
export function watchVerdict(status: ServiceStatus, seen: readonly string[]): WatchVerdict {
  const where = `${status.cluster}/${status.service}`;
  if (!status.found) return { ended: true, healthy: false, message: `ECS has no ACTIVE service ${where}` };
  if (status.inFlight) {
    const { deploy, queued } = status;
    const running = deploy ? `deployment ${deploy.deploymentId} is ${deploy.status}${deploy.step ? ` at ${deploy.step.name}` : ''}` : 'the deploy lock is held';
    return { ended: false, waitingFor: 'deploy', message: `${running}${queued ? `; ${queued.deploymentId} is queued` : ''}` };
  }
  const last = status.lastDeploy;
  const watched = last !== undefined && seen.includes(last.deploymentId);
  if (watched && last.status !== 'SUCCEEDED') {
    return { ended: true, healthy: false, message: `deployment ${last.deploymentId} ended ${last.status}${last.reason ? `: ${last.reason}` : ''}` };
  }
  const outcome = watched ? `deployment ${last.deploymentId} SUCCEEDED` : 'no deploy in flight';
  if (status.stable === false) return { ended: false, waitingFor: 'stability', message: `${outcome}; not stable yet: ${status.problems.join('; ')}` };
  return { ended: true, healthy: true, message: `${outcome}; ${where} is stable` };
}

/**
 * What changes from one look to the next, for a watch that prints a frame only when something changed: the status
 * without the clock and what is counted from it.
 */
export function statusFingerprint(status: ServiceStatus): string {
  return JSON.stringify(status, (key, value: unknown) => (CLOCK_FIELDS.has(key) ? undefined : value));
}
const CLOCK_FIELDS = new Set(['observedAt', 'elapsedSeconds', 'durationSeconds']);

function taskSetStatus(taskSet: LiveTaskSet, facts: StatusFacts, running: Record<string, unknown> | undefined): TaskSetStatus {
  const image = facts.images[taskSet.taskDefinitionArn];
  const weight = facts.routeWeights?.find((route) => route.targetGroupArn === taskSet.targetGroupArn)?.weight;
  return {
    id: taskSet.id,
    taskSetArn: taskSet.taskSetArn,
    role: roleOf(taskSet, running),
    status: taskSet.status,
    revision: revisionOf(taskSet.taskDefinitionArn),
    taskDefinitionArn: taskSet.taskDefinitionArn,
    ...(image ? { image: imageRef(image, knownPush(image, facts)) } : {}),
    desired: taskSet.desiredTasks,
    ...(taskSet.tasks ? { running: taskSet.tasks.running, pending: taskSet.tasks.pending } : {}),
    ...(weight !== undefined ? { weight } : {}),
  };
}

function roleOf(taskSet: LiveTaskSet, running: Record<string, unknown> | undefined): TaskSetRole {
  if (running) {
    if (taskSet.taskSetArn === running['blueTaskSetArn']) return 'blue';
    // CreateTaskSet carries the deployment id as externalId (blue-green-workflow.ts), so green is known before the
    // machine recorded its ARN.
    if (taskSet.externalId === running['deploymentId'] || taskSet.taskSetArn === running['greenTaskSetArn']) return 'green';
  }
  return taskSet.status === 'PRIMARY' ? 'live' : 'other';
}

/** Images are pinned by digest; the deployment that deployed the digest knows its tag. */
function knownPush(image: string, facts: StatusFacts): { tag?: unknown; digest?: unknown } {
  const digest = image.split('@')[1];
  if (!digest) return {};
  return facts.recent.find((deployment) => deployment['digest'] === digest && deployment['tag'] !== undefined) ?? {};
}

function instability(facts: StatusFacts, primary: TaskSetStatus | undefined): string[] {
  const live = facts.live;
  if (!live) return [`ECS has no ACTIVE service ${facts.target.cluster}/${facts.target.service}`];
  const problems: string[] = [];
  if (live.taskSets.length === 0) {
    const tasks = live.serviceTasks;
    if (tasks) problems.push(...countProblems('the service', { desired: live.desiredCount, ...tasks }));
    return problems;
  }
  if (!primary) return ['no task set is primary'];
  if (primary.running !== undefined && primary.pending !== undefined) {
    problems.push(...countProblems(`the live task set (${primary.revision})`, { desired: primary.desired, running: primary.running, pending: primary.pending }));
  }
  if (facts.routeWeights && primary.weight !== 100) problems.push(`production sends ${primary.weight ?? 0}% to the live task set`);
  return problems;
}

function countProblems(what: string, counts: { desired: number; running: number; pending: number }): string[] {
  if (counts.running === counts.desired && counts.pending === 0) return [];
  return [`${what} runs ${counts.running} of ${counts.desired} tasks${counts.pending > 0 ? ` (${counts.pending} pending)` : ''}`];
}

function deployProgress(deployment: Record<string, unknown>, recorded: Record<string, unknown>[], images: Record<string, string>, now: Date): DeployProgress {
  const status = String(deployment['status']);
  const steps = stepProgress(deployment, recorded, now);
  const planned = plannedSteps(deployment);
  const current = steps.find((step) => step.state === 'running');
  const number = current ? planned.findIndex((step) => step.name === current.name) + 1 : 0;
  const wait = deployment['wait'] as { kind?: unknown } | null | undefined;
  const record = deploymentRecord(deployment, now);
  const greenImage = images[String(deployment['greenTaskDefinitionArn'])];
  return {
    deploymentId: record.deploymentId,
    status,
    trigger: record.trigger,
    // A rollback deploys a revision: its image is the revision's.
    image: record.image.uri.startsWith('revision ') && greenImage ? imageRef(greenImage) : record.image,
    ...(record.strategy ? { strategy: record.strategy } : {}),
    requestedAt: record.requestedAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    elapsedSeconds: record.durationSeconds ?? 0,
    greenWeight: Number(deployment['greenWeight'] ?? 0),
    ...(current && number > 0 ? { step: { ...current, number, of: planned.length } } : {}),
    ...(wait && typeof wait.kind === 'string' ? { waitingFor: wait.kind } : {}),
    steps,
    abortRequested: deployment['abortRequested'] === true,
    fastTrack: deployment['fastTrack'] === true,
    approved: deployment['approvedAt'] !== undefined,
  };
}

type PlannedStep = Pick<DeployStep, 'kind' | 'name' | 'greenWeight' | 'seconds'>;

/** The plan prepare recorded, then blue's deletion, which ends every successful deploy. */
function plannedSteps(deployment: Record<string, unknown>): PlannedStep[] {
  const plan = Array.isArray(deployment['planSteps']) ? (deployment['planSteps'] as PlannedStep[]) : [];
  return plan.length > 0 ? [...plan, { kind: 'promote', name: DELETE_BLUE_STEP, greenWeight: 100, seconds: 0 }] : [];
}

/**
 * Every step of a deployment in order: registering green's revision, the plan, deleting blue, and the rollback if
 * one ran. A recorded step is done; while the deployment runs, the first step not done is running and the rest are
 * pending; once it ended, the step it stopped in failed and the rest were skipped.
 */
function stepProgress(deployment: Record<string, unknown>, recorded: Record<string, unknown>[], now: Date): StepProgress[] {
  const status = String(deployment['status']);
  const ended = isEnded(status);
  const byName = new Map(recorded.map((step) => [String(step['name']), step]));
  const names = [{ name: REGISTER_STEP } as Partial<PlannedStep> & { name: string }, ...plannedSteps(deployment)];
  const rollback = byName.get(ROLLBACK_STEP);
  let previousEnd: string | undefined;
  let reachedUndone = false;
  const steps = names.map((planned): StepProgress => {
    const step: StepProgress = { name: planned.name, state: 'pending', ...plannedFields(planned) };
    const done = byName.get(planned.name) ?? (planned.name === DELETE_BLUE_STEP && status === 'SUCCEEDED' ? {} : undefined);
    if (done) {
      Object.assign(step, recordedFields(done, previousEnd), { state: 'done' });
      previousEnd = step.endedAt ?? previousEnd;
      return step;
    }
    const first = !reachedUndone;
    reachedUndone = true;
    if (!first) {
      step.state = ended ? 'skipped' : 'pending';
    } else if (!ended) {
      step.state = status === 'STARTING' ? 'pending' : 'running';
      if (previousEnd && step.state === 'running') Object.assign(step, { startedAt: previousEnd, elapsedSeconds: secondsBetween(previousEnd, now.toISOString()) });
    } else {
      step.state = status === 'SUCCEEDED' ? 'done' : 'failed';
    }
    return step;
  });
  if (rollback) steps.push({ name: ROLLBACK_STEP, state: 'done', greenWeight: 0, ...recordedFields(rollback, undefined) });
  return steps;
}

function plannedFields(planned: Partial<PlannedStep>): Partial<StepProgress> {
  return {
    ...(planned.kind ? { kind: planned.kind } : {}),
    ...(planned.greenWeight !== undefined ? { greenWeight: planned.greenWeight } : {}),
    ...(planned.seconds ? { seconds: planned.seconds } : {}),
  };
}

function recordedFields(step: Record<string, unknown>, previousEnd: string | undefined): Partial<StepProgress> {
  const startedAt = text(step['startedAt']) ?? previousEnd;
  const endedAt = text(step['endedAt']);
  const note = text(step['note']);
  const reason = text(step['reason']);
  return {
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(startedAt && endedAt ? { elapsedSeconds: secondsBetween(startedAt, endedAt) } : {}),
    ...(note ? { note } : {}),
    ...(reason ? { reason } : {}),
  };
}

function scalingSummary(activity: ScalingActivity): ScalingSummary {
  return {
    at: activity.evaluatedAt,
    alarmName: activity.alarmName,
    outcome: activity.outcome,
    reason: activity.reason,
    ...(activity.fromCapacity !== undefined ? { fromCapacity: activity.fromCapacity } : {}),
    ...(activity.toCapacity !== undefined ? { toCapacity: activity.toCapacity } : {}),
  };
}

function minutesLabel(minutes: number): string {
  const seconds = Math.round(minutes * 60);
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function secondsBetween(from: string, until: string): number {
  return Math.max(0, Math.round((Date.parse(until) - Date.parse(from)) / 1000));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
