import { DeploymentAbortedError, GreenNotStableError, GreenTasksFailedError, RollbackAlarmError } from './errors.ts';
import type { DeployStep } from './deploy-plan.ts';
import { taskFailure, type ContainerState } from './task-state.ts';

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

export type CheckVerdict = { next: 'proceed'; waitSeconds: 0 } | { next: 'wait'; waitSeconds: number };

export function checkDeployment(input: CheckInput): CheckVerdict {
  if (input.abortRequested) throw new DeploymentAbortedError('An operator aborted the deployment');
  const failed = input.greenTasks.flatMap((task) => {
    const reason = taskFailure(task);
    return reason === undefined ? [] : [`${task.taskArn.split('/').pop()}: ${reason}`];
  });
  if (failed.length > 0) throw new GreenTasksFailedError(`Green tasks stopped unexpectedly: ${failed.join('; ')}`);
  const alarming = input.alarms.filter((alarm) => alarm.state === 'ALARM').map((alarm) => alarm.name);
  if (alarming.length > 0) throw new RollbackAlarmError(`Rollback alarm in ALARM: ${alarming.join(', ')}`);

  const elapsedSeconds = (input.now.getTime() - Date.parse(input.stepStartedAt)) / 1000;
  const remaining = Math.max(0, input.step.seconds - elapsedSeconds);
  const wait = (): CheckVerdict => ({ next: 'wait', waitSeconds: Math.max(1, Math.min(input.checkIntervalSeconds, Math.ceil(remaining))) });

  if (input.step.kind === 'stabilize') {
    const running = input.greenTasks.filter((task) => task.lastStatus === 'RUNNING').length;
    if (running >= input.expectedGreenTasks) return { next: 'proceed', waitSeconds: 0 };
    if (remaining <= 0) {
      throw new GreenNotStableError(`Green had ${running} of ${input.expectedGreenTasks} tasks running after ${input.step.seconds} s`);
    }
    return wait();
  }
  if (remaining <= 0 || input.fastTrack) return { next: 'proceed', waitSeconds: 0 };
  return wait();
}
