import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import type { DeploymentOutcome, DeployRequest } from '../domain/deployment.ts';
import type { Notification } from '../../kernel/notifications.ts';
import { expiresAt, notificationItem, serviceKey } from '../../kernel/store/state-items.ts';
import type { DeployStep } from '../domain/deploy-plan.ts';
import { alarmWaiterKey } from './alarm-waiters.ts';
import { stabilityWaiterKey } from './stability-waiters.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';

/**
 * Deployments, their steps, and the per-service lock and queue slot (docs/decisions/0002, 0007):
 *   SERVICE#<c>#<s> / LOCK                         the deployment running now (at most one per service)
 *   SERVICE#<c>#<s> / QUEUED                       the next one; a newer request replaces an older one
 *   SERVICE#<c>#<s> / DEPLOYMENT#<id>              the deployment (gsi1: DEPLOYMENT#<requestedAt>, gsi2: DEPLOYMENT#<status>)
 *   SERVICE#<c>#<s> / DEPLOYMENT#<id>#STEP#<nn>    one step, in order
 * Every transition is a conditional write, so duplicate events and racing Lambdas cannot start two deploys.
 */

export type DeployRequestOutcome = 'acquired' | 'restart' | 'queued' | 'duplicate' | 'superseded';

export type StoredDeployment = Record<string, unknown> & { deploymentId: string; status: string };

const LOCK_SK = 'LOCK';
const QUEUED_SK = 'QUEUED';
const deploymentSk = (deploymentId: string) => `DEPLOYMENT#${deploymentId}`;
const stepSk = (deploymentId: string, index: number) => `DEPLOYMENT#${deploymentId}#STEP#${String(index).padStart(2, '0')}`;
/** Lock, queue and deployment items can race; a handful of optimistic rounds always settles. */
const MAX_ROUNDS = 8;

export class DeploymentStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tables: TableNames;

  constructor(client: DynamoDBDocumentClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
  }

  /**
   * Takes the service's lock for this request (the caller then starts the execution), or queues it behind the running
   * deployment. `restart`: the request was accepted before but its execution may not have started (a retried Lambda).
   */
  async requestDeploy(request: DeployRequest): Promise<DeployRequestOutcome> {
    const owner = serviceKey(request.cluster, request.service);
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      const acquired = await this.transact([
        { Put: { TableName: this.tables.state, Item: lockItem(request), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: this.tables.state,
            Item: deploymentItem(request),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]);
      if (acquired === 'written') return 'acquired';
      const [lockReason, deploymentReason] = acquired;
      if (deploymentReason?.Code === 'ConditionalCheckFailed') {
        const existing = deploymentReason.Item ? unmarshall(deploymentReason.Item) : undefined;
        return existing?.['status'] === 'STARTING' ? 'restart' : 'duplicate';
      }
      if (lockReason?.Code !== 'ConditionalCheckFailed') continue;
      const queued = await this.transact([
        {
          ConditionCheck: {
            TableName: this.tables.state,
            Key: { pk: owner, sk: LOCK_SK },
            ConditionExpression: 'attribute_exists(pk) AND deploymentId <> :id',
            ExpressionAttributeValues: { ':id': request.deploymentId },
          },
        },
        {
          Put: {
            TableName: this.tables.state,
            Item: { pk: owner, sk: QUEUED_SK, kind: 'deploy-queued', ...request },
            ConditionExpression: 'attribute_not_exists(pk) OR (deploymentId <> :id AND (pushedAt < :pushedAt OR (pushedAt = :pushedAt AND requestedAt < :requestedAt)))',
            ExpressionAttributeValues: { ':id': request.deploymentId, ':pushedAt': request.pushedAt, ':requestedAt': request.requestedAt },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]);
      if (queued === 'written') return 'queued';
      const [lockCheck, slot] = queued;
      if (lockCheck?.Code === 'ConditionalCheckFailed') {
        // Released meanwhile (try to take it), or this very request holds it (a redelivery).
        const lock = lockCheck.Item ? unmarshall(lockCheck.Item) : undefined;
        if (lock?.['deploymentId'] === request.deploymentId) return 'duplicate';
        continue;
      }
      if (slot?.Code === 'ConditionalCheckFailed') {
        const current = slot.Item ? unmarshall(slot.Item) : undefined;
        return current?.['deploymentId'] === request.deploymentId ? 'duplicate' : 'superseded';
      }
    }
    throw new StateStoreError(`Could not queue deployment ${request.deploymentId} after ${MAX_ROUNDS} rounds of contention`);
  }

  /**
   * Releases the lock after a deployment ended and hands it straight to the queued request, if any, which the caller
   * then starts. A request queued at the same moment is never stranded: the release checks the slot is empty.
   */
  async releaseLock(cluster: string, service: string, deploymentId: string): Promise<DeployRequest | undefined> {
    const owner = serviceKey(cluster, service);
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      const next = await this.get(owner, QUEUED_SK);
      const heldByMe = { ConditionExpression: 'deploymentId = :me', ExpressionAttributeValues: { ':me': deploymentId } };
      if (!next) {
        const released = await this.transact([
          { Delete: { TableName: this.tables.state, Key: { pk: owner, sk: LOCK_SK }, ...heldByMe } },
          { ConditionCheck: { TableName: this.tables.state, Key: { pk: owner, sk: QUEUED_SK }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ]);
        if (released === 'written' || released[0]?.Code === 'ConditionalCheckFailed') return undefined;
        continue;
      }
      const request = toRequest(next);
      const handedOver = await this.transact([
        { Put: { TableName: this.tables.state, Item: lockItem(request), ...heldByMe } },
        {
          Delete: {
            TableName: this.tables.state,
            Key: { pk: owner, sk: QUEUED_SK },
            ConditionExpression: 'deploymentId = :next',
            ExpressionAttributeValues: { ':next': request.deploymentId },
          },
        },
        { Put: { TableName: this.tables.state, Item: deploymentItem(request), ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
      if (handedOver === 'written') return request;
      if (handedOver[0]?.Code === 'ConditionalCheckFailed') return undefined;
      if (handedOver[2]?.Code === 'ConditionalCheckFailed') await this.dropQueued(owner, request.deploymentId);
    }
    throw new StateStoreError(`Could not release the deploy lock of ${cluster}/${service} after ${MAX_ROUNDS} rounds of contention`);
  }

  /** Merges fields into the deployment item (status, revisions, execution ARN, operator requests …). */
  async updateDeployment(cluster: string, service: string, deploymentId: string, fields: Record<string, unknown>, options: { onlyWhileRunning?: boolean } = {}): Promise<void> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = Object.fromEntries(entries.map(([key], index) => [`#f${index}`, key]));
    const values: Record<string, unknown> = Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value]));
    let condition = 'attribute_exists(pk)';
    if (options.onlyWhileRunning) {
      condition += ' AND #status IN (:starting, :inProgress)';
      Object.assign(names, { '#status': 'status' });
      Object.assign(values, { ':starting': 'STARTING', ':inProgress': 'IN_PROGRESS' });
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tables.state,
          Key: { pk: serviceKey(cluster, service), sk: deploymentSk(deploymentId) },
          UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      throw new StateStoreError(`Could not update deployment ${deploymentId} of ${cluster}/${service}`, { cause: error });
    }
  }

  /**
   * Parks a waiting step's task token where everything that can end the wait finds it (docs/decisions/0009): on the
   * deployment (operator controls), under green's task set (`TASKSET#<id>` / `WAITER`, no task counted yet: see
   * StabilityWaiters) and under each rollback alarm (AlarmWaiters). Each replaces the previous wait's item; all of
   * them, only while the deployment runs.
   */
  async registerWait(wait: StepWait): Promise<void> {
    const registeredAt = wait.now.toISOString();
    // Kept a day past the wait's timeout; the next wait replaces them, the first event after the wait claims them.
    const expires = expiresAt(registeredAt, Math.ceil(wait.waitSeconds / 86_400) + 1);
    const token = { taskToken: wait.taskToken, deploymentId: wait.deploymentId, registeredAt, expiresAt: expires };
    await this.transactOrThrow([
      {
        Update: {
          TableName: this.tables.state,
          Key: { pk: serviceKey(wait.cluster, wait.service), sk: deploymentSk(wait.deploymentId) },
          UpdateExpression: 'SET #wait = :wait',
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status', '#wait': 'wait' },
          ExpressionAttributeValues: {
            ':wait': { taskToken: wait.taskToken, step: wait.step.name, kind: wait.step.kind, taskSetId: wait.taskSetId, registeredAt },
            ':inProgress': 'IN_PROGRESS',
          },
        },
      },
      {
        Put: {
          TableName: this.tables.state,
          // DynamoDB has no empty sets: ADD creates `runningTaskArns` with green's first running task.
          Item: { ...stabilityWaiterKey(wait.taskSetId), kind: 'stability-waiter', ...token, resumeWhenStable: wait.step.kind === 'stabilize', expectedTasks: wait.expectedTasks },
        },
      },
      ...wait.alarmNames.map((alarmName) => ({
        Put: { TableName: this.tables.state, Item: { ...alarmWaiterKey(alarmName, wait.cluster, wait.service), kind: 'alarm-waiter', ...token } },
      })),
    ]);
  }

  /** One step of the history; rewriting the same step (a retried Lambda) replaces it. */
  async recordStep(cluster: string, service: string, deploymentId: string, index: number, step: Record<string, unknown>): Promise<void> {
    const owner = serviceKey(cluster, service);
    await this.transactOrThrow([
      { Put: { TableName: this.tables.state, Item: { pk: owner, sk: stepSk(deploymentId, index), kind: 'deployment-step', deploymentId, cluster, service, index, ...step } } },
    ]);
  }

  /** Outcome and its announcement, both or neither; only the first outcome counts. */
  async finish(cluster: string, service: string, deploymentId: string, outcome: DeploymentOutcome, fields: Record<string, unknown>, notification: Notification): Promise<void> {
    const entries = Object.entries({ ...fields, status: outcome, gsi2pk: `DEPLOYMENT#${outcome}` }).filter(([, value]) => value !== undefined);
    const result = await this.transact([
      {
        Update: {
          TableName: this.tables.state,
          Key: { pk: serviceKey(cluster, service), sk: deploymentSk(deploymentId) },
          UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND NOT #status IN (:succeeded, :rolledBack, :failed)',
          ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([key], index) => [`#f${index}`, key])), '#status': 'status' },
          ExpressionAttributeValues: {
            ...Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
            ':succeeded': 'SUCCEEDED',
            ':rolledBack': 'ROLLED_BACK',
            ':failed': 'FAILED',
          },
        },
      },
      { Put: { TableName: this.tables.outbox, Item: notificationItem(notification) } },
    ]);
    if (result !== 'written' && result[0]?.Code !== 'ConditionalCheckFailed') {
      throw new StateStoreError(`Could not record the outcome of deployment ${deploymentId}: ${result.map((reason) => reason.Code).join(', ')}`);
    }
  }

  async getDeployment(cluster: string, service: string, deploymentId: string): Promise<StoredDeployment | undefined> {
    return (await this.get(serviceKey(cluster, service), deploymentSk(deploymentId))) as StoredDeployment | undefined;
  }

  async lockHolder(cluster: string, service: string): Promise<string | undefined> {
    const lock = await this.get(serviceKey(cluster, service), LOCK_SK);
    return lock?.['deploymentId'] as string | undefined;
  }

  async queued(cluster: string, service: string): Promise<DeployRequest | undefined> {
    const item = await this.get(serviceKey(cluster, service), QUEUED_SK);
    return item === undefined ? undefined : toRequest(item);
  }

  /** A service's deployments, newest first. */
  async history(cluster: string, service: string, limit = 20): Promise<StoredDeployment[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tables.state,
        IndexName: 'byOwner',
        KeyConditionExpression: 'gsi1pk = :owner AND begins_with(gsi1sk, :kind)',
        ExpressionAttributeValues: { ':owner': serviceKey(cluster, service), ':kind': 'DEPLOYMENT#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []) as StoredDeployment[];
  }

  async steps(cluster: string, service: string, deploymentId: string): Promise<Record<string, unknown>[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tables.state,
        KeyConditionExpression: 'pk = :owner AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':owner': serviceKey(cluster, service), ':prefix': `${deploymentSk(deploymentId)}#STEP#` },
        ConsistentRead: true,
      }),
    );
    return page.Items ?? [];
  }

  private async dropQueued(owner: string, deploymentId: string): Promise<void> {
    await this.transact([
      {
        Delete: {
          TableName: this.tables.state,
          Key: { pk: owner, sk: QUEUED_SK },
          ConditionExpression: 'deploymentId = :id',
          ExpressionAttributeValues: { ':id': deploymentId },
        },
      },
    ]);
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.tables.state, Key: { pk, sk }, ConsistentRead: true }))).Item;
  }

  private async transactOrThrow(items: TransactItems): Promise<void> {
    const result = await this.transact(items);
    if (result !== 'written') throw new StateStoreError(`Transaction refused: ${result.map((reason) => reason.Code).join(', ')}`);
  }

  /** 'written', or the cancellation reason of each item (conflicts included: callers re-read and try again). */
  private async transact(items: TransactItems): Promise<'written' | CancellationReason[]> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return error.CancellationReasons ?? [];
      throw new StateStoreError(`Transaction on ${items.length} deployment items failed`, { cause: error });
    }
  }
}

/** A step's wait to register (DeploymentStore.registerWait). */
export interface StepWait {
  cluster: string;
  service: string;
  deploymentId: string;
  step: Pick<DeployStep, 'kind' | 'name'>;
  /** Green's task set id: its tasks' `startedBy`. */
  taskSetId: string;
  taskToken: string;
  expectedTasks: number;
  alarmNames: string[];
  /** How long the machine waits at most; the items outlive it by a day. */
  waitSeconds: number;
  now: Date;
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

function lockItem(request: DeployRequest): Record<string, unknown> {
  return { pk: serviceKey(request.cluster, request.service), sk: LOCK_SK, kind: 'deploy-lock', deploymentId: request.deploymentId, acquiredAt: new Date().toISOString() };
}

function deploymentItem(request: DeployRequest): Record<string, unknown> {
  const owner = serviceKey(request.cluster, request.service);
  return {
    pk: owner,
    sk: deploymentSk(request.deploymentId),
    kind: 'deployment',
    ...request,
    status: 'STARTING',
    gsi1pk: owner,
    gsi1sk: `DEPLOYMENT#${request.requestedAt}`,
    gsi2pk: 'DEPLOYMENT#STARTING',
    gsi2sk: request.requestedAt,
  };
}

function toRequest(item: Record<string, unknown>): DeployRequest {
  const { pk: _pk, sk: _sk, kind: _kind, ...request } = item;
  return request as unknown as DeployRequest;
}
