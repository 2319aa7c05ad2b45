import type { RejectedEventIdentity } from '../envelope.ts';
import type { ImagePush } from '../../ingestion/domain/image-push.ts';
import type { EcsDeploymentState, ServiceAction } from '../../ingestion/domain/service-events.ts';
import type { Notification } from '../notifications.ts';
import type { TaskState } from '../../ingestion/domain/task-state.ts';

/**
 * Item layout of the state table (docs/decisions/0002-state-table-design.md). Pure mapping, no I/O:
 * keys are built here and nowhere else.
 *
 *   gsi1 "by owner, newest first":  gsi1pk = the service/repository, gsi1sk = <KIND>#<time>
 *   gsi2 "by status, newest first": gsi2pk = <KIND>#<status>,        gsi2sk = <time>
 */

export type StateItem = Record<string, unknown> & { pk: string; sk: string };

const DAY_SECONDS = 24 * 60 * 60;
/** How long history items live after they stop changing; DynamoDB TTL deletes them (free of charge). */
export const RETENTION_DAYS = { stoppedTask: 30, ecsDeployment: 90, serviceAction: 30, rejectedEvent: 30, notification: 7 } as const;

export function expiresAt(isoTime: string, days: number): number {
  return Math.floor(Date.parse(isoTime) / 1000) + days * DAY_SECONDS;
}

export function serviceKey(cluster: string, service: string): string {
  return `SERVICE#${cluster}#${service}`;
}

export function taskKey(taskArn: string): { pk: string; sk: string } {
  return { pk: `TASK#${taskArn}`, sk: 'STATE' };
}

export function taskItem(task: TaskState): StateItem {
  const owner = task.service === undefined ? `CLUSTER#${task.cluster}` : serviceKey(task.cluster, task.service);
  const item: StateItem = {
    ...taskKey(task.taskArn),
    kind: 'task',
    ...task,
    gsi1pk: owner,
    gsi1sk: `TASK#${task.updatedAt}`,
    gsi2pk: `TASK#${task.lastStatus}`,
    gsi2sk: task.updatedAt,
  };
  if (task.lastStatus === 'STOPPED') item['expiresAt'] = expiresAt(task.stoppedAt ?? task.updatedAt, RETENTION_DAYS.stoppedTask);
  return item;
}

/** Green's stability waiter, keyed by the task set id that its tasks carry as `startedBy` (docs/decisions/0007). */
export function stabilityWaiterKey(taskSetId: string): { pk: string; sk: string } {
  return { pk: `TASKSET#${taskSetId}`, sk: 'WAITER' };
}

export function imageTagItem(push: ImagePush): StateItem {
  return {
    pk: `REPOSITORY#${push.repository}`,
    sk: push.tag === undefined ? `DIGEST#${push.digest}` : `TAG#${push.tag}`,
    kind: 'image',
    ...push,
    gsi1pk: `REPOSITORY#${push.repository}`,
    gsi1sk: `PUSH#${push.pushedAt}`,
  };
}

export function ecsDeploymentItem(deployment: EcsDeploymentState): StateItem {
  const owner = serviceKey(deployment.cluster, deployment.service);
  return {
    pk: owner,
    sk: `ECS_DEPLOYMENT#${deployment.deploymentId}`,
    kind: 'ecs-deployment',
    ...deployment,
    gsi1pk: owner,
    gsi1sk: `ECS_DEPLOYMENT#${deployment.updatedAt}`,
    gsi2pk: `ECS_DEPLOYMENT#${deployment.eventName}`,
    gsi2sk: deployment.updatedAt,
    expiresAt: expiresAt(deployment.updatedAt, RETENTION_DAYS.ecsDeployment),
  };
}

export function serviceActionItem(action: ServiceAction): StateItem {
  const owner = serviceKey(action.cluster, action.service);
  return {
    pk: owner,
    sk: `ACTION#${action.createdAt}#${action.eventId}`,
    kind: 'service-action',
    ...action,
    gsi1pk: owner,
    gsi1sk: `ACTION#${action.createdAt}`,
    gsi2pk: `ACTION#${action.eventName}`,
    gsi2sk: action.createdAt,
    expiresAt: expiresAt(action.createdAt, RETENTION_DAYS.serviceAction),
  };
}

/** The raw event is kept (truncated) so an operator can see exactly what was rejected. */
export const MAX_STORED_EVENT_CHARS = 32_000;

export function rejectedEventItem(identity: RejectedEventIdentity, reason: string, rawEvent: unknown, receivedAt: string): StateItem {
  const raw = JSON.stringify(rawEvent) ?? String(rawEvent);
  return {
    pk: `REJECTED#${identity.source}#${identity.detailType}`,
    // Keyed by event id, not arrival time: a redelivery of the same bad event lands on the same item.
    sk: `EVENT#${identity.id}`,
    kind: 'rejected-event',
    ...identity,
    reason,
    receivedAt,
    event: raw.length > MAX_STORED_EVENT_CHARS ? `${raw.slice(0, MAX_STORED_EVENT_CHARS)}…(truncated)` : raw,
    gsi2pk: 'REJECTED',
    gsi2sk: receivedAt,
    expiresAt: expiresAt(receivedAt, RETENTION_DAYS.rejectedEvent),
  };
}

export function rejectedCounterKey(identity: RejectedEventIdentity): { pk: string; sk: string } {
  return { pk: 'COUNTER#REJECTED_EVENTS', sk: `${identity.source}#${identity.detailType}` };
}

export function notificationItem(notification: Notification): Record<string, unknown> & { pk: string } {
  return { pk: notification.id, ...notification, expiresAt: expiresAt(notification.createdAt, RETENTION_DAYS.notification) };
}

/** Revision cleanup records (docs/decisions/0005): 90 days, then DynamoDB TTL removes them. */
export const CLEANUP_RETENTION_DAYS = 90;

/** A run is `CLEANUP` / `RUN#<startedAt>#<executionName>` (docs/decisions/0002); runId is `<startedAt>#<executionName>`. */
export function cleanupRunItem<T extends { runId: string; startedAt: string; status: string }>(run: T): StateItem {
  return {
    pk: 'CLEANUP',
    sk: `RUN#${run.runId}`,
    kind: 'cleanup-run',
    ...run,
    gsi2pk: `CLEANUP_RUN#${run.status}`,
    gsi2sk: run.startedAt,
    expiresAt: expiresAt(run.startedAt, CLEANUP_RETENTION_DAYS),
  };
}

/** The plan and outcome of one family in one run, kept apart from the run so listing runs stays small. */
export function cleanupFamilyItem(runId: string, startedAt: string, family: string, record: Record<string, unknown>): StateItem {
  return {
    pk: `CLEANUP_RUN#${runId}`,
    sk: `FAMILY#${family}`,
    kind: 'cleanup-family',
    runId,
    family,
    ...record,
    expiresAt: expiresAt(startedAt, CLEANUP_RETENTION_DAYS),
  };
}
