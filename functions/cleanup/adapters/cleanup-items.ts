import { expiresAt, type StateItem } from '../../kernel/store/state-items.ts';

/** Revision cleanup records (docs/decisions/0005): 90 days, then DynamoDB TTL removes them. */
export const CLEANUP_RETENTION_DAYS = 90;

/** A run is `CLEANUP` / `RUN#<startedAt>#<executionName>` (docs/decisions/0002); runId is `<startedAt>#<executionName>`. */
export function cleanupRunItem<T extends { runId: string; startedAt: string; status: string }>(run: T): StateItem {
  return {
    pk: 'CLEANUP',
    sk: `RUN#${run.runId}`,
    kind: 'cleanup-run',
    ...run,
    gsi2pk: `CLEANUP_RUN#${run.status}`,
    gsi2sk: run.startedAt,
    expiresAt: expiresAt(run.startedAt, CLEANUP_RETENTION_DAYS),
  };
}

/** The plan and outcome of one family in one run, kept apart from the run so listing runs stays small. */
export function cleanupFamilyItem(runId: string, startedAt: string, family: string, record: Record<string, unknown>): StateItem {
  return {
    pk: `CLEANUP_RUN#${runId}`,
    sk: `FAMILY#${family}`,
    kind: 'cleanup-family',
    runId,
    family,
    ...record,
    expiresAt: expiresAt(startedAt, CLEANUP_RETENTION_DAYS),
  };
}
