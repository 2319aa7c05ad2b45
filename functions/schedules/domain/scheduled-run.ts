import { createHash } from 'node:crypto';
import type { Schedule, ScheduleFire, ScheduleRun, ScheduleRunOutcome } from './schedule.ts';

/**
 * The decisions of one scheduled run (functions/schedules/scheduled-task-run.asl.json, docs/decisions/0018): whether
 * a fire runs at all, what a failed start or a stopped task means, when to look again, retry or give up, and which
 * old run records go. Pure: the workflow (app/scheduled-run-workflow.ts) reads and writes, this decides.
 */

/** RunTask's startedBy for every scheduled task: the rule that resumes waiting runs matches it. */
export const SCHEDULED_TASK_STARTED_BY = 'harbormaster-schedule';

/** The sparse look at a running task when no stop event arrived (a lost event costs at most this long). */
export const STOPPED_POLL_SECONDS = 300;
/** After StopTask (timeout, replace), how long until the machine looks again if the stop event is lost. */
export const STOP_GRACE_SECONDS = 30;
/** A failed start (capacity, throttling) is tried again after 2, 4, 8… seconds, at most this long apart. */
export const START_RETRY_MAX_SECONDS = 30;
/** Backoff between attempts after a failed run grows exponentially up to this. */
export const RETRY_BACKOFF_MAX_SECONDS = 3600;

export const TERMINAL_OUTCOMES: readonly ScheduleRunOutcome[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'SKIPPED', 'MISSED', 'REPLACED'];

export function isTerminal(outcome: ScheduleRunOutcome): boolean {
  return TERMINAL_OUTCOMES.includes(outcome);
}

/** Deterministic per fire (schedule.ts): a redelivered fire has the same id. */
export function runIdOf(fire: Pick<ScheduleFire, 'schedule' | 'scheduledTime'>): string {
  return `${fire.schedule}@${fire.scheduledTime}`;
}

/**
 * RunTask's clientToken (at most 64 characters): the same try of the same attempt always asks ECS for the same task,
 * so a start retried after RunTask answered (a lost reply, a retried Lambda) starts nothing twice. A start tried again
 * after a capacity failure (`startTry` + 1) started no task, so it asks afresh.
 */
export function runTaskClientToken(runId: string, attempt: number, startTry: number): string {
  return createHash('sha256').update(`${runId}#${attempt}#${startTry}`).digest('hex');
}

/** What the run machine carries from step to step (small: records live in the state table). */
export interface RunContext {
  fire: ScheduleFire;
  runId: string;
  attempt: number;
  /** When this attempt was due: the scheduled time, or when its backoff ended; the starting deadline counts from it. */
  dueAt: string;
  /** Start attempts of this attempt that failed for capacity or throttling, and why the last one did (seen in the execution's history). */
  startFailures: number;
  lastStartFailure?: string;
  taskDefinitionArn?: string;
  taskArn?: string;
  /** Where the machine goes next: start a task, wait for it to stop, wait `waitSeconds` then start, finish, end. */
  next: 'start' | 'await' | 'wait' | 'finish' | 'end';
  waitSeconds: number;
}

/** Why a fire runs no task: the schedule is gone, or suspended (a manual run still runs, as a Kubernetes Job made from a suspended CronJob does). */
export function skipReason(schedule: Schedule | undefined, fire: Pick<ScheduleFire, 'schedule' | 'trigger'>): string | undefined {
  if (!schedule) return `schedule ${fire.schedule} is not configured (any more)`;
  if (schedule.suspended && fire.trigger === 'schedule') return `schedule ${fire.schedule} is suspended`;
  return undefined;
}

/** The run holding a schedule's overlap lock (Forbid, Replace), as the lock item records it. */
export interface ActiveRun {
  runId: string;
  executionArn: string;
  /** Sort key of the holder's current attempt. */
  runSk: string;
  taskArn?: string;
  cluster?: string;
}

export type OverlapDecision =
  | { kind: 'run'; replaces?: ActiveRun; takeOverFrom?: string }
  | { kind: 'skip'; reason: string; activeRunId: string };

/**
 * What a new fire does about the run holding the schedule's lock. `holderActive`: its attempt has not ended or its
 * execution still runs (a run between attempts is active); a holder neither (its release was lost) holds nothing.
 */
export function decideOverlap(policy: Schedule['concurrencyPolicy'], runId: string, holder: ActiveRun | undefined, holderActive: boolean): OverlapDecision {
  if (policy === 'Allow' || !holder || holder.runId === runId) return { kind: 'run' };
  if (!holderActive) return { kind: 'run', takeOverFrom: holder.runId };
  if (policy === 'Forbid') return { kind: 'skip', reason: `run ${holder.runId} is still active (concurrencyPolicy Forbid)`, activeRunId: holder.runId };
  return { kind: 'run', replaces: holder, takeOverFrom: holder.runId };
}

/** A RunTask failure entry (`failures[]`) or an error thrown by the call. */
export interface StartFailure {
  reason: string;
  /** Capacity (RESOURCE:*, AGENT), throttling, server errors: trying again may succeed. */
  transient: boolean;
}

/** `failures[].reason` values worth another try: no capacity now (docs: "API failure reasons"). */
export function isTransientRunTaskFailure(reason: string): boolean {
  return /^RESOURCE:|^AGENT$|capacity|throttl|rate exceeded/i.test(reason);
}

export type StartFailureDecision = { kind: 'retry'; waitSeconds: number } | { kind: 'missed'; reason: string } | { kind: 'failed'; reason: string };

/**
 * A start that failed: a transient failure is tried again (2, 4, 8… s) while the starting deadline allows, then the
 * run is missed; any other failure (a bad task definition, a missing cluster) is a failed attempt.
 */
export function decideStartFailure(failure: StartFailure, facts: { dueAt: string; now: Date; startingDeadlineSeconds: number; startFailures: number }): StartFailureDecision {
  if (!failure.transient) return { kind: 'failed', reason: `RunTask failed: ${failure.reason}` };
  const deadline = Date.parse(facts.dueAt) + facts.startingDeadlineSeconds * 1000;
  const remainingSeconds = Math.floor((deadline - facts.now.getTime()) / 1000);
  const backoff = Math.min(START_RETRY_MAX_SECONDS, 2 ** (facts.startFailures + 1));
  if (remainingSeconds < 1) {
    return { kind: 'missed', reason: `could not start within startingDeadlineSeconds (${facts.startingDeadlineSeconds}) after ${facts.startFailures + 1} attempts: ${failure.reason}` };
  }
  return { kind: 'retry', waitSeconds: Math.max(1, Math.min(backoff, remainingSeconds)) };
}

/** A fire that arrives after its deadline (Scheduler retried it for long, a flexible window): missed at once. */
export function lateBy(dueAt: string, now: Date, startingDeadlineSeconds: number): number | undefined {
  const late = Math.floor((now.getTime() - Date.parse(dueAt)) / 1000);
  return late > startingDeadlineSeconds ? late : undefined;
}

/** The subset of an ECS DescribeTasks task the check reads. */
export interface DescribedTask {
  lastStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  startedAt?: Date;
  stoppedAt?: Date;
  containers?: Array<{ name?: string; exitCode?: number; reason?: string }>;
}

/** A container definition's name, whether it is essential, and its awslogs options. */
export interface ContainerDefinitionFacts {
  name: string;
  essential: boolean;
  logGroup?: string;
  logStreamPrefix?: string;
}

/** `awslogs` writes to `<prefix>/<container>/<task id>` (docs: "Using the awslogs log driver"); no prefix, no known stream. */
export function logLocation(container: ContainerDefinitionFacts, taskArn: string): { logGroup?: string; logStream?: string } {
  if (!container.logGroup) return {};
  const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);
  return { logGroup: container.logGroup, ...(container.logStreamPrefix ? { logStream: `${container.logStreamPrefix}/${container.name}/${taskId}` } : {}) };
}

/** Per container: exit code, reason and log location, in the task definition's order. */
export function containerResults(task: DescribedTask, definitions: ContainerDefinitionFacts[], taskArn: string): ScheduleRun['containers'] {
  const names = definitions.length > 0 ? definitions.map((definition) => definition.name) : (task.containers ?? []).map((container) => container.name ?? '');
  return names.map((name) => {
    const described = task.containers?.find((container) => container.name === name);
    const definition = definitions.find((candidate) => candidate.name === name);
    return {
      name,
      ...(described?.exitCode !== undefined && described.exitCode !== null ? { exitCode: described.exitCode } : {}),
      ...(described?.reason ? { reason: described.reason } : {}),
      ...(definition ? logLocation(definition, taskArn) : {}),
    };
  });
}

/** Success is every essential container exiting 0 (a missing exit code is not a success). */
export function stoppedOutcome(task: DescribedTask, definitions: ContainerDefinitionFacts[], timedOut: boolean): { outcome: ScheduleRunOutcome; reason?: string } {
  if (timedOut) return { outcome: 'TIMED_OUT', reason: 'stopped when timeoutSeconds was reached' };
  const essential = definitions.filter((definition) => definition.essential).map((definition) => definition.name);
  const judged = (task.containers ?? []).filter((container) => essential.length === 0 || essential.includes(container.name ?? ''));
  const failed = judged.filter((container) => container.exitCode !== 0);
  if (judged.length > 0 && failed.length === 0) return { outcome: 'SUCCEEDED' };
  const first = failed[0];
  const exit = first ? `container ${first.name ?? '?'} ${first.exitCode === undefined || first.exitCode === null ? 'has no exit code' : `exited ${first.exitCode}`}` : 'no essential container reported';
  return { outcome: 'FAILED', reason: [exit, task.stoppedReason].filter(Boolean).join(': ') };
}

export type RunningDecision = { kind: 'stop'; reason: string } | { kind: 'wait'; waitSeconds: number };

/** A task still running: stop it when timeoutSeconds is reached, else look again when it would be (or sparsely). */
export function decideRunning(facts: { startedAt: string; now: Date; timeoutSeconds?: number; stopRequested: boolean }): RunningDecision {
  if (facts.stopRequested) return { kind: 'wait', waitSeconds: STOP_GRACE_SECONDS };
  if (facts.timeoutSeconds === undefined) return { kind: 'wait', waitSeconds: STOPPED_POLL_SECONDS };
  const elapsedSeconds = (facts.now.getTime() - Date.parse(facts.startedAt)) / 1000;
  const remaining = Math.ceil(facts.timeoutSeconds - elapsedSeconds);
  if (remaining <= 0) return { kind: 'stop', reason: `Timed out after ${facts.timeoutSeconds} s (timeoutSeconds)` };
  return { kind: 'wait', waitSeconds: Math.min(STOPPED_POLL_SECONDS, remaining) };
}

/** Another attempt after a failed one: backoffSeconds × 2^(attempt−1), while attempts remain. Timeouts, misses and replaced runs are final. */
export function decideRetry(outcome: ScheduleRunOutcome, attempt: number, retries: Schedule['retries']): { kind: 'retry'; waitSeconds: number } | { kind: 'done' } {
  if (outcome !== 'FAILED' || attempt > retries.limit) return { kind: 'done' };
  return { kind: 'retry', waitSeconds: Math.min(RETRY_BACKOFF_MAX_SECONDS, retries.backoffSeconds * 2 ** (attempt - 1)) };
}

/** Seconds between two ISO times, to the millisecond. */
export function durationSeconds(startedAt: string | undefined, stoppedAt: string | undefined): number | undefined {
  if (!startedAt || !stoppedAt) return undefined;
  return Math.max(0, (Date.parse(stoppedAt) - Date.parse(startedAt)) / 1000);
}

/**
 * Run records beyond the history limits, oldest first: the newest `successful` SUCCEEDED records and the newest
 * `failed` other ended records are kept; runs not ended yet are never deleted. `runs` are in key order (oldest first).
 */
export function runsBeyondHistory<T extends Pick<ScheduleRun, 'outcome'>>(runs: T[], history: Schedule['history']): T[] {
  const ended = runs.filter((run) => isTerminal(run.outcome));
  const succeeded = ended.filter((run) => run.outcome === 'SUCCEEDED');
  const others = ended.filter((run) => run.outcome !== 'SUCCEEDED');
  const beyond = new Set([...succeeded.slice(0, Math.max(0, succeeded.length - history.successful)), ...others.slice(0, Math.max(0, others.length - history.failed))]);
  return runs.filter((run) => beyond.has(run));
}

/** The revision a service runs now: its PRIMARY task set's (blue/green, EXTERNAL), else its PRIMARY deployment's, else its own. */
export interface DescribedService {
  taskDefinition?: string;
  taskSets?: Array<{ status?: string; taskDefinition?: string }>;
  deployments?: Array<{ status?: string; taskDefinition?: string }>;
}

export function liveTaskDefinition(service: DescribedService): string | undefined {
  const primaryTaskSet = service.taskSets?.find((taskSet) => taskSet.status === 'PRIMARY');
  if (primaryTaskSet?.taskDefinition) return primaryTaskSet.taskDefinition;
  const primaryDeployment = service.deployments?.find((deployment) => deployment.status === 'PRIMARY');
  return primaryDeployment?.taskDefinition ?? service.taskDefinition;
}
