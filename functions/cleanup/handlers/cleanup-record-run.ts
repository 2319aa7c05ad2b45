import { runStatus, runTotals, unfinishedFamily, type FailedFamily, type FamilyOutcome } from '../domain/cleanup-outcome.ts';
import type { CleanupRunAnnouncement } from '../domain/notifications.ts';
import { cleanupLogger, cleanupStore, runIdOf, workflowStep, type CleanupRun, type ExecutionIdentity } from './dependencies.ts';

/** Last step of every cleanup run, also of one that failed: the summary record, from the family records, and its announcement. */
const logger = cleanupLogger();
const store = cleanupStore();

/** Failed families named in the summary; every one is in its family record, and counted in `totals`. */
export const MAX_LISTED_FAILED_FAMILIES = 50;

export type RecordRunEvent = ExecutionIdentity & ({ run: CleanupRun; failure?: undefined } | { run?: CleanupRun; failure: { Error?: string; Cause?: string } });

/** The execution's output: the same size whatever the account's (per-family outcomes are in the family records). */
export type RunSummary = CleanupRunAnnouncement & Partial<Pick<CleanupRun, 'trigger' | 'settings'>> & { unreadableReferences?: number };

export const handler = workflowStep(logger, async (event: RecordRunEvent): Promise<RunSummary> => {
  const identity = { runId: runIdOf(event), executionName: event.executionName, startedAt: event.startedAt, finishedAt: new Date().toISOString() };
  const { run } = event;
  let summary: RunSummary;
  if (event.failure) {
    const error = { error: event.failure.Error ?? 'Unknown', cause: event.failure.Cause ?? '' };
    summary = { ...identity, dryRun: run?.dryRun ?? true, status: 'failed', error, ...(run ? { trigger: run.trigger, settings: run.settings } : {}) };
  } else if (run) {
    const outcomes: Array<FamilyOutcome | FailedFamily> = [];
    for await (const record of store.familyRecords(run)) outcomes.push(record.outcome ?? unfinishedFamily(record.family));
    const totals = runTotals(outcomes);
    const failedFamilies = outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.family);
    summary = {
      ...identity,
      trigger: run.trigger,
      dryRun: run.dryRun,
      settings: run.settings,
      status: runStatus(run.dryRun, totals),
      totals,
      failedFamilies: failedFamilies.slice(0, MAX_LISTED_FAILED_FAMILIES),
      unreadableReferences: await store.countUnreadableReferences(run),
    };
  } else {
    throw new TypeError('A run summary needs the run or the failure that ended it');
  }
  await store.recordRun(summary);
  logger.info('Cleanup run recorded', { runId: identity.runId, status: summary.status, totals: summary.totals });
  return summary;
});
