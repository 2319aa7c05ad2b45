/**
 * Errors of revision cleanup with stable names (the state machine's Catch records them per family or per run).
 * A plan is only as safe as its usage set: these stop a run from planning on one that is incomplete or old.
 */

/** A listed cluster was never gathered, or the usage set of the run was never sealed: nothing may be planned. */
export class UsageIncompleteError extends Error {
  override readonly name = 'UsageIncompleteError';
}

/** The run's usage set was gathered too long ago to trust (and DynamoDB TTL is about to remove it). */
export class StaleUsageError extends Error {
  override readonly name = 'StaleUsageError';
}
