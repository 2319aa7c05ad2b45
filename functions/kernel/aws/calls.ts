import { AwsCallError, AwsServerError, EcsThrottledError } from '../errors.ts';

/**
 * The one place SDK errors become named errors (Step Functions Retry/Catch match on the name), and the one pagination
 * helper: every List/Describe call of the control plane pages through it.
 */

/** Every item of a paginated listing, with errors mapped as callAws does. */
export function collectPages<P, T>(what: string, pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  return callAws(what, async () => {
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

/** Pages of a listing whose SDK client has no paginator (EventBridge): follows NextToken until the last page. */
export async function* pagesOf<P extends { NextToken?: string }>(fetch: (token: string | undefined) => Promise<P>): AsyncIterable<P> {
  let token: string | undefined;
  do {
    const page = await fetch(token);
    yield page;
    token = page.NextToken;
  } while (token);
}
