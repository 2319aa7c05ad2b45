import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseExecutionStatusChange } from '../../deploy/domain/execution-end.ts';
import { MalformedEventError } from '../../kernel/errors.ts';
import { scheduledRunWorkflow } from './dependencies.ts';

/**
 * `Step Functions Execution Status Change` of the run machine (FAILED, TIMED_OUT, ABORTED) → no run record stays
 * STARTING or RUNNING, its task is stopped and the overlap lock released. A malformed event is logged and acknowledged.
 */
const workflow = scheduledRunWorkflow();
const logger = new Logger({ serviceName: 'harbormaster' });

async function reconcile(event: unknown): Promise<{ outcome: string; ended?: number; why?: string }> {
  let change;
  try {
    change = parseExecutionStatusChange(event);
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    logger.error('Rejected malformed event', { reason: error.message });
    return { outcome: 'rejected', why: error.message };
  }
  const result = await workflow.onExecutionEnded(change.executionArn);
  logger.info('Scheduled run execution ended', { executionArn: change.executionArn, status: change.status, ...result });
  return { outcome: 'reconciled', ...result };
}

export const handler = middy<unknown, unknown, Error, Context>(reconcile).use(injectLambdaContext(logger));
