import { deriveRollbackTargets, inBatches, planFamilyCleanup, revisionsNeedingAge, type FamilyCleanupPlan, type RevisionUsage } from '../domain/revision-cleanup.ts';
import { cleanupDependencies, workflowStep, type CleanupRun } from './dependencies.ts';

/** Plans one family: its revisions, the ages that matter, and what to keep (with why), deregister and delete. */
const { taskDefinitions, logger } = cleanupDependencies();

export interface PlannedFamily {
  plan: FamilyCleanupPlan;
  /** Revision ARNs to deregister and to delete, in batches of at most 10. */
  deregisterBatches: string[][];
  deleteBatches: string[][];
}

export const handler = workflowStep(logger, async (event: { run: CleanupRun; family: string; usages: RevisionUsage[] }): Promise<PlannedFamily> => {
  const { run, family, usages } = event;
  const listed = await taskDefinitions.listRevisions(family);
  const undated = listed.map(({ revision, status }) => ({ revision, status }));
  // Rollback targets come from what services run now; a recorded deployment history (issue 3) can replace them here.
  const rollbackTargets = deriveRollbackTargets(family, undated, usages);
  const needingAge = new Set(revisionsNeedingAge({ family, revisions: undated, usages, rollbackTargets, settings: run.settings }));
  const dated = await taskDefinitions.withAges(family, listed.filter((revision) => needingAge.has(revision.revision)));
  const revisions = [...undated.filter((revision) => !needingAge.has(revision.revision)), ...dated];
  const plan = planFamilyCleanup({ family, revisions, usages, rollbackTargets, settings: run.settings, now: new Date() });
  const arnOf = new Map(listed.map((revision) => [revision.revision, revision.arn]));
  const arns = (numbers: number[]) => numbers.map((revision) => arnOf.get(revision) as string);
  logger.info('Planned family cleanup', { family, revisions: listed.length, kept: plan.keep.length, deregister: plan.deregister.length, delete: plan.delete.length });
  return { plan, deregisterBatches: inBatches(arns(plan.deregister)), deleteBatches: inBatches(arns(plan.delete)) };
});
