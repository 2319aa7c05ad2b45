import type { EcsFailure } from '../domain/cleanup-outcome.ts';
import { cleanupDependencies, workflowStep } from './dependencies.ts';

/** Deregisters one batch of revisions; refusals are returned per revision, throttling is thrown for the state machine to retry. */
const { taskDefinitions, logger } = cleanupDependencies();

export const handler = workflowStep(logger, async (event: { taskDefinitionArns: string[] }): Promise<{ deregistered: string[]; failures: EcsFailure[] }> => {
  const result = await taskDefinitions.deregister(event.taskDefinitionArns);
  if (result.failures.length > 0) logger.warn('ECS refused to deregister revisions', { failures: result.failures });
  return result;
});
