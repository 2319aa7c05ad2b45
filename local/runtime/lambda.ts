/**
 * Answers Lambda Invoke for functions the resolver knows, the way the Lambda service does: the
 * RequestResponse result or error document, Event → 202 with background execution and two retries.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { InFlightTracker } from './tracker.ts';
import { sleep } from './tracker.ts';
import type { HttpReply } from './wire.ts';
import { jsonError } from './wire.ts';

export type LambdaContextLike = Context;
export type LambdaHandler = (event: unknown, context: LambdaContextLike) => Promise<unknown>;

export interface FunctionResolver {
  resolve(functionName: string): Promise<LambdaHandler | undefined>;
}

export type InvocationType = 'Event' | 'RequestResponse';

export interface InvocationRecord {
  functionName: string;
  type: InvocationType;
  requestId: string;
  /** 1 for the first try; async invocations are retried up to attempt 3. */
  attempt: number;
  ok: boolean;
  errorType?: string;
  errorMessage?: string;
  startedAt: Date;
  durationMs: number;
}

export interface ErrorDocument {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** Real Lambda retries a failed async invocation twice. */
export const ASYNC_RETRIES = 2;
const FUNCTION_TIMEOUT_MS = 900_000;
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export interface InvokerOptions {
  tracker: InFlightTracker;
  /** Pause between async retries (real Lambda waits minutes; locally a short pause keeps tests fast). */
  asyncRetryDelayMs?: number;
}

export class LambdaInvoker {
  readonly invocations: InvocationRecord[] = [];
  readonly #tracker: InFlightTracker;
  readonly #retryDelayMs: number;

  constructor(options: InvokerOptions) {
    this.#tracker = options.tracker;
    this.#retryDelayMs = options.asyncRetryDelayMs ?? 50;
  }

  async invoke(functionName: string, handler: LambdaHandler, invocationType: string, payload: Buffer): Promise<HttpReply> {
    let event: unknown;
    try {
      event = parsePayload(payload);
    } catch {
      return jsonError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    if (invocationType === 'DryRun') return { status: 204, headers: {}, body: '' };
    if (invocationType === 'Event') {
      void this.#tracker.track(this.#runAsync(functionName, handler, event));
      return { status: 202, headers: {}, body: '' };
    }
    const outcome = await this.#run(functionName, handler, event, 'RequestResponse', 1, randomUUID());
    return synchronousReply(outcome);
  }

  async #runAsync(functionName: string, handler: LambdaHandler, event: unknown): Promise<void> {
    const requestId = randomUUID();
    for (let attempt = 1; attempt <= ASYNC_RETRIES + 1; attempt += 1) {
      const outcome = await this.#run(functionName, handler, event, 'Event', attempt, requestId);
      if (outcome.ok) return;
      console.error(
        `[local-runtime] async invocation of ${functionName} failed (attempt ${attempt}/${ASYNC_RETRIES + 1}): ` +
          `${outcome.error.errorType}: ${outcome.error.errorMessage}`,
      );
      if (attempt <= ASYNC_RETRIES) await sleep(this.#retryDelayMs);
    }
  }

  async #run(
    functionName: string,
    handler: LambdaHandler,
    event: unknown,
    type: InvocationType,
    attempt: number,
    requestId: string,
  ): Promise<Outcome> {
    const startedAt = new Date();
    const started = performance.now();
    const context = lambdaContext(functionName, requestId, started);
    let outcome: Outcome;
    try {
      outcome = { ok: true, result: await handler(structuredClone(event), context) };
    } catch (error) {
      outcome = { ok: false, error: errorDocument(error) };
    }
    this.invocations.push({
      functionName,
      type,
      requestId,
      attempt,
      ok: outcome.ok,
      ...(outcome.ok ? {} : { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage }),
      startedAt,
      durationMs: performance.now() - started,
    });
    return outcome;
  }
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: ErrorDocument };

function synchronousReply(outcome: Outcome): HttpReply {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
  if (outcome.ok) return { status: 200, headers, body: JSON.stringify(outcome.result ?? null) };
  // Step Functions and the SDK recognise a function error by this header; Retry/Catch match errorType.
  return { status: 200, headers: { ...headers, 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify(outcome.error) };
}

function parsePayload(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

export function errorDocument(error: unknown): ErrorDocument {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').filter((line) => line.trim() !== ''),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

export function lambdaContext(functionName: string, requestId: string, startedMs: number): LambdaContextLike {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, FUNCTION_TIMEOUT_MS - (performance.now() - startedMs)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
