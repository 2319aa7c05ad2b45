import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ScheduleFire } from '../domain/schedule.ts';
import type { RunContext } from '../domain/scheduled-run.ts';
import { scheduledRunWorkflow } from './dependencies.ts';

/** The logic steps of functions/schedules/scheduled-task-run.asl.json; `action` names the step. Errors keep their names for Retry/Catch. */
export type ScheduledRunStepEvent =
  | { action: 'begin'; fire: ScheduleFire; executionArn: string }
  | { action: 'start'; context: RunContext; executionArn: string }
  | { action: 'awaitStop'; context: RunContext; taskToken: string }
  | { action: 'check'; context: RunContext; executionArn: string }
  | { action: 'finish'; context: RunContext }
  | { action: 'abandon'; fire: ScheduleFire; context?: RunContext; failure: { Error?: string; Cause?: string }; executionArn: string };

const workflow = scheduledRunWorkflow();
const logger = new Logger({ serviceName: 'harbormaster' });

async function step(event: ScheduledRunStepEvent): Promise<unknown> {
  logger.info('Scheduled run step', { action: event.action });
  switch (event.action) {
    case 'begin':
      return workflow.begin(event.fire, event.executionArn);
    case 'start':
      return workflow.start(event.context, event.executionArn);
    case 'awaitStop':
      // The machine ignores this answer (it waits for the token); it tells whether the look resumed the machine itself.
      return workflow.awaitStop(event.context, event.taskToken);
    case 'check':
      return workflow.check(event.context, event.executionArn);
    case 'finish':
      return workflow.finish(event.context);
    case 'abandon':
      return workflow.abandon(event.fire, event.context, event.failure, event.executionArn);
  }
}

export const handler = middy<ScheduledRunStepEvent, unknown, Error, Context>(step).use(injectLambdaContext(logger));
