/** What other capabilities, the CLI and the local runtime may use of scheduled runs. */
export { scheduledRunWorkflow, runStore } from './handlers/dependencies.ts';
export { RunStore, SCHEDULE_TASK_WAITER_KIND, type StoredRun } from './adapters/run-store.ts';
export type { ScheduledRunWorkflow, ResumeOutcome } from './app/scheduled-run-workflow.ts';
export { SCHEDULED_TASK_STARTED_BY } from './domain/scheduled-run.ts';
