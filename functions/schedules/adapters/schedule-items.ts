import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigConflictError } from '../../config/index.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';
import { parseSchedule } from '../config.ts';
import type { OperatorOverride } from '../domain/scheduler-schedule.ts';
import { scheduleRunKey, type Schedule, type ScheduleRun } from '../domain/schedule.ts';

/**
 * Schedule configurations in the state table: pk CONFIG, sk SCHEDULE#<name>, kind schedule-config, the Schedule's
 * fields at the top level beside `revision` (the shape the run state machine reads, domain/schedule.ts), and an
 * operator's suspend/resume override while it disagrees with the file. Writes are conditional on the revision read,
 * and on the override read, so neither an apply nor a suspend silently undoes the other.
 */

export interface StoredSchedule {
  schedule: Schedule;
  revision: number;
  updatedAt: string;
  override?: OperatorOverride;
}

const CONFIG_PK = 'CONFIG';
const PREFIX = 'SCHEDULE#';
const KIND = 'schedule-config';
const sortKey = (name: string) => `${PREFIX}${name}`;
/** Attributes of the item that are not the Schedule's. */
const BOOKKEEPING = ['pk', 'sk', 'kind', 'revision', 'updatedAt', 'operatorOverride'];

export class ScheduleItems {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async get(name: string): Promise<StoredSchedule | undefined> {
    const { Item } = await this.call(`read schedule ${name}`, () => this.client.send(new GetCommand({ TableName: this.table, Key: { pk: CONFIG_PK, sk: sortKey(name) }, ConsistentRead: true })));
    return Item === undefined ? undefined : toStored(Item);
  }

  async list(): Promise<StoredSchedule[]> {
    const stored: StoredSchedule[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.call('list schedules', () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': CONFIG_PK, ':prefix': PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        ),
      );
      stored.push(...(page.Items ?? []).map(toStored));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return stored;
  }

  /** Creates (expectedRevision 0) or replaces a schedule, keeping `override` (what the caller read) as it is. */
  async put(schedule: Schedule, expectedRevision: number, expectedOverride: OperatorOverride | undefined, override: OperatorOverride | undefined, now: Date): Promise<StoredSchedule> {
    const stored: StoredSchedule = { schedule, revision: expectedRevision + 1, updatedAt: now.toISOString(), ...(override ? { override } : {}) };
    const condition = expectedRevision === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : revisionCondition(expectedRevision, expectedOverride);
    await this.conditional(schedule.name, expectedRevision, () =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...schedule, pk: CONFIG_PK, sk: sortKey(schedule.name), kind: KIND, revision: stored.revision, updatedAt: stored.updatedAt, ...(override ? { operatorOverride: override } : {}) },
          ...condition,
        }),
      ),
    );
    return stored;
  }

  /** Sets or clears the operator's override at the revision (and override) read; the revision does not move. */
  async setOverride(name: string, expectedRevision: number, expectedOverride: OperatorOverride | undefined, override: OperatorOverride | undefined): Promise<void> {
    const condition = revisionCondition(expectedRevision, expectedOverride);
    await this.conditional(name, expectedRevision, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: CONFIG_PK, sk: sortKey(name) },
          UpdateExpression: override ? 'SET operatorOverride = :override' : 'REMOVE operatorOverride',
          ...condition,
          ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ...(override ? { ':override': override } : {}) },
        }),
      ),
    );
  }

  async delete(name: string, expectedRevision: number): Promise<void> {
    await this.conditional(name, expectedRevision, () =>
      this.client.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: CONFIG_PK, sk: sortKey(name) }, ConditionExpression: 'revision = :expected', ExpressionAttributeValues: { ':expected': expectedRevision } }),
      ),
    );
  }

  /** Run records of a schedule, newest first (scheduleRunKey's partition), at most `limit`, paging as needed. */
  async runs(name: string, limit: number): Promise<ScheduleRun[]> {
    const runs: ScheduleRun[] = [];
    const { pk } = scheduleRunKey(name, '', 0);
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.call(`read the runs of schedule ${name}`, () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': 'RUN#' },
            ScanIndexForward: false,
            Limit: Math.min(100, limit - runs.length),
            ExclusiveStartKey,
          }),
        ),
      );
      runs.push(...((page.Items ?? []) as ScheduleRun[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && runs.length < limit);
    return runs.slice(0, limit);
  }

  private async conditional(name: string, expectedRevision: number, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConfigConflictError(`The configuration of schedule ${name} changed since revision ${expectedRevision} (or an operator suspended or resumed it meanwhile); read it again and reapply your change.`);
      }
      throw new StateStoreError(`Could not write schedule ${name}`, { cause: error });
    }
  }

  private async call<T>(what: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      throw new StateStoreError(`Could not ${what}`, { cause: error });
    }
  }
}

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
  ExpressionAttributeNames?: Record<string, string>;
}

function revisionCondition(expectedRevision: number, expectedOverride: OperatorOverride | undefined): Condition {
  return expectedOverride === undefined
    ? { ConditionExpression: 'revision = :expected AND attribute_not_exists(operatorOverride)', ExpressionAttributeValues: { ':expected': expectedRevision } }
    : {
        ConditionExpression: 'revision = :expected AND operatorOverride.#at = :overrideAt',
        ExpressionAttributeValues: { ':expected': expectedRevision, ':overrideAt': expectedOverride.at },
        ExpressionAttributeNames: { '#at': 'at' },
      };
}

function toStored(item: Record<string, unknown>): StoredSchedule {
  const fields = Object.fromEntries(Object.entries(item).filter(([key]) => !BOOKKEEPING.includes(key)));
  const override = item['operatorOverride'] as OperatorOverride | undefined;
  return { schedule: parseSchedule(fields), revision: Number(item['revision']), updatedAt: String(item['updatedAt']), ...(override ? { override } : {}) };
}
