import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { CheckRequest, DeploymentContext } from '../app/blue-green-workflow.ts';
import type { DeploymentOutcome, DeployRequest } from '../domain/deployment.ts';
import type { DeployStep } from '../domain/deploy-plan.ts';
import { blueGreenWorkflow } from './dependencies.ts';

/** The logic steps of functions/deploy/blue-green-deploy.asl.json; `action` names the step. Errors keep their names for Catch. */
export type BlueGreenStepEvent =
  | { action: 'prepare'; request: DeployRequest; executionArn: string }
  | ({ action: 'check' } & CheckRequest)
  | { action: 'preTraffic'; deployment: DeploymentContext; greenTaskSetArn: string }
  | ({ action: 'awaitEvents'; taskToken: string; waitSeconds: number; waitKind?: DeployStep['kind'] } & CheckRequest)
  | { action: 'rollback'; deployment: DeploymentContext; failure: { Error?: string; Cause?: string } }
  | { action: 'finish'; request: DeployRequest; outcome: DeploymentOutcome; failure?: { Error?: string; Cause?: string } };

const workflow = blueGreenWorkflow();
const logger = new Logger({ serviceName: 'harbormaster' });

async function step(event: BlueGreenStepEvent): Promise<unknown> {
  logger.info('Blue/green step', { action: event.action });
  switch (event.action) {
    case 'prepare':
      return workflow.prepare(event.request, event.executionArn);
    case 'check':
      return workflow.check(event);
    case 'preTraffic':
      return workflow.preTraffic(event.deployment, event.greenTaskSetArn).then(() => ({}));
    case 'awaitEvents':
      // The machine ignores this answer (it waits for the token); it tells whether the look resumed the machine itself.
      return workflow.awaitEvents(event, event.taskToken, event.waitSeconds, event.waitKind);
    case 'rollback':
      return workflow.rollback(event.deployment, event.failure);
    case 'finish':
      return workflow.finish(event.request, event.outcome, event.failure);
  }
}

export const handler = middy<BlueGreenStepEvent, unknown, Error, Context>(step).use(injectLambdaContext(logger));
