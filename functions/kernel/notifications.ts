import type { RunStatus, RunTotals } from '../cleanup/domain/cleanup-outcome.ts';
import { taskFailure, type TaskState } from '../ingestion/domain/task-state.ts';

/** Step scaling (functions/scaling/domain/scaling-activity.ts): an evaluation's action or answer, a failure, the loop's limit. */
export type ScalingNotificationKind = 'scale-activity' | 'scale-failed' | 'scaling-limit-reached';

/** An announcement waiting in the outbox; the outbox stream delivers it to Slack and signed webhooks. */
export interface Notification {
  /** Deterministic, so a redelivered event cannot announce the same thing twice. */
  id: string;
  kind: 'task-failed' | 'deploy-succeeded' | 'deploy-rolled-back' | 'deploy-failed' | 'cleanup-completed' | 'cleanup-failed' | ScalingNotificationKind;
  subject: string;
  /** Absent for account-wide announcements (revision cleanup). */
  cluster?: string;
  service?: string;
  details: Record<string, unknown>;
  createdAt: string;
}

/** The announcement for a task that stopped abnormally, or undefined when the task did not fail. */
export function taskFailedNotification(task: TaskState): Notification | undefined {
  const reason = taskFailure(task);
  if (reason === undefined) return undefined;
  const which = task.service === undefined ? `Task ${task.family}:${task.revision}` : `A task of service ${task.service}`;
  const notification: Notification = {
    id: `task-failed#${task.taskArn}`,
    kind: 'task-failed',
    subject: `${which} in cluster ${task.cluster} failed: ${reason}`,
    cluster: task.cluster,
    details: {
      taskArn: task.taskArn,
      taskDefinitionArn: task.taskDefinitionArn,
      reason,
      stoppedAt: task.stoppedAt ?? task.updatedAt,
      startedBy: task.startedBy ?? null,
    },
    createdAt: task.updatedAt,
  };
  if (task.service !== undefined) notification.service = task.service;
  return notification;
}

/** A cleanup run, as its summary record holds it. */
export interface CleanupRunAnnouncement {
  runId: string;
  executionName: string;
  startedAt: string;
  finishedAt: string;
  dryRun: boolean;
  status: RunStatus;
  totals?: RunTotals;
  failedFamilies?: string[];
  error?: { error: string; cause: string };
}

/** The announcement of a finished cleanup run; keyed by run, so recording the run twice announces it once. */
export function cleanupNotification(run: CleanupRunAnnouncement): Notification {
  const { totals } = run;
  const subject =
    run.status === 'failed' || totals === undefined
      ? `Task-definition cleanup ${run.executionName} failed: ${run.error?.error ?? 'unknown error'}`
      : `Task-definition cleanup ${run.dryRun ? 'dry run ' : ''}${run.executionName} ${run.status}: ` +
        `${run.dryRun ? 'would deregister' : 'deregistered'} ${totals.deregistered}, ${run.dryRun ? 'would delete' : 'deleted'} ${totals.deleted}, ` +
        `kept ${totals.kept} revisions in ${totals.families} families` +
        (totals.failedFamilies + totals.revisionFailures > 0 ? ` (${totals.failedFamilies} families and ${totals.revisionFailures} revisions failed)` : '');
  return {
    id: `${run.status === 'failed' ? 'cleanup-failed' : 'cleanup-completed'}#${run.runId}`,
    kind: run.status === 'failed' ? 'cleanup-failed' : 'cleanup-completed',
    subject,
    // Named fields only: a run summary also carries every family's outcome, which belongs in the state table.
    details: {
      runId: run.runId,
      executionName: run.executionName,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      dryRun: run.dryRun,
      status: run.status,
      totals: run.totals ?? null,
      failedFamilies: run.failedFamilies ?? [],
      error: run.error ?? null,
    },
    createdAt: run.finishedAt,
  };
}
