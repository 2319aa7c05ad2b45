import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { CleanupRecords } from '../adapters/cleanup-records.ts';
import { runStatus, runTotals, type FailedFamily, type FamilyOutcome } from '../domain/cleanup-outcome.ts';
import type { CleanupRunAnnouncement } from '../domain/notifications.ts';
import { cleanupDependencies, runIdOf, workflowStep, type CleanupRun, type ExecutionIdentity } from './dependencies.ts';

/** Last step of every cleanup run, also of one that failed before planning: the summary record and its announcement. */
const { tables, logger } = cleanupDependencies();
const records = new CleanupRecords(sharedDocumentClient(), tables);

export type RecordRunEvent = ExecutionIdentity &
  ({ run: CleanupRun; families: Array<FamilyOutcome | FailedFamily> } | { failure: { Error?: string; Cause?: string } });

export type RunSummary = CleanupRunAnnouncement &
  Partial<Pick<CleanupRun, 'trigger' | 'settings' | 'unreadableReferences'>> & { families?: Array<FamilyOutcome | FailedFamily> };

export const handler = workflowStep(logger, async (event: RecordRunEvent): Promise<RunSummary> => {
  const identity = { runId: runIdOf(event), executionName: event.executionName, startedAt: event.startedAt, finishedAt: new Date().toISOString() };
  let summary: RunSummary;
  if ('failure' in event) {
    const error = { error: event.failure.Error ?? 'Unknown', cause: event.failure.Cause ?? '' };
    summary = { ...identity, dryRun: true, status: 'failed', error };
  } else {
    const totals = runTotals(event.families);
    const failedFamilies = event.families.filter((family) => family.status === 'failed').map((family) => family.family);
    const { run } = event;
    summary = {
      ...identity,
      trigger: run.trigger,
      dryRun: run.dryRun,
      settings: run.settings,
      unreadableReferences: run.unreadableReferences,
      status: runStatus(run.dryRun, totals),
      totals,
      failedFamilies,
      families: event.families,
    };
  }
  await records.recordRun(summary);
  logger.info('Cleanup run recorded', { runId: identity.runId, status: summary.status, totals: summary.totals });
  return summary;
});
