import type { FailedFamily, FamilyOutcome, PlanCounts, RevisionFailure } from './cleanup-outcome.ts';

/**
 * One family of a cleanup run as an operator reads it (`harbormaster cleanup plan|run`): the revisions its plan
 * deregisters and deletes, and what came of them. Pure: built from the family's record and its work batches.
 */
export interface FamilyReport {
  family: string;
  /** planned (a dry run), cleaned, partial (ECS refused some revisions), failed (the family's cleanup failed), pending. */
  status: 'planned' | 'cleaned' | 'partial' | 'failed' | 'pending';
  kept: number;
  /** Revisions the plan deregisters (a dry run: would deregister), ascending. */
  deregister: number[];
  /** Revisions the plan deletes, ascending. */
  delete: number[];
  /** Of those, what ECS accepted; equal to the plan in a dry run. */
  deregistered: number;
  deleted: number;
  /** Revisions ECS refused, and the first of them with ECS's reason. */
  failed: number;
  failures: RevisionFailure[];
  /** Why the family's cleanup failed as a whole. */
  error?: string;
}

export function familyReport(
  record: { family: string; status: string; counts?: PlanCounts; outcome?: FamilyOutcome | FailedFamily },
  work: { deregister: number[]; delete: number[] },
): FamilyReport {
  const ascending = (revisions: number[]) => [...new Set(revisions)].sort((a, b) => a - b);
  const plan = { deregister: ascending(work.deregister), delete: ascending(work.delete) };
  const { outcome } = record;
  if (outcome?.status === 'failed') {
    return { family: record.family, status: 'failed', kept: record.counts?.kept ?? 0, ...plan, deregistered: 0, deleted: 0, failed: 0, failures: [], error: `${outcome.error}: ${outcome.cause}` };
  }
  if (!outcome) {
    // Listed, not finished: what it planned, if it got that far (a run still going, or one that failed).
    return { family: record.family, status: 'pending', kept: record.counts?.kept ?? 0, ...plan, deregistered: 0, deleted: 0, failed: 0, failures: [] };
  }
  return {
    family: record.family,
    status: outcome.status,
    kept: outcome.kept,
    ...plan,
    deregistered: outcome.deregistered,
    deleted: outcome.deleted,
    failed: outcome.failed,
    failures: outcome.failures,
  };
}

/** Whether a family is worth a line of its own: it has revisions to remove, or its cleanup did not simply end. */
export function hasWork(report: FamilyReport): boolean {
  return report.deregister.length + report.delete.length > 0 || report.status === 'failed' || report.status === 'partial' || report.status === 'pending';
}
