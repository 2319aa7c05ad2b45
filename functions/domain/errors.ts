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
