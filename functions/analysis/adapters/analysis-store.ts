import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import type { Notification } from '../../kernel/notifications.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';
import { notificationItem, serviceKey } from '../../kernel/store/state-items.ts';
import type { AnalysisRun } from '../domain/analysis-run.ts';
import type { MetricResult } from '../domain/verdict.ts';

/**
 * A deployment's analysis in its history, beside its steps (docs/decisions/0002, 0019):
 *   SERVICE#<c>#<s> / DEPLOYMENT#<id>#ANALYSIS#<step nn>            the step's run: tallies, phase, pause
 *   SERVICE#<c>#<s> / DEPLOYMENT#<id>#ANALYSIS#<step nn>#M<nnnn>    one measurement: every metric's value, baseline,
 *                                                                   conditions and verdict, and when
 * A measurement and its run are written together, conditional on the run's version, so a retried check never records
 * a measurement twice; an announcement goes into the outbox in the same transaction.
 */

export interface StoredMeasurement {
  deploymentId: string;
  step: string;
  stepIndex: number;
  /** 1-based within the step. */
  index: number;
  measuredAt: string;
  /** The window the measurement read. */
  from: string;
  to: string;
  results: MetricResult[];
  /** GetMetricData calls (pages) it took. */
  calls: number;
}

export interface RunRef {
  cluster: string;
  service: string;
  deploymentId: string;
  stepIndex: number;
}

const runSk = (deploymentId: string, stepIndex: number) => `DEPLOYMENT#${deploymentId}#ANALYSIS#${String(stepIndex).padStart(2, '0')}`;
const measurementSk = (deploymentId: string, stepIndex: number, index: number) => `${runSk(deploymentId, stepIndex)}#M${String(index).padStart(4, '0')}`;

export class AnalysisStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tables: TableNames;

  constructor(client: DynamoDBDocumentClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
  }

  /** The step's run and its version (0: none yet). */
  async run(ref: RunRef): Promise<{ run?: AnalysisRun; version: number }> {
    const item = (await this.client.send(new GetCommand({ TableName: this.tables.state, Key: { pk: serviceKey(ref.cluster, ref.service), sk: runSk(ref.deploymentId, ref.stepIndex) }, ConsistentRead: true }))).Item;
    if (!item) return { version: 0 };
    return { run: item['run'] as AnalysisRun, version: Number(item['version'] ?? 0) };
  }

  /**
   * Writes the run at `version + 1` (only if it is still at `version`), with the measurement it took and the
   * announcement it makes, if any. 'conflict': another invocation wrote first; re-read the run.
   */
  async save(ref: RunRef, run: AnalysisRun, version: number, extras: { measurement?: StoredMeasurement; notification?: Notification } = {}): Promise<'written' | 'conflict'> {
    const pk = serviceKey(ref.cluster, ref.service);
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: this.tables.state,
          Item: { pk, sk: runSk(ref.deploymentId, ref.stepIndex), kind: 'analysis-run', deploymentId: ref.deploymentId, stepIndex: ref.stepIndex, version: version + 1, run },
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
          ...(version === 0 ? {} : { ExpressionAttributeValues: { ':version': version } }),
        },
      },
    ];
    if (extras.measurement) {
      const { measurement } = extras;
      items.push({
        Put: {
          TableName: this.tables.state,
          Item: { pk, sk: measurementSk(ref.deploymentId, ref.stepIndex, measurement.index), kind: 'analysis-measurement', ...measurement },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (extras.notification) items.push({ Put: { TableName: this.tables.outbox, Item: notificationItem(extras.notification) } });
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'conflict';
      throw new StateStoreError(`Could not record the analysis of deployment ${ref.deploymentId}`, { cause: error });
    }
  }

  /** A deployment's measurements, newest first (by step, then within it), at most `limit`. */
  async measurements(cluster: string, service: string, deploymentId: string, limit = 20): Promise<StoredMeasurement[]> {
    const found: StoredMeasurement[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tables.state,
          KeyConditionExpression: 'pk = :owner AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':owner': serviceKey(cluster, service), ':prefix': `DEPLOYMENT#${deploymentId}#ANALYSIS#` },
          ScanIndexForward: false,
          ExclusiveStartKey,
          Limit: limit + 5,
        }),
      );
      for (const item of page.Items ?? []) if (item['kind'] === 'analysis-measurement' && found.length < limit) found.push(measurementOf(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && found.length < limit);
    return found;
  }
}

function measurementOf(item: Record<string, unknown>): StoredMeasurement {
  const { deploymentId, step, stepIndex, index, measuredAt, from, to, results, calls } = item as unknown as StoredMeasurement;
  return { deploymentId, step, stepIndex, index, measuredAt, from, to, results, calls };
}
