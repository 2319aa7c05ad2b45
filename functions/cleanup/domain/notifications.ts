import type { Notification } from '../../kernel/notifications.ts';
import type { RunStatus, RunTotals } from './cleanup-outcome.ts';

/** A cleanup run, as its summary record holds it. */
export interface CleanupRunAnnouncement {
  runId: string;
  executionName: string;
  startedAt: string;
  finishedAt: string;
  dryRun: boolean;
  status: RunStatus;
  totals?: RunTotals;
  failedFamilies?: string[];
  error?: { error: string; cause: string };
}

/** The announcement of a finished cleanup run; keyed by run, so recording the run twice announces it once. */
export function cleanupNotification(run: CleanupRunAnnouncement): Notification {
  const { totals } = run;
  const subject =
    run.status === 'failed' || totals === undefined
      ? `Task-definition cleanup ${run.executionName} failed: ${run.error?.error ?? 'unknown error'}`
      : `Task-definition cleanup ${run.dryRun ? 'dry run ' : ''}${run.executionName} ${run.status}: ` +
        `${run.dryRun ? 'would deregister' : 'deregistered'} ${totals.deregistered}, ${run.dryRun ? 'would delete' : 'deleted'} ${totals.deleted}, ` +
        `kept ${totals.kept} revisions in ${totals.families} families` +
        (totals.failedFamilies + totals.revisionFailures > 0 ? ` (${totals.failedFamilies} families and ${totals.revisionFailures} revisions failed)` : '');
  return {
    id: `${run.status === 'failed' ? 'cleanup-failed' : 'cleanup-completed'}#${run.runId}`,
    kind: run.status === 'failed' ? 'cleanup-failed' : 'cleanup-completed',
    subject,
    // Named fields only: a run summary also carries every family's outcome, which belongs in the state table.
    details: {
      runId: run.runId,
      executionName: run.executionName,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      dryRun: run.dryRun,
      status: run.status,
      totals: run.totals ?? null,
      failedFamilies: run.failedFamilies ?? [],
      error: run.error ?? null,
    },
    createdAt: run.finishedAt,
  };
}
