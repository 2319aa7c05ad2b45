import type { Notification, ScheduleNotificationKind } from '../../kernel/notifications.ts';
import type { ScheduleRun, ScheduleRunOutcome } from './schedule.ts';

/** The announcement each ended attempt makes (none for a replaced run: the run replacing it is the news). */
const KIND_OF_OUTCOME: Partial<Record<ScheduleRunOutcome, ScheduleNotificationKind>> = {
  SUCCEEDED: 'schedule-run-succeeded',
  FAILED: 'schedule-run-failed',
  TIMED_OUT: 'schedule-run-timed-out',
  SKIPPED: 'schedule-run-skipped',
  MISSED: 'schedule-run-missed',
};

const VERB: Record<ScheduleNotificationKind, string> = {
  'schedule-run-succeeded': 'succeeded',
  'schedule-run-failed': 'failed',
  'schedule-run-timed-out': 'timed out',
  'schedule-run-skipped': 'was skipped',
  'schedule-run-missed': 'was missed',
};

/** The announcement of an ended run attempt, keyed by schedule, scheduled time and attempt: recording the same attempt twice announces it once. */
export function scheduleRunNotification(run: ScheduleRun, cluster: string | undefined, at: string): Notification | undefined {
  const kind = KIND_OF_OUTCOME[run.outcome];
  if (!kind) return undefined;
  const attempt = run.attempt > 1 ? ` (attempt ${run.attempt})` : '';
  const exitCodes = run.containers.filter((container) => container.exitCode !== undefined).map((container) => `${container.name} exited ${container.exitCode}`);
  return {
    id: `${kind}#${run.schedule}#${run.scheduledTime}#${run.attempt}`,
    kind,
    subject: `Scheduled task ${run.schedule} ${VERB[kind]}${attempt}${run.reason ? `: ${run.reason}` : exitCodes.length > 0 ? `: ${exitCodes.join(', ')}` : ''}`,
    ...(cluster ? { cluster } : {}),
    details: {
      schedule: run.schedule,
      runId: run.runId,
      attempt: run.attempt,
      trigger: run.trigger,
      scheduledTime: run.scheduledTime,
      outcome: run.outcome,
      startedAt: run.startedAt ?? null,
      stoppedAt: run.stoppedAt ?? null,
      durationSeconds: run.durationSeconds ?? null,
      taskArn: run.taskArn ?? null,
      taskDefinitionArn: run.taskDefinitionArn ?? null,
      stopCode: run.stopCode ?? null,
      stoppedReason: run.stoppedReason ?? null,
      reason: run.reason ?? null,
      containers: run.containers,
    },
    createdAt: at,
  };
}
