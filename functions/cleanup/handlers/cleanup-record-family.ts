import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { CleanupRecords } from '../adapters/cleanup-records.ts';
import { summarizeFamily, type EcsFailure, type FamilyOutcome } from '../domain/cleanup-outcome.ts';
import type { FamilyCleanupPlan } from '../domain/revision-cleanup.ts';
import { cleanupDependencies, workflowStep, type CleanupRun } from './dependencies.ts';

/** Records one family's plan and what ECS answered; returns the family's outcome for the run summary. */
const { tables, logger } = cleanupDependencies();
const records = new CleanupRecords(sharedDocumentClient(), tables);

export interface RecordFamilyEvent {
  run: CleanupRun;
  plan: FamilyCleanupPlan;
  /** Absent in a dry run: one result per deregister batch. */
  deregistered?: Array<{ failures: EcsFailure[] }>;
  /** Absent in a dry run: DeleteTaskDefinitions `failures[]` per batch, as Step Functions returns them. */
  deleted?: Array<{ failures: Array<{ Arn?: string; Reason?: string }> }>;
}

export const handler = workflowStep(logger, async (event: RecordFamilyEvent): Promise<FamilyOutcome> => {
  const applied = event.run.dryRun
    ? undefined
    : {
        deregisterFailures: (event.deregistered ?? []).flatMap((batch) => batch.failures),
        deleteFailures: (event.deleted ?? []).flatMap((batch) => batch.failures.map((failure) => ({ arn: failure.Arn ?? '', reason: failure.Reason ?? 'no reason given' }))),
      };
  const outcome = summarizeFamily(event.plan, applied);
  await records.recordFamily(event.run, event.plan, outcome);
  return outcome;
});
