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

/** ECS refused a call for its rate limit even after the SDK's own retries; Step Functions retries with backoff. */
export class EcsThrottledError extends Error {
  override readonly name = 'EcsThrottledError';
}

/** An ECS, EventBridge or Scheduler call failed for a reason other than throttling; `cause` holds the SDK error. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
}
