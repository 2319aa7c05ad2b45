import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import type { Notification } from '../../kernel/notifications.ts';
import type { ScalingActivity } from '../domain/scaling-activity.ts';
import type { ScalingCooldowns } from '../domain/step-scaling.ts';
import { queryIndexItems } from '../../kernel/store/index-query.ts';
import { notificationItem, serviceKey } from '../../kernel/store/state-items.ts';
import { SCALING_ACTIVITY_SORT_PREFIX, scalingActivityItem, scalingActivityKey, scalingStateItem, scalingStateKey } from './scaling-items.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';

/** Another evaluation changed the service's cooldowns since they were read: evaluate again (Step Functions retries). */
export class ScalingStateConflictError extends Error {
  override readonly name = 'ScalingStateConflictError';
}

export interface StoredCooldowns {
  cooldowns: ScalingCooldowns;
  /** 0 when nothing is stored yet. */
  revision: number;
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * Scaling state and history in the state table. An activity, the cooldowns it starts and its announcements are
 * written in one transaction; the activity's key is deterministic per evaluation, so a retried evaluation finds
 * what it already decided instead of deciding (and scaling) twice.
 */
export class ScalingStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tables: TableNames;

  constructor(client: DynamoDBDocumentClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
  }

  async getCooldowns(cluster: string, service: string): Promise<StoredCooldowns> {
    const item = await this.get(scalingStateKey(cluster, service));
    return item === undefined ? { cooldowns: {}, revision: 0 } : { cooldowns: (item['cooldowns'] ?? {}) as ScalingCooldowns, revision: Number(item['revision']) };
  }

  async getActivity(activity: Pick<ScalingActivity, 'cluster' | 'service' | 'evaluatedAt' | 'alarmName'>): Promise<ScalingActivity | undefined> {
    return (await this.get(scalingActivityKey(activity))) as ScalingActivity | undefined;
  }

  /** The service's newest activity (what status shows as its last scaling action), if any is kept. */
  async latestActivity(cluster: string, service: string): Promise<ScalingActivity | undefined> {
    const [newest] = await this.history(cluster, service, 1);
    return newest;
  }

  /** The service's activities, newest first (byOwner, then read by key). */
  async history(cluster: string, service: string, limit: number): Promise<ScalingActivity[]> {
    const query = { index: 'byOwner', partition: serviceKey(cluster, service), sortKeyPrefix: SCALING_ACTIVITY_SORT_PREFIX, newestFirst: true, limit } as const;
    try {
      return (await queryIndexItems(this.client, this.tables.state, query)) as unknown[] as ScalingActivity[];
    } catch (error) {
      throw new StateStoreError(`Could not read the scaling history of ${cluster}/${service}`, { cause: error });
    }
  }

  /**
   * Records an evaluation's activity with its announcements and, when it scaled, the cooldowns it started
   * (conditional on the revision read). Returns 'duplicate' if this evaluation was already recorded.
   */
  async recordActivity(
    activity: ScalingActivity,
    notifications: Notification[],
    cooldowns?: { next: ScalingCooldowns; expectedRevision: number },
  ): Promise<'written' | 'duplicate'> {
    const items: TransactItem[] = [
      { Put: { TableName: this.tables.state, Item: scalingActivityItem(activity), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...notifications.map((notification) => ({ Put: { TableName: this.tables.outbox, Item: notificationItem(notification) } })),
    ];
    if (cooldowns) {
      const { next, expectedRevision } = cooldowns;
      items.push({
        Put: {
          TableName: this.tables.state,
          Item: scalingStateItem(activity.cluster, activity.service, next, expectedRevision + 1, activity.evaluatedAt),
          ConditionExpression: expectedRevision === 0 ? 'attribute_not_exists(pk)' : 'revision = :expected',
          ...(expectedRevision === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedRevision } }),
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict')) {
        throw new ScalingStateConflictError(`The scaling state of ${activity.cluster}/${activity.service} changed during evaluation ${activity.evaluation}`, { cause: error });
      }
      throw new StateStoreError(`Could not record the scaling activity of ${activity.cluster}/${activity.service}`, { cause: error });
    }
  }

  /** Replaces an evaluation's activity with its failure (same key) and queues the failure's announcements. */
  async recordFailure(activity: ScalingActivity, notifications: Notification[]): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tables.state, Item: scalingActivityItem(activity) } },
            ...notifications.map((notification) => ({ Put: { TableName: this.tables.outbox, Item: notificationItem(notification) } })),
          ],
        }),
      );
    } catch (error) {
      throw new StateStoreError(`Could not record the scaling failure of ${activity.cluster}/${activity.service}`, { cause: error });
    }
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.client.send(new GetCommand({ TableName: this.tables.state, Key: key, ConsistentRead: true }))).Item;
    } catch (error) {
      throw new StateStoreError(`Could not read ${key.pk} ${key.sk}`, { cause: error });
    }
  }
}
