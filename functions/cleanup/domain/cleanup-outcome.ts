import { isAlreadyDeleted, type FamilyCleanupPlan, type KeepReasonCode } from './revision-cleanup.ts';

/** What a cleanup run did, per family and in total, from the plan and the answers ECS gave. Pure. */

export interface RevisionFailure {
  revision: number;
  action: 'deregister' | 'delete';
  reason: string;
}

/** One revision ECS refused, as the apply step reports deregistration and DeleteTaskDefinitions `failures[]`. */
export interface EcsFailure {
  arn: string;
  reason: string;
}

/** What a plan keeps and removes, counted: all the outcome needs, however many revisions the family has. */
export interface PlanCounts {
  kept: number;
  keptByReason: Partial<Record<KeepReasonCode, number>>;
  deregister: number;
  delete: number;
}

/** Refused revisions named per family record; the rest are counted (`failed`). */
export const MAX_REPORTED_FAILURES = 20;

export interface FamilyOutcome {
  family: string;
  /** planned: dry run (counts are what it would do); cleaned: everything applied; partial: some revisions refused (see failures). */
  status: 'planned' | 'cleaned' | 'partial';
  kept: number;
  keptByReason: Partial<Record<KeepReasonCode, number>>;
  deregistered: number;
  deleted: number;
  /** Revisions ECS refused, per action. */
  failed: number;
  /** The first `MAX_REPORTED_FAILURES` of them. */
  failures: RevisionFailure[];
}

/** A family whose plan or apply step failed as a whole (the other families go on). */
export interface FailedFamily {
  family: string;
  status: 'failed';
  error: string;
  cause: string;
}

export interface RunTotals {
  families: number;
  failedFamilies: number;
  kept: number;
  deregistered: number;
  deleted: number;
  revisionFailures: number;
}

export type RunStatus = 'planned' | 'succeeded' | 'partial' | 'failed';

export function planCounts(plan: FamilyCleanupPlan): PlanCounts {
  const keptByReason: Partial<Record<KeepReasonCode, number>> = {};
  for (const kept of plan.keep) {
    for (const code of new Set(kept.reasons.map((reason) => reason.code))) keptByReason[code] = (keptByReason[code] ?? 0) + 1;
  }
  return { kept: plan.keep.length, keptByReason, deregister: plan.deregister.length, delete: plan.delete.length };
}

/** A family's outcome: what it would do (dry run, `applied` undefined) or what ECS accepted of it. */
export function summarizeFamily(
  family: string,
  counts: PlanCounts,
  applied: { deregisterFailures: EcsFailure[]; deleteFailures: EcsFailure[] } | undefined,
): FamilyOutcome {
  const base = { family, kept: counts.kept, keptByReason: counts.keptByReason };
  if (!applied) return { ...base, status: 'planned', deregistered: counts.deregister, deleted: counts.delete, failed: 0, failures: [] };
  const failures: RevisionFailure[] = [
    ...applied.deregisterFailures.map((failure) => revisionFailure(failure, 'deregister')),
    // A revision already gone was deleted by an earlier, interrupted run: done, not failed.
    ...applied.deleteFailures.filter((failure) => !isAlreadyDeleted(failure.reason)).map((failure) => revisionFailure(failure, 'delete')),
  ];
  // A retried apply step can report the same refusal twice: count revisions, not reports.
  const failed = (action: RevisionFailure['action']) => new Set(failures.filter((failure) => failure.action === action).map((failure) => failure.revision)).size;
  const notDeregistered = failed('deregister');
  const notDeleted = failed('delete');
  return {
    ...base,
    status: failures.length === 0 ? 'cleaned' : 'partial',
    deregistered: counts.deregister - notDeregistered,
    deleted: counts.delete - notDeleted,
    failed: notDeregistered + notDeleted,
    failures: failures.slice(0, MAX_REPORTED_FAILURES),
  };
}

function revisionFailure(failure: EcsFailure, action: RevisionFailure['action']): RevisionFailure {
  return { revision: Number(/:(\d+)$/.exec(failure.arn)?.[1] ?? NaN), action, reason: failure.reason };
}

/** A family listed for the run whose cleanup never recorded an outcome (its child execution failed outright). */
export function unfinishedFamily(family: string): FailedFamily {
  return { family, status: 'failed', error: 'NoOutcomeRecorded', cause: 'The family was listed for this run, but its cleanup recorded neither an outcome nor an error.' };
}

export function runTotals(families: Iterable<FamilyOutcome | FailedFamily>): RunTotals {
  const totals: RunTotals = { families: 0, failedFamilies: 0, kept: 0, deregistered: 0, deleted: 0, revisionFailures: 0 };
  for (const family of families) {
    totals.families += 1;
    if (family.status === 'failed') {
      totals.failedFamilies += 1;
      continue;
    }
    totals.kept += family.kept;
    totals.deregistered += family.deregistered;
    totals.deleted += family.deleted;
    totals.revisionFailures += family.failed;
  }
  return totals;
}

export function runStatus(dryRun: boolean, totals: RunTotals): RunStatus {
  if (totals.failedFamilies > 0 || totals.revisionFailures > 0) return 'partial';
  return dryRun ? 'planned' : 'succeeded';
}
