import { familySelected } from '../domain/revision-cleanup.ts';
import { cleanupLogger, cleanupStore, usageReader, workflowStep, type CleanupRun } from './dependencies.ts';

/** Records where one cluster's services, task sets and tasks use revisions (of the families this run cleans). */
const logger = cleanupLogger();
const store = cleanupStore();
const reader = usageReader();

export const handler = workflowStep(logger, async (event: { run: CleanupRun; cluster: string }): Promise<{ usages: number; unreadable: number }> => {
  const { run, cluster } = event;
  const found = await reader.clusterUsages(cluster);
  const usages = found.usages.filter((usage) => familySelected(usage.family, run.settings.includeFamilies, run.settings.excludeFamilies));
  await store.putUsages(run, usages, found.unreadable);
  // Last: a cluster counts as gathered only once all its usages are stored.
  await store.markClusterGathered(run, cluster, usages.length);
  logger.info('Gathered cluster', { runId: run.runId, cluster, usages: usages.length, unreadable: found.unreadable.length });
  return { usages: usages.length, unreadable: found.unreadable.length };
});
