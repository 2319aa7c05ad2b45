import { DeploymentAbortedError, GreenNotStableError, GreenTasksFailedError, RollbackAlarmError } from '../../kernel/errors.ts';
import type { DeployStep } from './deploy-plan.ts';
import { taskFailure, type ContainerState } from '../../ingestion/domain/task-state.ts';

/**
 * The check the state machine runs after every step action, and again after each wait, until the step is done:
 * should the deploy go on, wait a little longer, or roll back (a named error)? Pure.
 */

export interface GreenTask {
  taskArn: string;
  lastStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerState[];
}

export interface CheckInput {
  step: Pick<DeployStep, 'kind' | 'name' | 'seconds'>;
  /** When the step began (ISO-8601); its bake or timeout counts from here. */
  stepStartedAt: string;
  now: Date;
  /** Every task of the green task set, stopped ones included. */
  greenTasks: GreenTask[];
  /** ceil(service desiredCount × green scale). */
  expectedGreenTasks: number;
  /** Rollback alarms and their state values. */
  alarms: { name: string; state: string }[];
  abortRequested: boolean;
  /** An operator asked to skip the remaining bakes. */
  fastTrack: boolean;
  checkIntervalSeconds: number;
}

/**
 * `awaitGreen`: wait at most `waitSeconds` for green to stabilize, resumed early by green's task events (the machine
 * parks on a task token that ingestTaskState completes; on timeout it checks again, as for `wait`).
 */
export type CheckVerdict = { next: 'proceed'; waitSeconds: 0 } | { next: 'wait' | 'awaitGreen'; waitSeconds: number };

/** Green is stable when every expected task is RUNNING; one green task that stopped abnormally fails it. */
export function greenTaskFailures(greenTasks: Pick<GreenTask, 'taskArn' | 'lastStatus' | 'stopCode' | 'stoppedReason' | 'containers'>[]): GreenTasksFailedError | undefined {
  const failed = greenTasks.flatMap((task) => {
    const reason = taskFailure(task);
    return reason === undefined ? [] : [`${task.taskArn.split('/').pop()}: ${reason}`];
  });
  return failed.length > 0 ? new GreenTasksFailedError(`Green tasks stopped unexpectedly: ${failed.join('; ')}`) : undefined;
}

export function greenIsStable(runningTasks: number, expectedGreenTasks: number): boolean {
  return runningTasks >= expectedGreenTasks;
}

/** What a task-event-driven stability wait knows: how many tasks green needs and which of them ran so far. */
export interface StabilityWaiter {
  expectedTasks: number;
  runningTaskArns: string[];
}

/**
 * Task events that can end a stability wait: a task of an ECS task set reaching RUNNING (not a later event of a task
 * already RUNNING) or stopping abnormally. Task sets (and ECS-controller deployments) start their tasks with
 * `startedBy = ecs-svc/<digits>`; RunTask callers choose their own `startedBy`, so those events never look for a waiter.
 * `previousStatus`: the stored status the event replaced, if known.
 */
export function mayEndStabilityWait(task: Omit<GreenTask, 'taskArn'> & { startedBy?: string }, previousStatus?: string): boolean {
  if (task.startedBy?.startsWith('ecs-svc/') !== true) return false;
  return (task.lastStatus === 'RUNNING' && previousStatus !== 'RUNNING') || taskFailure(task) !== undefined;
}

/**
 * Whether a stability wait ends, given green's tasks just seen (their RUNNING ones already counted in
 * `waiter.runningTaskArns`): a failed task fails it, as the check loop would; enough running tasks end it.
 */
export function stabilityWaitOutcome(
  waiter: StabilityWaiter,
  tasks: Pick<GreenTask, 'taskArn' | 'lastStatus' | 'containers' | 'stopCode' | 'stoppedReason'>[],
): { resume: 'success' } | { resume: 'failure'; error: GreenTasksFailedError } | { resume: 'no' } {
  const failure = greenTaskFailures(tasks);
  if (failure) return { resume: 'failure', error: failure };
  return greenIsStable(new Set(waiter.runningTaskArns).size, waiter.expectedTasks) ? { resume: 'success' } : { resume: 'no' };
}

export function checkDeployment(input: CheckInput): CheckVerdict {
  if (input.abortRequested) throw new DeploymentAbortedError('An operator aborted the deployment');
  const failure = greenTaskFailures(input.greenTasks);
  if (failure) throw failure;
  const alarming = input.alarms.filter((alarm) => alarm.state === 'ALARM').map((alarm) => alarm.name);
  if (alarming.length > 0) throw new RollbackAlarmError(`Rollback alarm in ALARM: ${alarming.join(', ')}`);

  const elapsedSeconds = (input.now.getTime() - Date.parse(input.stepStartedAt)) / 1000;
  const remaining = Math.max(0, input.step.seconds - elapsedSeconds);
  const waitSeconds = Math.max(1, Math.min(input.checkIntervalSeconds, Math.ceil(remaining)));

  if (input.step.kind === 'stabilize') {
    const running = input.greenTasks.filter((task) => task.lastStatus === 'RUNNING').length;
    if (greenIsStable(running, input.expectedGreenTasks)) return { next: 'proceed', waitSeconds: 0 };
    if (remaining <= 0) {
      throw new GreenNotStableError(`Green had ${running} of ${input.expectedGreenTasks} tasks running after ${input.step.seconds} s`);
    }
    return { next: 'awaitGreen', waitSeconds };
  }
  if (remaining <= 0 || input.fastTrack) return { next: 'proceed', waitSeconds: 0 };
  return { next: 'wait', waitSeconds };
}
