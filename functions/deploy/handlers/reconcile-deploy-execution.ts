import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { StatusChangeResult } from '../app/execution-reconciler.ts';
import { parseExecutionStatusChange } from '../domain/execution-end.ts';
import { MalformedEventError } from '../../kernel/errors.ts';
import { executionReconciler } from './dependencies.ts';

/**
 * `Step Functions Execution Status Change` of the deploy machine (FAILED, TIMED_OUT, ABORTED) → whatever the ended
 * execution left undone: traffic back on blue, the outcome recorded, the lock released and the queued deploy started.
 * A malformed event is logged and acknowledged (a retry cannot cure it); any other error is retried by Lambda.
 */
const reconciler = executionReconciler();
const logger = new Logger({ serviceName: 'harbormaster' });

async function reconcile(event: unknown): Promise<StatusChangeResult | { outcome: 'rejected'; reason: string }> {
  let change;
  try {
    change = parseExecutionStatusChange(event);
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    logger.error('Rejected malformed event', { reason: error.message });
    return { outcome: 'rejected', reason: error.message };
  }
  const result = await reconciler.onStatusChange(change);
  logger.info('Deploy execution ended', { eventId: change.eventId, executionArn: change.executionArn, status: change.status, result });
  return result;
}

export const handler = middy<unknown, unknown, Error, Context>(reconcile).use(injectLambdaContext(logger));
