import { expiresAt, serviceKey, type StateItem } from '../../kernel/store/state-items.ts';
import type { ImageDeletion, ImagePush } from '../domain/image-push.ts';
import type { EcsDeploymentState, ServiceAction } from '../domain/service-events.ts';
import type { TaskState } from '../domain/task-state.ts';

/** Ingestion's items in the state table (docs/decisions/0002): tasks, image tags, ECS deployments, service actions. */

/** How long history items live after they stop changing; DynamoDB TTL deletes them (free of charge). */
export const RETENTION_DAYS = { stoppedTask: 30, ecsDeployment: 90, serviceAction: 30, deletedImage: 30 } as const;

/** Sort key prefixes of ingestion's items in a service's byOwner partition; each is followed by the item's time. */
export const OWNER_SORT_PREFIX = { task: 'TASK#', ecsDeployment: 'ECS_DEPLOYMENT#', serviceAction: 'ACTION#' } as const;

export function taskKey(taskArn: string): { pk: string; sk: string } {
  return { pk: `TASK#${taskArn}`, sk: 'STATE' };
}

/** Whose tasks these are in byOwner: the service, else the task's group (`family:<name>` by default), else the cluster. */
export function taskOwnerKey(task: Pick<TaskState, 'cluster' | 'service' | 'group'>): string {
  if (task.service !== undefined) return serviceKey(task.cluster, task.service);
  return task.group === undefined ? `CLUSTER#${task.cluster}` : `GROUP#${task.cluster}#${task.group}`;
}

/**
 * A task is indexed under its owner by creation time, which never changes, and in byStatus not at all: with keys-only
 * indexes its later events (every status change) write the table alone (docs/decisions/0002).
 */
export function taskItem(task: TaskState): StateItem {
  const item: StateItem = {
    ...taskKey(task.taskArn),
    kind: 'task',
    ...task,
    gsi1pk: taskOwnerKey(task),
    gsi1sk: `${OWNER_SORT_PREFIX.task}${task.createdAt ?? task.updatedAt}`,
  };
  if (task.lastStatus === 'STOPPED') item['expiresAt'] = expiresAt(task.stoppedAt ?? task.updatedAt, RETENTION_DAYS.stoppedTask);
  return item;
}

/** A tag's item, or a digest's for an image pushed (or deleted) without a tag. */
export function imageKey(image: Pick<ImagePush, 'repository' | 'digest' | 'tag'>): { pk: string; sk: string } {
  return { pk: `REPOSITORY#${image.repository}`, sk: image.tag === undefined ? `DIGEST#${image.digest}` : `TAG#${image.tag}` };
}

export function imageTagItem(push: ImagePush): StateItem {
  return {
    ...imageKey(push),
    kind: 'image',
    ...push,
    gsi1pk: `REPOSITORY#${push.repository}`,
    gsi1sk: `PUSH#${push.pushedAt}`,
  };
}

/**
 * A deleted tag replaces its item with a tombstone: it no longer points at an image, and its `deletedAt` keeps an
 * older push that arrives late from bringing it back. It leaves the repository's push history (no index keys) and
 * expires once no delayed push can still arrive.
 */
export function imageDeletionItem(deletion: ImageDeletion): StateItem {
  return {
    ...imageKey(deletion),
    kind: 'image',
    ...deletion,
    deleted: true,
    expiresAt: expiresAt(deletion.deletedAt, RETENTION_DAYS.deletedImage),
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
    gsi1sk: `${OWNER_SORT_PREFIX.ecsDeployment}${deployment.updatedAt}`,
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
    gsi1sk: `${OWNER_SORT_PREFIX.serviceAction}${action.createdAt}`,
    gsi2pk: `ACTION#${action.eventName}`,
    gsi2sk: action.createdAt,
    expiresAt: expiresAt(action.createdAt, RETENTION_DAYS.serviceAction),
  };
}
