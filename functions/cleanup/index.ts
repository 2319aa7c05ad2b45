/** What other capabilities (and the CLI) may use of revision cleanup: on-demand runs and what they recorded. */
export { CleanupRuns, type CleanupRunReport, type RunEnd, type StartedRun } from './app/cleanup-runs.ts';
export type { RecordedCleanupRun } from './adapters/cleanup-store.ts';
export type { FamilyReport } from './domain/cleanup-report.ts';
export { hasWork } from './domain/cleanup-report.ts';
