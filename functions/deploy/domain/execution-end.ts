import { readEnvelope } from '../../kernel/envelope.ts';
import { readOneOf, readString } from '../../kernel/validate.ts';
import type { Notification } from '../../kernel/notifications.ts';
import { isEnded, type DeploymentOutcome, type DeploymentStatus } from './deployment.ts';

/**
 * What to do when a deploy execution has ended, however it ended: run to its end, failed, timed out, stopped by hand
 * (StopExecution), or lost its Finish step. The machine records its own outcome and releases the service's lock in
 * Finish; this decides, from what is stored and what ECS shows, what is still to do (docs/decisions/0007).
 */

export const EXECUTION_STATUS_CHANGE = { source: 'aws.states', detailType: 'Step Functions Execution Status Change' } as const;
export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** A "Step Functions Execution Status Change" event: only what the reconciler needs is required. */
export interface ExecutionStatusChange {
  eventId: string;
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
}

export function parseExecutionStatusChange(event: unknown): ExecutionStatusChange {
  const envelope = readEnvelope(event, EXECUTION_STATUS_CHANGE);
  const detail = envelope.detail;
  return {
    eventId: envelope.id,
    executionArn: readString(detail, 'executionArn', 'detail'),
    stateMachineArn: readString(detail, 'stateMachineArn', 'detail'),
    name: readString(detail, 'name', 'detail'),
    status: readOneOf(detail, 'status', 'detail', EXECUTION_STATUSES),
  };
}

/** How the execution of a deployment ended; NOT_STARTED: it has none (its start never happened). */
export type ExecutionEnd = Exclude<ExecutionStatus, 'RUNNING'> | 'NOT_STARTED';

export interface ExecutionEndFacts {
  execution: ExecutionEnd;
  /** What DescribeExecution says went wrong, if anything. */
  executionError?: string;
  deployment: {
    status: DeploymentStatus;
    /** Prepare ran: blue, green's target group and the routes are known, and green may exist. */
    prepared: boolean;
    /** The machine's rollback completed (its step is recorded). */
    rolledBack: boolean;
    /** An earlier reconciliation already put traffic back on blue. */
    restored: boolean;
  };
  /** What ECS shows now (only meaningful once prepared). */
  live: { bluePresent: boolean; greenTaskSetArns: string[] };
  /** The service's lock is still held by this deployment. */
  lockHeld: boolean;
}

export interface ExecutionEndPlan {
  /** The deployment's real outcome. */
  outcome: DeploymentOutcome;
  /** Not recorded yet: record it (with its announcement). */
  record: boolean;
  /** Why it ended so, for the record (absent for a success). */
  reason?: string;
  /** Production back on blue (100 / 0), blue primary, green task sets deleted. */
  restoreBlue: boolean;
  /** Release the lock and start the queued deploy. */
  releaseLock: boolean;
}

const REASONS: Record<ExecutionEnd, string> = {
  ABORTED: 'The deploy execution was stopped (ABORTED) before it finished',
  TIMED_OUT: 'The deploy execution timed out (TIMED_OUT) before it finished',
  FAILED: 'The deploy execution failed before it recorded an outcome',
  SUCCEEDED: 'The deploy execution succeeded without recording an outcome',
  NOT_STARTED: 'The deploy execution never started',
};

const OUTCOME_OF_EXECUTION: Record<ExecutionEnd, DeploymentOutcome> = {
  ABORTED: 'STOPPED',
  TIMED_OUT: 'TIMED_OUT',
  FAILED: 'FAILED',
  SUCCEEDED: 'FAILED',
  NOT_STARTED: 'FAILED',
};

export function planExecutionEnd(facts: ExecutionEndFacts): ExecutionEndPlan {
  const { deployment, live } = facts;
  const recorded = isEnded(deployment.status);
  const outcome = recorded ? (deployment.status as DeploymentOutcome) : unrecordedOutcome(facts);
  const greenLeft = live.greenTaskSetArns.length > 0;
  // Once blue is gone, green is the service: it is never removed. Otherwise anything but a success goes back to blue,
  // unless the machine's rollback (or an earlier reconciliation) already did and nothing of green is left.
  const restoreBlue = outcome !== 'SUCCEEDED' && deployment.prepared && live.bluePresent && (greenLeft || (!deployment.rolledBack && !deployment.restored));
  return {
    outcome,
    record: !recorded,
    ...(recorded || outcome === 'SUCCEEDED' ? {} : { reason: reasonFor(facts, outcome) }),
    restoreBlue,
    releaseLock: facts.lockHeld,
  };
}

function unrecordedOutcome({ execution, deployment, live }: ExecutionEndFacts): DeploymentOutcome {
  // Blue deleted and green left: the machine got past DeleteBlue, so the new image serves all traffic.
  if (deployment.prepared && !live.bluePresent && live.greenTaskSetArns.length > 0) return 'SUCCEEDED';
  if (deployment.rolledBack) return 'ROLLED_BACK';
  return OUTCOME_OF_EXECUTION[execution];
}

function reasonFor({ execution, executionError }: ExecutionEndFacts, outcome: DeploymentOutcome): string {
  const base = outcome === 'ROLLED_BACK' ? `Rolled back, then the deploy execution ended (${execution}) before recording it` : REASONS[execution];
  return executionError ? `${base} (${executionError})`.slice(0, 1000) : base;
}

/** The plan in words, for the operator's `unlock` (dry run or done). */
export function describeExecutionEndPlan(plan: ExecutionEndPlan, context: { greenTaskSetArns: string[]; queuedDeploymentId?: string }): string[] {
  const lines: string[] = [];
  if (plan.restoreBlue) {
    const green = context.greenTaskSetArns.length > 0 ? `, delete green task set(s) ${context.greenTaskSetArns.join(', ')}` : '';
    lines.push(`put production traffic back on blue (blue 100 / green 0), make blue primary${green}`);
  }
  if (plan.record) lines.push(`record the deployment ${plan.outcome}${plan.reason ? `: ${plan.reason}` : ''}`);
  if (plan.releaseLock) lines.push(`release the lock${context.queuedDeploymentId ? ` and start queued deployment ${context.queuedDeploymentId}` : ''}`);
  return lines;
}

/** Announces a green task set that could not be removed: someone must delete it (and check the weights) by hand. */
export function leftBehindNotification(input: { deploymentId: string; cluster: string; service: string; taskSetArns: string[]; error: string; at: string; notify: string[] }): Notification {
  return {
    id: `deploy-cleanup-failed#${input.deploymentId}`,
    kind: 'deploy-cleanup-failed',
    subject: `${input.cluster}/${input.service}: deployment ${input.deploymentId} ended, but its green task set could not be removed (${input.error.slice(0, 200)})`,
    cluster: input.cluster,
    service: input.service,
    details: { deploymentId: input.deploymentId, taskSetArns: input.taskSetArns, error: input.error, routes: input.notify },
    createdAt: input.at,
  };
}
