import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';
import { notificationItem, type StateItem } from '../../kernel/store/state-items.ts';
import type { EcsFailure, FailedFamily, FamilyOutcome, PlanCounts } from '../domain/cleanup-outcome.ts';
import { cleanupNotification, type CleanupRunAnnouncement } from '../domain/notifications.ts';
import { inBatches, type FamilyCleanupPlan, type RevisionUsage, type WorkBatch } from '../domain/revision-cleanup.ts';
import { StaleUsageError, UsageIncompleteError } from '../errors.ts';
import {
  RUN_PREFIX,
  RUNS_PARTITION,
  SK,
  WORKING_RETENTION_DAYS,
  batchKey,
  cleanupFamilyItem,
  cleanupRunItem,
  familyKey,
  familyPartition,
  keptPageItem,
  listedClusterItem,
  runPartition,
  usageItem,
  usagePartition,
  usageSealItem,
  usageSealKey,
  unreadableReferenceItem,
  workBatchItem,
} from './cleanup-items.ts';

/** The run a step belongs to, as the state machine passes it. */
export interface RunIdentity {
  runId: string;
  startedAt: string;
  dryRun: boolean;
}

/** A run's summary record: the announcement's fields, the trigger and settings, and references it could not read. */
export type RecordedCleanupRun = CleanupRunAnnouncement & { trigger?: 'schedule' | 'on-demand'; settings?: Record<string, unknown>; unreadableReferences?: number };

/** A family's record while its cleanup goes on; `outcome` once it has one. */
export interface FamilyRecord {
  family: string;
  status: 'pending' | 'planned' | FamilyOutcome['status'] | 'failed';
  counts?: PlanCounts;
  outcome?: FamilyOutcome | FailedFamily;
}

const BATCH_WRITE_MAX = 25;
const UNPROCESSED_ATTEMPTS = 6;
/** Kept revisions per KEEP# item: at most ~11 reasons each keeps the item well under DynamoDB's 400 KB. */
const KEPT_PER_PAGE = 100;
/** Planning trusts a usage set this long after the run started; TTL removes it later (WORKING_RETENTION_DAYS). */
export const USAGE_TRUSTED_HOURS = 24;

/**
 * Revision cleanup's items in the state table (layout: cleanup-items.ts). Every key is deterministic per run, so a
 * retried step rewrites the same items; reads that decide what to delete are strongly consistent.
 */
export class CleanupStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tables: TableNames;

  constructor(client: DynamoDBDocumentClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
  }

  /** Clusters of one listed page, each to be gathered before anything is planned. */
  markClustersListed(run: RunIdentity, clusters: string[]): Promise<void> {
    return this.putAll(clusters.map((cluster) => listedClusterItem(run, cluster, undefined)), 'mark listed clusters');
  }

  /** Families of one listed page: one without an outcome at the end of the run is reported as failed. */
  markFamiliesListed(run: RunIdentity, families: string[]): Promise<void> {
    return this.putAll(families.map((family) => cleanupFamilyItem(run, family, { status: 'pending', dryRun: run.dryRun })), 'mark listed families');
  }

  putUsages(run: RunIdentity, usages: RevisionUsage[], unreadable: Array<{ owner: string; reference: string }>): Promise<void> {
    return this.putAll([...usages.map((usage) => usageItem(run, usage)), ...unreadable.map((reference) => unreadableReferenceItem(run, reference))], 'record usages');
  }

  async markClusterGathered(run: RunIdentity, cluster: string, usages: number): Promise<void> {
    await this.send('mark a cluster gathered', () => this.client.send(new PutCommand({ TableName: this.tables.state, Item: listedClusterItem(run, cluster, { usages }) })));
  }

  /** Seals the usage set once every listed cluster is gathered; returns how many clusters it covers. */
  async sealUsage(run: RunIdentity): Promise<number> {
    let clusters = 0;
    const missing: string[] = [];
    for await (const item of this.query(this.inRun(run, SK.cluster))) {
      clusters += 1;
      if (item['gathered'] !== true) missing.push(String(item['cluster']));
    }
    if (missing.length > 0) throw new UsageIncompleteError(`${missing.length} of ${clusters} clusters were not gathered (e.g. ${missing.slice(0, 3).join(', ')}); nothing is planned`);
    await this.send('seal the usage set', () => this.client.send(new PutCommand({ TableName: this.tables.state, Item: usageSealItem(run, clusters) })));
    return clusters;
  }

  /** Every usage of one family's revisions, from a sealed usage set no older than USAGE_TRUSTED_HOURS. */
  async readUsages(run: RunIdentity, family: string, now = new Date()): Promise<RevisionUsage[]> {
    const ageHours = (now.getTime() - Date.parse(run.startedAt)) / 3_600_000;
    if (ageHours > USAGE_TRUSTED_HOURS) throw new StaleUsageError(`the usage set of run ${run.runId} is ${Math.floor(ageHours)} h old (trusted for ${USAGE_TRUSTED_HOURS} h, kept ${WORKING_RETENTION_DAYS} days)`);
    const { Item } = await this.send('read the usage seal', () => this.client.send(new GetCommand({ TableName: this.tables.state, Key: usageSealKey(run.runId), ConsistentRead: true })));
    if (!Item) throw new UsageIncompleteError(`the usage set of run ${run.runId} is not sealed: its gathering did not finish`);
    const usages: RevisionUsage[] = [];
    for await (const item of this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': usagePartition(run.runId, family) } })) {
      usages.push(item['usage'] as RevisionUsage);
    }
    return usages;
  }

  /**
   * A family's plan: kept revisions with their reasons and the work in batches (items of the family's partition),
   * then the family record with the counts and, when nothing remains to apply, the outcome.
   */
  async recordPlan(run: RunIdentity, plan: FamilyCleanupPlan, counts: PlanCounts, batches: WorkBatch[], outcome: FamilyOutcome | undefined): Promise<void> {
    const items = [
      ...inBatches(plan.keep, KEPT_PER_PAGE).map((page, index) => keptPageItem(run, plan.family, index, page)),
      ...batches.map((batch, index) => workBatchItem(run, plan.family, index, batch)),
    ];
    await this.putAll(items, `record the plan of ${plan.family}`);
    await this.putFamily(run, { family: plan.family, status: outcome?.status ?? 'planned', counts, ...(outcome ? { outcome } : {}) }, { batches: batches.length });
  }

  async readBatch(run: RunIdentity, family: string, batch: number): Promise<WorkBatch> {
    const { Item } = await this.send(`read batch ${batch} of ${family}`, () => this.client.send(new GetCommand({ TableName: this.tables.state, Key: batchKey(run.runId, family, batch), ConsistentRead: true })));
    if (!Item) throw new StateStoreError(`Batch ${batch} of ${family} in run ${run.runId} is not recorded`);
    return { deregister: Item['deregister'] as number[], delete: Item['delete'] as number[] };
  }

  /** What ECS refused in one batch; a retried batch overwrites its own answer. */
  async recordBatchResult(run: RunIdentity, family: string, batch: number, result: { deregisterFailures: EcsFailure[]; deleteFailures: EcsFailure[] }): Promise<void> {
    await this.send(`record batch ${batch} of ${family}`, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tables.state,
          Key: batchKey(run.runId, family, batch),
          UpdateExpression: 'SET deregisterFailures = :deregister, deleteFailures = :delete, appliedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':deregister': result.deregisterFailures, ':delete': result.deleteFailures, ':now': new Date().toISOString() },
        }),
      ),
    );
  }

  /** The family's plan counts and what ECS refused across all its batches. */
  async readAppliedFamily(run: RunIdentity, family: string): Promise<{ counts: PlanCounts; deregisterFailures: EcsFailure[]; deleteFailures: EcsFailure[] }> {
    const { Item } = await this.send(`read family ${family}`, () => this.client.send(new GetCommand({ TableName: this.tables.state, Key: familyKey(run.runId, family), ConsistentRead: true })));
    if (!Item?.['counts']) throw new StateStoreError(`Family ${family} in run ${run.runId} has no recorded plan`);
    const deregisterFailures: EcsFailure[] = [];
    const deleteFailures: EcsFailure[] = [];
    const batches = { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': familyPartition(run.runId, family), ':prefix': SK.batch } };
    for await (const batch of this.query({ ...batches, ProjectionExpression: 'deregisterFailures, deleteFailures' })) {
      deregisterFailures.push(...((batch['deregisterFailures'] as EcsFailure[] | undefined) ?? []));
      deleteFailures.push(...((batch['deleteFailures'] as EcsFailure[] | undefined) ?? []));
    }
    return { counts: Item['counts'] as PlanCounts, deregisterFailures, deleteFailures };
  }

  async recordOutcome(run: RunIdentity, outcome: FamilyOutcome | FailedFamily, counts?: PlanCounts): Promise<void> {
    await this.putFamily(run, { family: outcome.family, status: outcome.status, outcome, ...(counts ? { counts } : {}) }, {});
  }

  /** Every family record of the run, page by page. */
  async *familyRecords(run: Pick<RunIdentity, 'runId'>): AsyncIterable<FamilyRecord> {
    for await (const item of this.query(this.inRun(run, SK.family))) yield item as unknown as FamilyRecord;
  }

  /** The revisions a family's plan deregisters and deletes, batch by batch (what ECS refused is in its outcome). */
  async familyWork(runId: string, family: string): Promise<{ deregister: number[]; delete: number[] }> {
    const work = { deregister: [] as number[], delete: [] as number[] };
    const batches = {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': familyPartition(runId, family), ':prefix': SK.batch },
      ProjectionExpression: 'deregister, #delete',
      ExpressionAttributeNames: { '#delete': 'delete' },
    };
    for await (const batch of this.query(batches)) {
      work.deregister.push(...((batch['deregister'] as number[] | undefined) ?? []));
      work.delete.push(...((batch['delete'] as number[] | undefined) ?? []));
    }
    return work;
  }

  /**
   * The summary of the run an execution recorded, once its last step did. Its id starts with the execution's start
   * time as Step Functions gives it to the run (`2026-11-20T10:00:00.123Z`; moto adds microseconds), so the summaries
   * recorded in that second are read and the execution's is picked by name.
   */
  async findRun(executionName: string, startedAt: Date): Promise<RecordedCleanupRun | undefined> {
    const second = startedAt.toISOString().slice(0, 'YYYY-MM-DDTHH:MM:SS'.length);
    for await (const item of this.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': RUNS_PARTITION, ':prefix': `${RUN_PREFIX}${second}` } })) {
      if (item['executionName'] !== executionName) continue;
      // The summary as the run recorded it, without the item's keys, index attributes and expiry.
      const { pk: _pk, sk: _sk, kind: _kind, gsi2pk: _gsi2pk, gsi2sk: _gsi2sk, expiresAt: _expiresAt, ...run } = item;
      return run as unknown as RecordedCleanupRun;
    }
    return undefined;
  }

  async countUnreadableReferences(run: RunIdentity): Promise<number> {
    let count = 0;
    for await (const _ of this.query({ ...this.inRun(run, SK.unreadable), ProjectionExpression: 'pk' })) count += 1;
    return count;
  }

  /** The run's summary and its announcement, both or neither. */
  async recordRun(run: CleanupRunAnnouncement): Promise<void> {
    await this.send(`record cleanup run ${run.runId}`, () =>
      this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tables.state, Item: cleanupRunItem(run) } },
            { Put: { TableName: this.tables.outbox, Item: notificationItem(cleanupNotification(run)) } },
          ],
        }),
      ),
    );
  }

  private async putFamily(run: RunIdentity, record: FamilyRecord, extra: Record<string, unknown>): Promise<void> {
    const item = cleanupFamilyItem(run, record.family, { ...record, ...extra, dryRun: run.dryRun });
    await this.send(`record family ${record.family}`, () => this.client.send(new PutCommand({ TableName: this.tables.state, Item: item })));
  }

  /** BatchWriteItem in groups of 25, resending what DynamoDB leaves unprocessed (it does under load) with backoff. */
  private async putAll(items: StateItem[], what: string): Promise<void> {
    for (const group of inBatches(items, BATCH_WRITE_MAX)) {
      let pending = group.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt === UNPROCESSED_ATTEMPTS) throw new StateStoreError(`Could not ${what}: DynamoDB left ${pending.length} writes unprocessed`);
        if (attempt > 0) await sleep(Math.random() * 50 * 2 ** attempt);
        const { UnprocessedItems } = await this.send(what, () => this.client.send(new BatchWriteCommand({ RequestItems: { [this.tables.state]: pending } })));
        pending = (UnprocessedItems?.[this.tables.state] ?? []) as typeof pending;
      }
    }
  }

  /** Items of the run's own partition whose sort key starts with `prefix`. */
  private inRun(run: Pick<RunIdentity, 'runId'>, prefix: string) {
    return { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': runPartition(run.runId), ':prefix': prefix } };
  }

  private async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncIterable<Record<string, unknown>> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.send('query cleanup items', () => this.client.send(new QueryCommand({ TableName: this.tables.state, ConsistentRead: true, ...input, ExclusiveStartKey: start })));
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  private async send<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new StateStoreError(`Could not ${what}`, { cause: error });
    }
  }
}
