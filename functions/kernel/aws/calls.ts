import { AwsCallError, EcsThrottledError } from '../errors.ts';

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

/** Runs one SDK call; throttling (after the SDK's own retries) becomes EcsThrottledError, anything else AwsCallError. */
export async function callAws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isThrottling(error)) throw new EcsThrottledError(`${what} was throttled`, { cause: error });
    throw new AwsCallError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function isThrottling(error: unknown): boolean {
  const candidate = error as { name?: string; $retryable?: { throttling?: boolean } };
  return candidate?.$retryable?.throttling === true || /Throttl|TooManyRequests|RequestLimitExceeded/.test(candidate?.name ?? '');
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
