import { familySelected } from '../domain/revision-cleanup.ts';
import { cleanupLogger, cleanupStore, usageReader, workflowStep, type CleanupRun } from './dependencies.ts';

/**
 * Last gathering step: EventBridge rule and Scheduler targets, then the seal on the usage set, written only when every
 * listed cluster is gathered. Planning refuses to read an unsealed usage set.
 */
const logger = cleanupLogger();
const store = cleanupStore();
const reader = usageReader();

export const handler = workflowStep(logger, async (event: { run: CleanupRun }): Promise<{ clusters: number; usages: number }> => {
  const { run } = event;
  const found = await reader.targetUsages();
  const usages = found.usages.filter((usage) => familySelected(usage.family, run.settings.includeFamilies, run.settings.excludeFamilies));
  await store.putUsages(run, usages, found.unreadable);
  const clusters = await store.sealUsage(run);
  logger.info('Usage set sealed', { runId: run.runId, clusters, targetUsages: usages.length });
  return { clusters, usages: usages.length };
});
