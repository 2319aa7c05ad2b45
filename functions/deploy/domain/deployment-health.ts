import { ApprovalTimedOutError, DeploymentAbortedError, GreenNotStableError, GreenTasksFailedError, RollbackAlarmError } from '../../kernel/errors.ts';
import type { DeployStep } from './deploy-plan.ts';
import { taskFailure, type ContainerState } from '../../ingestion/domain/task-state.ts';

/**
 * The check the state machine runs after every step action, and again after each wait, until the step is done:
 * should the deploy go on, wait for the events that end the step, or roll back (a named error)? Pure.
 */

export interface GreenTask {
  taskArn: string;
  lastStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerState[];
}

export interface CheckInput {
  step: Pick<DeployStep, 'kind' | 'name' | 'seconds' | 'checkEverySeconds' | 'onTimeout'>;
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
  /** An operator asked to skip the remaining bakes (and the approval gate). */
  fastTrack: boolean;
  /** An operator approved the approval gate. */
  approved: boolean;
  /** The step whose wait for approval an operator ended last (the gate, or an inconclusive analysis). */
  approvedStep?: string;
  /** The step whose bake an operator ended (a plain `promote`); later bakes run as planned. */
  promotedStep?: string;
}

/** Why a step is done: its bake or wait is over, an operator moved it on, or the approval gate timed out into `proceed`. */
export type ProceedReason = 'done' | 'fast-track' | 'promoted' | 'approved' | 'approval-timed-out';

/**
 * `await`: the step is not done; the machine parks on a task token for at most `waitSeconds`, resumed early by the
 * events that can end the step (green's task events, the rollback alarms, operator controls), then checks again.
 */
export type CheckVerdict = { next: 'proceed'; waitSeconds: 0; reason: ProceedReason } | { next: 'await'; waitSeconds: number; waitKind?: 'approval' };

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

/**
 * What a wait registered for green's task events knows: whether green becoming stable ends it (while green comes up)
 * or only a failed task does (a bake or the approval gate), how many tasks green needs and which of them ran so far.
 */
export interface StabilityWaiter {
  resumeWhenStable: boolean;
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
  if (!waiter.resumeWhenStable) return { resume: 'no' };
  return greenIsStable(new Set(waiter.runningTaskArns).size, waiter.expectedTasks) ? { resume: 'success' } : { resume: 'no' };
}

export function checkDeployment(input: CheckInput): CheckVerdict {
  if (input.abortRequested) throw new DeploymentAbortedError('An operator aborted the deployment');
  const failure = greenTaskFailures(input.greenTasks);
  if (failure) throw failure;
  const alarming = input.alarms.filter((alarm) => alarm.state === 'ALARM').map((alarm) => alarm.name);
  if (alarming.length > 0) throw new RollbackAlarmError(`Rollback alarm in ALARM: ${alarming.join(', ')}`);

  const { step } = input;
  const elapsedSeconds = (input.now.getTime() - Date.parse(input.stepStartedAt)) / 1000;
  const remaining = Math.max(0, step.seconds - elapsedSeconds);
  const wait: CheckVerdict = { next: 'await', waitSeconds: Math.max(1, Math.min(step.checkEverySeconds, Math.ceil(remaining))) };
  const proceed = (reason: ProceedReason): CheckVerdict => ({ next: 'proceed', waitSeconds: 0, reason });

  switch (step.kind) {
    case 'stabilize': {
      const running = input.greenTasks.filter((task) => task.lastStatus === 'RUNNING').length;
      if (greenIsStable(running, input.expectedGreenTasks)) return proceed('done');
      if (remaining <= 0) throw new GreenNotStableError(`Green had ${running} of ${input.expectedGreenTasks} tasks running after ${step.seconds} s`);
      return wait;
    }
    case 'approval':
      if (input.approved) return proceed('approved');
      if (input.fastTrack) return proceed('fast-track');
      if (remaining > 0) return wait;
      if (step.onTimeout === 'proceed') return proceed('approval-timed-out');
      throw new ApprovalTimedOutError(`Nobody approved the deployment within ${step.seconds} s`);
    case 'analysis':
      // Its measurements end it (functions/analysis); only a fast track skips it.
      return input.fastTrack ? proceed('fast-track') : { next: 'await', waitSeconds: Math.max(1, step.checkEverySeconds) };
    default:
      if (remaining <= 0) return proceed('done');
      if (input.fastTrack) return proceed('fast-track');
      if (input.promotedStep === step.name) return proceed('promoted');
      return wait;
  }
}
