import type { Notification } from '../../kernel/notifications.ts';
import { describeStep, type AdjustmentType, type ScalingDecision, type ScalingHold, type StepAdjustment } from './step-scaling.ts';

/** One evaluation of a scaling policy inside a scaling execution (an alarm transition, re-evaluated on an interval). */
export interface ScalingEvaluation {
  cluster: string;
  service: string;
  alarmName: string;
  executionName: string;
  /** 1 for the evaluation the alarm event started, then 2, 3, … while the alarm stays in ALARM. */
  evaluation: number;
  /** When the evaluation began (the state's entered time), so a retried evaluation keeps its identity. */
  evaluatedAt: string;
}

export type ScalingOutcome = 'scaled' | 'no-action' | 'failed';

/** What one evaluation did, recorded in the service's history: the audit trail of every scaling decision. */
export interface ScalingActivity extends ScalingEvaluation {
  outcome: ScalingOutcome;
  reason: string;
  metric?: number;
  threshold?: number;
  adjustmentType?: AdjustmentType;
  step?: StepAdjustment;
  /** A no-action whose step was held back: by a cooldown, or by the min/max capacity. */
  heldBy?: ScalingHold;
  fromCapacity?: number;
  toCapacity?: number;
}

export function scalingActivity(
  evaluation: ScalingEvaluation,
  decision: ScalingDecision,
  measured: { metric: number; threshold: number; adjustmentType: AdjustmentType },
): ScalingActivity {
  const activity: ScalingActivity = { ...evaluation, ...measured, outcome: decision.action === 'scale' ? 'scaled' : 'no-action', reason: decision.reason, fromCapacity: decision.from };
  if (decision.step) activity.step = decision.step;
  if (decision.action === 'none' && decision.heldBy) activity.heldBy = decision.heldBy;
  if (decision.action === 'scale') activity.toCapacity = decision.to;
  return activity;
}

export function noActionActivity(evaluation: ScalingEvaluation, reason: string, partial: Partial<ScalingActivity> = {}): ScalingActivity {
  return { ...evaluation, ...partial, outcome: 'no-action', reason };
}

export function failedActivity(evaluation: ScalingEvaluation, reason: string, partial: Partial<ScalingActivity> = {}): ScalingActivity {
  return { ...evaluation, ...partial, outcome: 'failed', reason };
}

/**
 * Announcements for one evaluation: every scaling action and every failure; a no-action only for the evaluation
 * the alarm transition started (so each alarm is answered once, and a quiet interval loop stays quiet); and the
 * end of the loop when the evaluation limit stops it while the alarm is still in ALARM.
 */
export function scalingNotifications(activity: ScalingActivity, options: { limitReached: boolean }): Notification[] {
  const notifications: Notification[] = [];
  const id = `${activity.executionName}#${activity.evaluation}`;
  const base = { cluster: activity.cluster, service: activity.service, createdAt: activity.evaluatedAt, details: activityDetails(activity) };
  const where = `${activity.cluster}/${activity.service}`;
  if (activity.outcome === 'failed') {
    notifications.push({ ...base, id: `scale-failed#${id}`, kind: 'scale-failed', subject: `Scaling ${where} on alarm ${activity.alarmName} failed: ${activity.reason}` });
  } else if (activity.outcome === 'scaled' || activity.evaluation === 1) {
    const what = activity.outcome === 'scaled' ? `scaled from ${activity.fromCapacity} to ${activity.toCapacity}` : 'not scaled';
    notifications.push({ ...base, id: `scale-activity#${id}`, kind: 'scale-activity', subject: `Alarm ${activity.alarmName}: ${where} ${what} (${activity.reason})` });
  }
  if (options.limitReached) {
    notifications.push({
      ...base,
      id: `scaling-limit-reached#${activity.executionName}`,
      kind: 'scaling-limit-reached',
      subject: `Alarm ${activity.alarmName} is still in ALARM after ${activity.evaluation} evaluations; ${where} is no longer re-evaluated until the alarm changes state`,
    });
  }
  return notifications;
}

/** What an announcement and the CLI's history tell of an activity, open values as null. */
export function activityDetails(activity: ScalingActivity) {
  return {
    alarmName: activity.alarmName,
    executionName: activity.executionName,
    evaluation: activity.evaluation,
    outcome: activity.outcome,
    reason: activity.reason,
    metric: activity.metric ?? null,
    threshold: activity.threshold ?? null,
    step: activity.step && activity.adjustmentType ? describeStep(activity.step, activity.adjustmentType) : null,
    fromCapacity: activity.fromCapacity ?? null,
    toCapacity: activity.toCapacity ?? null,
  };
}
