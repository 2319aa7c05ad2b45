/** What the CLI and other capabilities may use of scheduled tasks: plan/apply's store and the operator controls. */
export { ScheduleItems, type StoredSchedule } from './adapters/schedule-items.ts';
export { SchedulerSchedules } from './adapters/scheduler-schedules.ts';
export { TaskDefinitionCheck } from './adapters/task-definitions.ts';
export { ScheduleSection } from './app/schedule-section.ts';
export { ScheduleControls, ScheduleNotFoundError, type ManualRun, type ScheduleOverview } from './app/schedule-controls.ts';
export type { ScheduleDeployment } from './domain/scheduler-schedule.ts';
