import { ConditionalCheckFailedException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import type { RejectedEventIdentity } from '../../kernel/envelope.ts';
import type { ImageDeletion, ImagePush } from '../domain/image-push.ts';
import type { Notification } from '../../kernel/notifications.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';
import { notificationItem, rejectedCounterKey, rejectedEventItem, type StateItem } from '../../kernel/store/state-items.ts';
import type { EcsDeploymentState, ServiceAction } from '../domain/service-events.ts';
import type { WriteOutcome } from '../../kernel/lambda/event-handler.ts';
import { compareTaskVersions, type TaskState } from '../domain/task-state.ts';
import { ecsDeploymentItem, imageDeletionItem, imageTagItem, serviceActionItem, taskItem, taskKey } from './state-items.ts';

const TRANSACTION_CONFLICT_ATTEMPTS = 6;

export type { WriteOutcome };

/** A task event's outcome, and for a plain applied write the status it replaced (none: the task was new). */
export interface TaskWriteOutcome {
  outcome: WriteOutcome;
  previousStatus?: string;
}

/** A guarded write: done (with the item it replaced, when DynamoDB returns it), or refused (with the stored item). */
type GuardedWrite = { written: true; previous?: Record<string, unknown> } | { written: false; current?: Record<string, unknown> };

/**
 * Guarded writes to the state table. Every write is a single conditional request on the common path, so a
 * duplicate or reordered EventBridge delivery can never overwrite newer state or half-apply an event.
 */
export class StateStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tables: TableNames;

  constructor(client: DynamoDBDocumentClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
  }

  /**
   * Stores the task if this event is newer than the stored one. A failed task's announcement goes to the
   * outbox in the same transaction, so it is sent exactly when the state that justifies it is written.
   */
  async applyTaskState(task: TaskState, notification?: Notification): Promise<TaskWriteOutcome> {
    const put = {
      TableName: this.tables.state,
      Item: taskItem(task),
      ConditionExpression: 'attribute_not_exists(pk) OR #version < :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': task.version },
    };
    const stored = notification
      ? await this.transactIfNewer([
          { Put: { ...put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
          // Unconditional: the id is deterministic, so a repeat only rewrites the same item (a MODIFY, never a second INSERT).
          { Put: { TableName: this.tables.outbox, Item: notificationItem(notification) } },
        ])
      : await this.putIfNewer(put);
    if (stored.written) {
      const previousStatus = stored.previous?.['lastStatus'];
      return { outcome: 'apply', ...(typeof previousStatus === 'string' ? { previousStatus } : {}) };
    }
    const current = stored.current ?? (await this.get(this.tables.state, taskKey(task.taskArn)));
    return { outcome: compareTaskVersions(typeof current?.['version'] === 'number' ? current['version'] : undefined, task.version) };
  }

  /**
   * Points the tag at the pushed digest unless a later push or deletion of the tag is already recorded. ECR event
   * times have whole seconds; within one second a deletion of another digest came before this push (the tag still
   * pointed at the deleted image when it was deleted), a deletion of this digest after it.
   */
  async recordImagePush(push: ImagePush): Promise<WriteOutcome> {
    return this.putNewestEvent(imageTagItem(push), push.eventId, {
      ConditionExpression:
        'attribute_not_exists(pk) OR pushedAt < :time OR (pushedAt = :time AND eventId <> :eventId) OR deletedAt < :time OR (deletedAt = :time AND digest <> :digest)',
      ExpressionAttributeValues: { ':time': push.pushedAt, ':eventId': push.eventId, ':digest': push.digest },
    });
  }

  /** Marks the tag deleted unless a later push or deletion of it is already recorded (same-second rule as above). */
  async recordImageDeletion(deletion: ImageDeletion): Promise<WriteOutcome> {
    return this.putNewestEvent(imageDeletionItem(deletion), deletion.eventId, {
      ConditionExpression: 'attribute_not_exists(pk) OR pushedAt < :time OR (pushedAt = :time AND digest = :digest) OR deletedAt < :time',
      ExpressionAttributeValues: { ':time': deletion.deletedAt, ':digest': deletion.digest },
    });
  }

  /** Keeps the newest state of an ECS-managed deployment; at equal times a terminal state wins. */
  async recordEcsDeployment(deployment: EcsDeploymentState): Promise<WriteOutcome> {
    return this.putNewestEvent(ecsDeploymentItem(deployment), deployment.eventId, {
      ConditionExpression: 'attribute_not_exists(pk) OR updatedAt < :time OR (updatedAt = :time AND #rank < :rank)',
      ExpressionAttributeNames: { '#rank': 'rank' },
      ExpressionAttributeValues: { ':time': deployment.updatedAt, ':rank': deployment.rank },
    });
  }

  /** Appends a service action; the event id in the key makes a redelivery a no-op. */
  async recordServiceAction(action: ServiceAction): Promise<WriteOutcome> {
    const stored = await this.putIfNewer({
      TableName: this.tables.state,
      Item: serviceActionItem(action),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    return stored.written ? 'apply' : 'duplicate';
  }

  /**
   * Keeps a rejected event for inspection and counts it per source and detail-type, both or neither.
   * A redelivered rejected event is neither stored nor counted twice.
   */
  async recordRejectedEvent(identity: RejectedEventIdentity, reason: string, rawEvent: unknown, receivedAt: string): Promise<WriteOutcome> {
    const stored = await this.transactIfNewer([
      {
        Put: {
          TableName: this.tables.state,
          Item: rejectedEventItem(identity, reason, rawEvent, receivedAt),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tables.state,
          Key: rejectedCounterKey(identity),
          UpdateExpression: 'ADD #count :one SET lastRejectedAt = :at, lastReason = :reason',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':at': receivedAt, ':reason': reason },
        },
      },
    ]);
    return stored.written ? 'apply' : 'duplicate';
  }

  private async putNewestEvent(
    item: StateItem,
    eventId: string,
    guard: { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<WriteOutcome> {
    const stored = await this.putIfNewer({ TableName: this.tables.state, Item: item, ...guard });
    if (stored.written) return 'apply';
    const current = stored.current ?? (await this.get(this.tables.state, { pk: item.pk, sk: item.sk }));
    return current?.['eventId'] === eventId ? 'duplicate' : 'stale';
  }

  /** The replaced item comes back either way (ALL_OLD costs no capacity); undefined if there was none. */
  private async putIfNewer(input: ConstructorParameters<typeof PutCommand>[0]): Promise<GuardedWrite> {
    try {
      const written = await this.client.send(new PutCommand({ ...input, ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      return { written: true, ...(written.Attributes ? { previous: written.Attributes } : {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { written: false, current: unmarshallIfPresent(error.Item) };
      throw new StateStoreError(`Could not write ${String(input.Item?.['kind'])} item to ${input.TableName}`, { cause: error });
    }
  }

  /**
   * Like putIfNewer for a transaction whose first item carries the guard. Concurrent transactions on one item
   * (the rejected-events counter, two events of one task) cancel each other with TransactionConflict, which the
   * SDK does not retry: retry those here, with jitter, before giving the event back to Lambda's retries.
   */
  private async transactIfNewer(
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
  ): Promise<GuardedWrite> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return { written: true };
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        const guardReason = reasons[0];
        if (guardReason?.Code === 'ConditionalCheckFailed') return { written: false, current: unmarshallIfPresent(guardReason.Item) };
        const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (!conflicted || attempt >= TRANSACTION_CONFLICT_ATTEMPTS) {
          throw new StateStoreError(`Transaction on ${items.length} items failed after ${attempt} attempt(s)`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
      }
    }
  }

  private async get(table: string, key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return result.Item;
  }
}

function unmarshallIfPresent(item: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  return item === undefined ? undefined : unmarshall(item);
}
