/**
 * Errors with stable names: handlers, Step Functions Retry/Catch and tests match on `name`.
 */

/** An event that does not have the shape AWS documents; retrying it can never succeed. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`${field} ${problem}`);
    this.field = field;
  }
}

/**
 * Why a blue/green deploy stops and rolls back (issue 3). The state machine catches them by name; the deployment
 * history records name and message.
 */
export class DeployPreparationError extends Error {
  override readonly name = 'DeployPreparationError';
}
export class GreenTasksFailedError extends Error {
  override readonly name = 'GreenTasksFailedError';
}
export class GreenNotStableError extends Error {
  override readonly name = 'GreenNotStableError';
}
export class RollbackAlarmError extends Error {
  override readonly name = 'RollbackAlarmError';
}
export class PreTrafficCheckFailedError extends Error {
  override readonly name = 'PreTrafficCheckFailedError';
}
export class DeploymentAbortedError extends Error {
  override readonly name = 'DeploymentAbortedError';
}
/** The approval gate waited its configured timeout without an approval, and its configured action is to roll back. */
export class ApprovalTimedOutError extends Error {
  override readonly name = 'ApprovalTimedOutError';
}
/** Canary analysis failed (docs/decisions/0019): the message names the metric and its failing value. */
export class AnalysisFailedError extends Error {
  override readonly name = 'AnalysisFailedError';
}
/** An inconclusive analysis waited for approval until its timeout, and the configured action is to roll back. */
export class AnalysisInconclusiveError extends Error {
  override readonly name = 'AnalysisInconclusiveError';
}

/**
 * An AWS service (ECS mostly, hence the name) refused a call for its rate limit even after the SDK's own retries;
 * Step Functions retries with backoff.
 */
export class EcsThrottledError extends Error {
  override readonly name = 'EcsThrottledError';
}

/**
 * An AWS service failed on its side (HTTP 5xx) even after the SDK's own retries: transient like throttling, so Step
 * Functions retries it with backoff, and it never counts as a failed check.
 */
export class AwsServerError extends Error {
  override readonly name = 'AwsServerError';
}

/** An AWS call failed for a reason other than throttling or a server error; `cause` holds the SDK error. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
}
