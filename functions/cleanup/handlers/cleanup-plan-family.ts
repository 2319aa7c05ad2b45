import { planCounts, summarizeFamily } from '../domain/cleanup-outcome.ts';
import { deriveRollbackTargets, planFamilyCleanup, revisionsNeedingAge, workBatches } from '../domain/revision-cleanup.ts';
import { cleanupLogger, cleanupStore, taskDefinitions, workflowStep, type CleanupRun } from './dependencies.ts';

/**
 * Plans one family from its revisions in ECS and its usages in the run's usage set: what to keep (with why),
 * deregister and delete, recorded with the work in batches. A dry run, or a family with nothing to remove, ends here.
 */
const logger = cleanupLogger();
const store = cleanupStore();
const definitions = taskDefinitions();

export const handler = workflowStep(logger, async (event: { run: CleanupRun; family: string }): Promise<{ batchesToApply: number }> => {
  const { run, family } = event;
  const [listed, usages] = await Promise.all([definitions.listRevisions(family), store.readUsages(run, family)]);
  const undated = listed.map(({ revision, status }) => ({ revision, status }));
  // Rollback targets come from what services run now; a recorded deployment history (issue 3) can replace them here.
  const rollbackTargets = deriveRollbackTargets(family, undated, usages);
  const needingAge = new Set(revisionsNeedingAge({ family, revisions: undated, usages, rollbackTargets, settings: run.settings }));
  const dated = await definitions.withAges(family, listed.filter((revision) => needingAge.has(revision.revision)));
  const revisions = [...undated.filter((revision) => !needingAge.has(revision.revision)), ...dated];
  const plan = planFamilyCleanup({ family, revisions, usages, rollbackTargets, settings: run.settings, now: new Date() });
  const counts = planCounts(plan);
  const batches = workBatches(plan);
  const batchesToApply = run.dryRun ? 0 : batches.length;
  const outcome = batchesToApply > 0 ? undefined : summarizeFamily(family, counts, run.dryRun ? undefined : { deregisterFailures: [], deleteFailures: [] });
  await store.recordPlan(run, plan, counts, batches, outcome);
  logger.info('Planned family cleanup', { family, revisions: listed.length, usages: usages.length, kept: counts.kept, deregister: counts.deregister, delete: counts.delete, batchesToApply });
  return { batchesToApply };
});
