import { cleanupLogger, cleanupStore, taskDefinitions, workflowStep, type CleanupRun } from './dependencies.ts';

/**
 * Applies one recorded batch of a family's plan: deregisters, then deletes (10 per call), and records what ECS
 * refused. Throttling is thrown for Step Functions to retry the batch; applying a batch again is harmless.
 */
const logger = cleanupLogger();
const store = cleanupStore();
const definitions = taskDefinitions();

export const handler = workflowStep(logger, async (event: { run: CleanupRun; family: string; batch: number }): Promise<{ deregisterFailures: number; deleteFailures: number }> => {
  const { run, family, batch } = event;
  const work = await store.readBatch(run, family, batch);
  const deregisterFailures = await definitions.deregister(work.deregister.map((revision) => `${family}:${revision}`));
  const deleteFailures = await definitions.delete(work.delete.map((revision) => `${family}:${revision}`));
  await store.recordBatchResult(run, family, batch, { deregisterFailures, deleteFailures });
  if (deregisterFailures.length + deleteFailures.length > 0) logger.warn('ECS refused revisions', { family, batch, deregisterFailures, deleteFailures });
  return { deregisterFailures: deregisterFailures.length, deleteFailures: deleteFailures.length };
});
