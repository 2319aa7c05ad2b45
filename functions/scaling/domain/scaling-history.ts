import { activityDetails, type ScalingActivity } from './scaling-activity.ts';

/**
 * A recorded scaling activity as an operator reads it (`harbormaster scaling`): which alarm, the metric that
 * triggered it, the step chosen, the desired count before and after, and what came of it. Pure.
 */

/** scaled; held back by a cooldown or by the min/max capacity; nothing to do (no step, no datapoints …); failed. */
export type ScalingHistoryOutcome = 'scaled' | 'cooldown' | 'at-limit' | 'no-action' | 'failed';

export interface ScalingHistoryEntry {
  at: string;
  alarmName: string;
  executionName: string;
  evaluation: number;
  metric: number | null;
  threshold: number | null;
  /** The step adjustment chosen, e.g. `[10, +∞] +3`; null when none applied. */
  step: string | null;
  fromCapacity: number | null;
  /** The desired count set; null when it did not change. */
  toCapacity: number | null;
  outcome: ScalingHistoryOutcome;
  reason: string;
}

export function scalingHistoryEntry(activity: ScalingActivity): ScalingHistoryEntry {
  return {
    at: activity.evaluatedAt,
    ...activityDetails(activity),
    outcome: historyOutcome(activity),
  };
}

function historyOutcome(activity: ScalingActivity): ScalingHistoryOutcome {
  if (activity.outcome !== 'no-action') return activity.outcome;
  if (activity.heldBy === 'cooldown') return 'cooldown';
  return activity.heldBy === 'limit' ? 'at-limit' : 'no-action';
}
