/** Step scaling (functions/scaling/domain/scaling-activity.ts): an evaluation's action or answer, a failure, the loop's limit. */
export type ScalingNotificationKind = 'scale-activity' | 'scale-failed' | 'scaling-limit-reached';

/** Blue/green deploys (functions/deploy/domain/deployment.ts): each outcome, and a green task set that could not be removed. */
export type DeployNotificationKind =
  | 'deploy-succeeded'
  | 'deploy-rolled-back'
  | 'deploy-failed'
  | 'deploy-stopped'
  | 'deploy-timed-out'
  | 'deploy-cleanup-failed'
  | DeployProgressNotificationKind;

/**
 * A deploy's progress (functions/deploy/domain/deploy-announcements.ts, docs/decisions/0016): its execution began, a
 * planned step ended, it waits at the approval gate, or a newer request replaced it before it deployed.
 */
export const DEPLOY_PROGRESS_KINDS = ['deploy-started', 'deploy-step-completed', 'deploy-approval-requested', 'deploy-superseded'] as const;
export type DeployProgressNotificationKind = (typeof DEPLOY_PROGRESS_KINDS)[number];

/** Canary analysis (functions/analysis/domain/analysis-run.ts): a failed analysis rolls the deploy back; an inconclusive one waits for approval. */
export type AnalysisNotificationKind = 'analysis-failed' | 'analysis-inconclusive';

/** Notifications (functions/notify): `harbormaster notifications test CHANNEL`. */
export type NotifyNotificationKind = 'notification-test';

/**
 * Scheduled ECS tasks (functions/schedules/domain/run-notifications.ts): each ended run attempt — failed, timed out,
 * skipped because a run was still active (concurrencyPolicy Forbid), missed (could not start within its deadline),
 * and succeeded (for routing rules that want it).
 */
export type ScheduleNotificationKind = 'schedule-run-succeeded' | 'schedule-run-failed' | 'schedule-run-timed-out' | 'schedule-run-skipped' | 'schedule-run-missed';

/** An announcement waiting in the outbox; the outbox stream delivers it to Slack and signed webhooks. */
export interface Notification {
  /** Deterministic, so a redelivered event cannot announce the same thing twice. */
  id: string;
  kind: 'task-failed' | DeployNotificationKind | 'cleanup-completed' | 'cleanup-failed' | ScalingNotificationKind | AnalysisNotificationKind | NotifyNotificationKind | ScheduleNotificationKind;
  subject: string;
  /** Absent for account-wide announcements (revision cleanup). */
  cluster?: string;
  service?: string;
  details: Record<string, unknown>;
  createdAt: string;
}
