import { isAlreadyDeleted, type FamilyCleanupPlan, type KeepReasonCode } from './revision-cleanup.ts';

/** What a cleanup run did, per family and in total, from the plan and the answers ECS gave. Pure. */

export interface RevisionFailure {
  revision: number;
  action: 'deregister' | 'delete';
  reason: string;
}

/** One revision ECS refused, as the deregister Lambda and DeleteTaskDefinitions `failures[]` report it. */
export interface EcsFailure {
  arn: string;
  reason: string;
}

export interface FamilyOutcome {
  family: string;
  /** planned: dry run (counts are what it would do); cleaned: everything applied; partial: some revisions refused (see failures). */
  status: 'planned' | 'cleaned' | 'partial';
  kept: number;
  keptByReason: Partial<Record<KeepReasonCode, number>>;
  deregistered: number;
  deleted: number;
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

export function summarizeFamily(
  plan: FamilyCleanupPlan,
  applied: { deregisterFailures: EcsFailure[]; deleteFailures: EcsFailure[] } | undefined,
): FamilyOutcome {
  const keptByReason: Partial<Record<KeepReasonCode, number>> = {};
  for (const kept of plan.keep) {
    for (const code of new Set(kept.reasons.map((reason) => reason.code))) keptByReason[code] = (keptByReason[code] ?? 0) + 1;
  }
  const base = { family: plan.family, kept: plan.keep.length, keptByReason };
  // A dry run reports what it would do.
  if (!applied) return { ...base, status: 'planned', deregistered: plan.deregister.length, deleted: plan.delete.length, failures: [] };
  const failures: RevisionFailure[] = [
    ...applied.deregisterFailures.map((failure) => revisionFailure(failure, 'deregister')),
    // A revision already gone was deleted by an earlier, interrupted run: done, not failed.
    ...applied.deleteFailures.filter((failure) => !isAlreadyDeleted(failure.reason)).map((failure) => revisionFailure(failure, 'delete')),
  ];
  const failed = (action: RevisionFailure['action']) => new Set(failures.filter((failure) => failure.action === action).map((failure) => failure.revision));
  const notDeregistered = failed('deregister');
  const notDeleted = failed('delete');
  return {
    ...base,
    status: failures.length === 0 ? 'cleaned' : 'partial',
    deregistered: plan.deregister.filter((revision) => !notDeregistered.has(revision)).length,
    deleted: plan.delete.filter((revision) => !notDeleted.has(revision)).length,
    failures,
  };
}

function revisionFailure(failure: EcsFailure, action: RevisionFailure['action']): RevisionFailure {
  return { revision: Number(/:(\d+)$/.exec(failure.arn)?.[1] ?? NaN), action, reason: failure.reason };
}

export function runTotals(families: Array<FamilyOutcome | FailedFamily>): RunTotals {
  const outcomes = families.filter((family): family is FamilyOutcome => family.status !== 'failed');
  const sum = (pick: (outcome: FamilyOutcome) => number) => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
  return {
    families: families.length,
    failedFamilies: families.length - outcomes.length,
    kept: sum((outcome) => outcome.kept),
    deregistered: sum((outcome) => outcome.deregistered),
    deleted: sum((outcome) => outcome.deleted),
    revisionFailures: sum((outcome) => outcome.failures.length),
  };
}

export function runStatus(dryRun: boolean, totals: RunTotals): RunStatus {
  if (totals.failedFamilies > 0 || totals.revisionFailures > 0) return 'partial';
  return dryRun ? 'planned' : 'succeeded';
}
