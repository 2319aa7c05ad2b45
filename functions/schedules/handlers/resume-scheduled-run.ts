import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readEnvelope } from '../../kernel/envelope.ts';
import { MalformedEventError } from '../../kernel/errors.ts';
import { readKeyString } from '../../kernel/validate.ts';
import { scheduledRunWorkflow } from './dependencies.ts';

/**
 * `ECS Task State Change` of a scheduled task that STOPPED (rule: startedBy `harbormaster-schedule`) → the run waiting
 * for it checks at once instead of at its next sparse look. A malformed event is logged and acknowledged.
 */
const workflow = scheduledRunWorkflow();
const logger = new Logger({ serviceName: 'harbormaster' });

async function resume(event: unknown): Promise<{ outcome: string; taskArn?: string }> {
  let taskArn;
  try {
    taskArn = readKeyString(readEnvelope(event, { source: 'aws.ecs', detailType: 'ECS Task State Change' }).detail, 'taskArn', 'detail');
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    logger.error('Rejected malformed event', { reason: error.message });
    return { outcome: 'rejected' };
  }
  const outcome = await workflow.onTaskStopped(taskArn);
  logger.info('Scheduled task stopped', { taskArn, outcome });
  return { outcome, taskArn };
}

export const handler = middy<unknown, unknown, Error, Context>(resume).use(injectLambdaContext(logger));
