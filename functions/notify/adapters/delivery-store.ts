import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getItemsByKey, queryIndexItems } from '../../kernel/store/index-query.ts';
import { expiresAt } from '../../kernel/store/state-items.ts';
import { ATTEMPT_LEASE_SECONDS, FINAL_STATUSES, type DeliveryRecord, type DeliveryStatus } from '../domain/delivery.ts';

/**
 * Deliveries, channel health, Slack thread timestamps and dead letters in the state table (docs/decisions/0015):
 *   DELIVERY#<id> / DELIVERY      one per (announcement, channel); gsi1 by channel, gsi2 by status, newest first
 *   DELIVERY#<id> / DEAD          the dead letter: what the last attempt sent, after the last retry failed
 *   NOTIFY#CHANNEL#<name> / HEALTH  last success and failure, disabled (410)
 *   NOTIFY#SLACK#<name>#<deployment> / MESSAGE  the Slack message a deploy's announcements update (bot mode)
 */

export const DELIVERY_RETENTION_DAYS = 30;
const DELIVERY_SK = 'DELIVERY';

export const deliveryKey = (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: DELIVERY_SK });
const channelPartition = (channel: string) => `NOTIFY#CHANNEL#${channel}`;
const healthKey = (channel: string) => ({ pk: channelPartition(channel), sk: 'HEALTH' });
const statusPartition = (status: DeliveryStatus) => `DELIVERY#${status}`;
const slackMessageKey = (channel: string, deploymentId: string) => ({ pk: `NOTIFY#SLACK#${channel}#${deploymentId}`, sk: 'MESSAGE' });

export interface ChannelHealth {
  channel: string;
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastFailure?: string;
  disabledAt?: string;
  disabledReason?: string;
  delivered?: number;
  failed?: number;
}

export interface SlackThread {
  ts?: string;
  slackChannel?: string;
  claimedAt: string;
}

export type AttemptResult =
  | { status: 'delivered'; at: string; statusCode: number }
  | { status: 'retrying'; at: string; nextAttemptAt: string; error: string; statusCode?: number }
  | { status: 'failed' | 'disabled'; at: string; error: string; statusCode?: number }
  | { status: 'dead'; at: string; error: string; statusCode?: number; payload: string };

export class DeliveryStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  /** Records a new delivery once; a stream record seen again finds it and gets `created: false` with what is stored. */
  async recordDelivery(delivery: DeliveryRecord): Promise<{ created: true } | { created: false; stored: DeliveryRecord }> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(delivery),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) return { created: false, stored: fromItem(unmarshall(error.Item)) };
      throw error;
    }
  }

  async getDelivery(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: deliveryKey(deliveryId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Takes attempt `attempt` of a delivery: only if the previous one is done and the delivery still waits for more, or
   * if this very attempt was taken by an invocation that died (its lease ran out). Undefined: not ours to make.
   */
  async claimAttempt(deliveryId: string, attempt: number, now: Date): Promise<DeliveryRecord | undefined> {
    const at = now.toISOString();
    return this.updateIfStill(deliveryId, {
      // The status index keeps the previous status while an attempt runs (seconds): two index writes fewer per attempt.
      UpdateExpression: 'SET #status = :sending, attempts = :attempt, leaseUntil = :lease, updatedAt = :at',
      ConditionExpression: '(#status IN (:pending, :retrying) AND attempts = :previous) OR (#status = :sending AND attempts = :attempt AND leaseUntil < :at)',
      ExpressionAttributeValues: {
        ':sending': 'sending',
        ':pending': 'pending',
        ':retrying': 'retrying',
        ':attempt': attempt,
        ':previous': attempt - 1,
        ':lease': new Date(now.getTime() + ATTEMPT_LEASE_SECONDS * 1000).toISOString(),
        ':at': at,
      },
    });
  }

  /** Ends attempt `attempt` (only the invocation holding it may); a dead delivery gets its dead letter in the same write. */
  async recordAttempt(deliveryId: string, attempt: number, result: AttemptResult): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':status': result.status, ':at': result.at, ':attempt': attempt, ':sending': 'sending', ':partition': statusPartition(result.status) };
    const sets = ['#status = :status', 'updatedAt = :at', 'gsi2pk = :partition', 'gsi2sk = :at'];
    const removes = ['leaseUntil'];
    if ('statusCode' in result && result.statusCode !== undefined) {
      sets.push('lastStatusCode = :code');
      values[':code'] = result.statusCode;
    }
    if (result.status === 'delivered') {
      sets.push('deliveredAt = :at');
      removes.push('nextAttemptAt', 'lastError');
    } else {
      sets.push('lastError = :error');
      values[':error'] = result.error;
      if (result.status === 'retrying') {
        sets.push('nextAttemptAt = :next');
        values[':next'] = result.nextAttemptAt;
      } else removes.push('nextAttemptAt');
    }
    const update = {
      TableName: this.table,
      Key: deliveryKey(deliveryId),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      ConditionExpression: '#status = :sending AND attempts = :attempt',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    try {
      if (result.status !== 'dead') {
        await this.client.send(new UpdateCommand(update));
        return;
      }
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: update },
            {
              Put: {
                TableName: this.table,
                Item: { pk: deliveryKey(deliveryId).pk, sk: 'DEAD', kind: 'notification-dead-letter', deliveryId, attempts: attempt, error: result.error, payload: result.payload, at: result.at, expiresAt: expiresAt(result.at, DELIVERY_RETENTION_DAYS) },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Someone else holds the attempt now (our lease ran out): what they record wins.
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'TransactionCanceledException') return;
      throw error;
    }
  }

  /** Starts a finished delivery afresh (same id, so receivers can still tell it is the same message). */
  async replay(deliveryId: string, now: Date): Promise<DeliveryRecord | undefined> {
    const at = now.toISOString();
    return this.updateIfStill(deliveryId, {
      UpdateExpression: 'SET #status = :pending, attempts = :zero, updatedAt = :at, nextAttemptAt = :at, gsi2pk = :partition, gsi2sk = :at ADD replays :one REMOVE leaseUntil',
      ConditionExpression: `#status IN (${FINAL_STATUSES.map((_, index) => `:final${index}`).join(', ')})`,
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':zero': 0,
        ':one': 1,
        ':at': at,
        ':partition': statusPartition('pending'),
        ...Object.fromEntries(FINAL_STATUSES.map((status, index) => [`:final${index}`, status])),
      },
    });
  }

  /** A guarded update of a delivery (`#status` names its status): the delivery as it now is, or undefined if the guard refused. */
  private async updateIfStill(deliveryId: string, update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> }): Promise<DeliveryRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({ TableName: this.table, Key: deliveryKey(deliveryId), ExpressionAttributeNames: { '#status': 'status' }, ReturnValues: 'ALL_NEW', ...update }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async deadLetter(deliveryId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: deliveryKey(deliveryId).pk, sk: 'DEAD' } }));
    return Item;
  }

  /** Newest first; by channel, by status, or both. */
  async listDeliveries(filter: { channel?: string; status?: DeliveryStatus; limit: number }): Promise<DeliveryRecord[]> {
    const items = filter.channel
      ? await queryIndexItems(this.client, this.table, { index: 'byOwner', partition: channelPartition(filter.channel), sortKeyPrefix: 'DELIVERY#', newestFirst: true, limit: filter.status ? undefined : filter.limit })
      : await queryIndexItems(this.client, this.table, { index: 'byStatus', partition: statusPartition(filter.status ?? 'delivered'), newestFirst: true, limit: filter.limit });
    return items.map(fromItem).filter((delivery) => filter.status === undefined || delivery.status === filter.status).slice(0, filter.limit);
  }

  async recordChannelOutcome(channel: string, outcome: { at: string; delivered: true } | { at: string; delivered: false; error: string; disable: boolean }): Promise<void> {
    const update = outcome.delivered
      ? { expression: 'SET lastSuccessAt = :at, channel = :channel ADD delivered :one REMOVE disabledAt, disabledReason', values: { ':at': outcome.at, ':channel': channel, ':one': 1 } }
      : {
          expression: `SET lastFailureAt = :at, lastFailure = :error, channel = :channel${outcome.disable ? ', disabledAt = :at, disabledReason = :error' : ''} ADD failed :one`,
          values: { ':at': outcome.at, ':error': outcome.error, ':channel': channel, ':one': 1 },
        };
    await this.client.send(new UpdateCommand({ TableName: this.table, Key: healthKey(channel), UpdateExpression: update.expression, ExpressionAttributeValues: update.values }));
  }

  async channelHealth(channels: string[]): Promise<Map<string, ChannelHealth>> {
    const items = await getItemsByKey(this.client, this.table, channels.map(healthKey));
    return new Map(items.map((item) => [String(item['channel']), item as unknown as ChannelHealth]));
  }

  /** The deploy's Slack message in a channel: created by whoever claims it first, then updated by everyone. */
  async slackThread(channel: string, deploymentId: string): Promise<SlackThread | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: slackMessageKey(channel, deploymentId), ConsistentRead: true }));
    return Item as SlackThread | undefined;
  }

  /** True for the one caller that may post the message; the others find it (or, briefly, its claim without a ts). */
  async claimSlackThread(channel: string, deploymentId: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...slackMessageKey(channel, deploymentId), kind: 'notification-slack-message', claimedAt: at, expiresAt: expiresAt(at, DELIVERY_RETENTION_DAYS) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async saveSlackThread(channel: string, deploymentId: string, thread: { ts: string; slackChannel: string }): Promise<void> {
    await this.client.send(
      new UpdateCommand({ TableName: this.table, Key: slackMessageKey(channel, deploymentId), UpdateExpression: 'SET ts = :ts, slackChannel = :slackChannel', ExpressionAttributeValues: { ':ts': thread.ts, ':slackChannel': thread.slackChannel } }),
    );
  }

  /** A claim whose poster died before saving the ts is given up, so the next announcement can post again. */
  async releaseSlackThread(channel: string, deploymentId: string): Promise<void> {
    await this.client
      .send(new UpdateCommand({ TableName: this.table, Key: slackMessageKey(channel, deploymentId), UpdateExpression: 'REMOVE claimedAt', ConditionExpression: 'attribute_not_exists(ts)' }))
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  private item(delivery: DeliveryRecord): Record<string, unknown> & { pk: string } {
    return {
      ...deliveryKey(delivery.deliveryId),
      kind: 'notification-delivery',
      ...delivery,
      gsi1pk: channelPartition(delivery.channel),
      gsi1sk: `DELIVERY#${delivery.createdAt}#${delivery.deliveryId}`,
      gsi2pk: statusPartition(delivery.status),
      gsi2sk: delivery.updatedAt,
      expiresAt: expiresAt(delivery.createdAt, DELIVERY_RETENTION_DAYS),
    };
  }
}

const STORED_ONLY = new Set(['pk', 'sk', 'kind', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt', 'leaseUntil']);

function fromItem(item: Record<string, unknown>): DeliveryRecord {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !STORED_ONLY.has(key))) as unknown as DeliveryRecord;
}
