import { AwsCallError, AwsServerError, EcsThrottledError } from '../errors.ts';

/**
 * The one place SDK errors become named errors (Step Functions Retry/Catch match on the name), and the one pagination
 * helper: every List/Describe call of the control plane pages through it.
 */

/** Runs one SDK call and maps its error; a capability with its own error names (deploy) passes its own. */
export type AwsCall = <R>(what: string, call: () => Promise<R>) => Promise<R>;

/**
 * Every item of a paginated listing: all pages, in order, including empty pages that still carry a token (AWS
 * returns those, e.g. ListTasks under a filter). An error on any page is mapped as a whole by `call` (callAws unless
 * given), so a listing is either complete or fails; a partial listing is never returned.
 */
export function collectPages<P, T>(what: string, pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined, call: AwsCall = callAws): Promise<T[]> {
  return call(what, async () => {
    const items: T[] = [];
    for await (const page of pages) items.push(...(pick(page) ?? []));
    return items;
  });
}

/**
 * Runs one SDK call. What is left after the SDK's own retries becomes a named error: throttling EcsThrottledError, a
 * server error (5xx) AwsServerError — both transient, retried with backoff by the state machines — anything else
 * AwsCallError.
 */
export async function callAws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsCallFailure(what, error);
  }
}

/** The named error for an SDK error (see callAws). */
export function awsCallFailure(what: string, error: unknown): Error {
  if (isThrottling(error)) return new EcsThrottledError(`${what} was throttled`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  if (isServerError(error)) return new AwsServerError(`${what} failed on the AWS side: ${message}`, { cause: error });
  return new AwsCallError(`${what} failed: ${message}`, { cause: error });
}

function isThrottling(error: unknown): boolean {
  const candidate = error as { name?: string; $retryable?: { throttling?: boolean } };
  return candidate?.$retryable?.throttling === true || /Throttl|TooManyRequests|RequestLimitExceeded/.test(candidate?.name ?? '');
}

/** The SDK marks errors AWS answered with a 5xx as server faults; the status code covers errors it did not model. */
function isServerError(error: unknown): boolean {
  const candidate = error as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  return candidate?.$fault === 'server' || (candidate?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Pages of a listing whose SDK client has no paginator (EventBridge), or whose paginator is unfit: follows NextToken
 * until a page comes without one. A service repeating its token would loop for ever; that fails instead, as the SDK's
 * own paginators do.
 */
export async function* pagesOf<P extends { NextToken?: string }>(fetch: (token: string | undefined) => Promise<P>): AsyncIterable<P> {
  let token: string | undefined;
  do {
    const page = await fetch(token);
    yield page;
    if (page.NextToken !== undefined && page.NextToken === token) throw new Error(`the same NextToken was returned twice: ${token}`);
    token = page.NextToken;
  } while (token);
}
