import type { ScalingActivity } from '../domain/scaling-activity.ts';
import type { ScalingCooldowns } from '../domain/step-scaling.ts';
import { expiresAt, serviceKey, type StateItem } from '../../kernel/store/state-items.ts';

/**
 * Step scaling items in the state table (docs/decisions/0002 and 0006). Pure mapping, no I/O.
 *
 *   SERVICE#<cluster>#<service> / SCALING_STATE                    cooldowns in effect, guarded by `revision`
 *   SERVICE#<cluster>#<service> / SCALING#<evaluatedAt>#<alarm>    one activity per evaluation (history)
 */

/** Activities are history: kept as long as task history. */
export const SCALING_ACTIVITY_RETENTION_DAYS = 30;

/** Activities in the service's byOwner partition, by evaluation time. */
export const SCALING_ACTIVITY_SORT_PREFIX = 'SCALING#';

export function scalingStateKey(cluster: string, service: string): { pk: string; sk: string } {
  return { pk: serviceKey(cluster, service), sk: 'SCALING_STATE' };
}

export function scalingStateItem(cluster: string, service: string, cooldowns: ScalingCooldowns, revision: number, updatedAt: string): StateItem {
  return { ...scalingStateKey(cluster, service), kind: 'scaling-state', cluster, service, cooldowns, revision, updatedAt };
}

export function scalingActivityKey(activity: Pick<ScalingActivity, 'cluster' | 'service' | 'evaluatedAt' | 'alarmName'>): { pk: string; sk: string } {
  return { pk: serviceKey(activity.cluster, activity.service), sk: `SCALING#${activity.evaluatedAt}#${activity.alarmName}` };
}

export function scalingActivityItem(activity: ScalingActivity): StateItem {
  const key = scalingActivityKey(activity);
  return {
    ...key,
    kind: 'scaling-activity',
    ...activity,
    gsi1pk: key.pk,
    gsi1sk: `${SCALING_ACTIVITY_SORT_PREFIX}${activity.evaluatedAt}`,
    gsi2pk: `SCALING#${activity.outcome}`,
    gsi2sk: activity.evaluatedAt,
    expiresAt: expiresAt(activity.evaluatedAt, SCALING_ACTIVITY_RETENTION_DAYS),
  };
}
