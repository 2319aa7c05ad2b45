import { summarizeFamily, type FailedFamily, type FamilyOutcome } from '../domain/cleanup-outcome.ts';
import { cleanupLogger, cleanupStore, workflowStep, type CleanupRun } from './dependencies.ts';

/** Records one family's outcome: what ECS accepted of its plan, or the error that stopped it (the others go on). */
const logger = cleanupLogger();
const store = cleanupStore();

/** A Step Functions error's Cause can hold a whole stack trace; the record keeps its start. */
const MAX_CAUSE_CHARS = 2000;

export type RecordFamilyEvent = { run: CleanupRun; family: string } & ({ failure?: undefined } | { failure: { Error?: string; Cause?: string } });

export const handler = workflowStep(logger, async (event: RecordFamilyEvent): Promise<{ family: string; status: string }> => {
  const { run, family } = event;
  let outcome: FamilyOutcome | FailedFamily;
  if (event.failure) {
    outcome = { family, status: 'failed', error: event.failure.Error ?? 'Unknown', cause: (event.failure.Cause ?? '').slice(0, MAX_CAUSE_CHARS) };
    await store.recordOutcome(run, outcome);
    logger.warn('Family cleanup failed', { family, error: outcome.error });
  } else {
    const { counts, ...applied } = await store.readAppliedFamily(run, family);
    outcome = summarizeFamily(family, counts, applied);
    await store.recordOutcome(run, outcome, counts);
  }
  return { family, status: outcome.status };
});
