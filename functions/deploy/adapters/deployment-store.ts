import { TransactionCanceledException, type AttributeValue, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import { DEPLOYMENT_OUTCOMES, deployOrderKey, deployRequestOf, type DeploymentOutcome, type DeployRequest } from '../domain/deployment.ts';
import { deploySupersededNotification } from '../domain/deploy-announcements.ts';
import type { Notification } from '../../kernel/notifications.ts';
import { expiresAt, notificationItem, serviceKey } from '../../kernel/store/state-items.ts';
import { queryIndexItems } from '../../kernel/store/index-query.ts';
import type { DeployStep } from '../domain/deploy-plan.ts';
import { alarmWaiterKey } from './alarm-waiters.ts';
import { stabilityWaiterKey } from './stability-waiters.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';

/**
 * Deployments, their steps, and the per-service lock and queue slot (docs/decisions/0002, 0007):
 *   SERVICE#<c>#<s> / LOCK                         the deployment running now (at most one per service)
 *   SERVICE#<c>#<s> / QUEUED                       the next one; a newer request replaces an older one
 *   SERVICE#<c>#<s> / NEWEST                       the order key of the newest deployment ever started: older requests
 *                                                  never deploy, whatever order their events arrive in
 *   SERVICE#<c>#<s> / DEPLOYMENT#<id>              the deployment (gsi1: DEPLOYMENT#<requestedAt>, gsi2: DEPLOYMENT#<status>)
 *   SERVICE#<c>#<s> / DEPLOYMENT#<id>#STEP#<nn>    one step, in order
 * Every transition is a conditional write, so duplicate events and racing Lambdas cannot start two deploys.
 */

export type DeployRequestOutcome = 'acquired' | 'restart' | 'queued' | 'duplicate' | 'superseded';

export type StoredDeployment = Record<string, unknown> & { deploymentId: string; status: string };

const LOCK_SK = 'LOCK';
const QUEUED_SK = 'QUEUED';
const NEWEST_SK = 'NEWEST';
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
   * `superseded`: a newer request runs, waits or already ran (deployRequestIsNewer), so this one never deploys. A
   * queued request replaced by a newer one, and a request superseded on arrival, are announced (`deploy-superseded`).
   */
  async requestDeploy(request: DeployRequest): Promise<DeployRequestOutcome> {
    const owner = serviceKey(request.cluster, request.service);
    const orderKey = deployOrderKey(request);
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
        this.advanceNewest(request),
      ]);
      if (acquired === 'written') return 'acquired';
      const [lockReason, deploymentReason, newestReason] = acquired;
      if (deploymentReason?.Code === 'ConditionalCheckFailed') {
        const existing = deploymentReason.Item ? unmarshall(deploymentReason.Item) : undefined;
        return existing?.['status'] === 'STARTING' ? 'restart' : 'duplicate';
      }
      if (newestReason?.Code === 'ConditionalCheckFailed') return this.supersededOnArrival(request, newestReason.Item);
      if (lockReason?.Code !== 'ConditionalCheckFailed') continue;
      // The request this one would replace in the slot is announced in the same transaction that replaces it.
      const slot = await this.get(owner, QUEUED_SK);
      const replaced = slot && slot['deploymentId'] !== request.deploymentId && String(slot['orderKey']) < orderKey ? deployRequestOf(slot) : undefined;
      const queued = await this.transact([
        {
          ConditionCheck: {
            TableName: this.tables.state,
            Key: { pk: owner, sk: LOCK_SK },
            ConditionExpression: 'attribute_exists(pk) AND deploymentId <> :id AND orderKey < :orderKey',
            ExpressionAttributeValues: { ':id': request.deploymentId, ':orderKey': orderKey },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: this.tables.state,
            Item: { pk: owner, sk: QUEUED_SK, kind: 'deploy-queued', ...request, orderKey },
            ...(replaced
              ? { ConditionExpression: 'deploymentId = :replaced', ExpressionAttributeValues: { ':replaced': replaced.deploymentId } }
              : {
                  ConditionExpression: 'attribute_not_exists(pk) OR (deploymentId <> :id AND orderKey < :orderKey)',
                  ExpressionAttributeValues: { ':id': request.deploymentId, ':orderKey': orderKey },
                }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...(replaced
          ? [{ Put: { TableName: this.tables.outbox, Item: notificationItem(deploySupersededNotification(replaced, { deploymentId: request.deploymentId, where: 'queue' }, new Date().toISOString())) } }]
          : []),
      ]);
      if (queued === 'written') return 'queued';
      const [lockCheck, slotCheck] = queued;
      if (lockCheck?.Code === 'ConditionalCheckFailed') {
        // Released meanwhile (try to take it), this very request holds it (a redelivery), or a newer one runs.
        const lock = lockCheck.Item ? unmarshall(lockCheck.Item) : undefined;
        if (!lock) continue;
        return lock['deploymentId'] === request.deploymentId ? 'duplicate' : this.supersededOnArrival(request, lockCheck.Item);
      }
      if (slotCheck?.Code === 'ConditionalCheckFailed') {
        const current = slotCheck.Item ? unmarshall(slotCheck.Item) : undefined;
        if (current?.['deploymentId'] === request.deploymentId) return 'duplicate';
        // Emptied (handed over) or taken by another older request since it was read: look again.
        if (current === undefined || String(current['orderKey']) < orderKey) continue;
        return this.supersededOnArrival(request, slotCheck.Item);
      }
    }
    throw new StateStoreError(`Could not queue deployment ${request.deploymentId} after ${MAX_ROUNDS} rounds of contention`);
  }

  /**
   * Releases the lock after a deployment ended and hands it straight to the queued request, if any, which the caller
   * then starts. A request queued at the same moment is never stranded: the release checks the slot is empty. Asked
   * again after a hand-over whose start failed (a retry), it returns the same request while that one is still
   * STARTING, so the caller starts it again (the execution name makes a second start a no-op).
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
        if (released === 'written') return undefined;
        if (released[0]?.Code === 'ConditionalCheckFailed') return this.handedOverBy(owner, deploymentId);
        continue;
      }
      const request = deployRequestOf(next);
      const handedOver = await this.transact([
        { Put: { TableName: this.tables.state, Item: lockItem(request, deploymentId), ...heldByMe } },
        {
          Delete: {
            TableName: this.tables.state,
            Key: { pk: owner, sk: QUEUED_SK },
            ConditionExpression: 'deploymentId = :next',
            ExpressionAttributeValues: { ':next': request.deploymentId },
          },
        },
        { Put: { TableName: this.tables.state, Item: deploymentItem(request), ConditionExpression: 'attribute_not_exists(pk)' } },
        this.advanceNewest(request),
      ]);
      if (handedOver === 'written') return request;
      if (handedOver[0]?.Code === 'ConditionalCheckFailed') return this.handedOverBy(owner, deploymentId);
      // Already deployed once, or older than a deployment that started meanwhile: it never deploys.
      if (handedOver[2]?.Code === 'ConditionalCheckFailed' || handedOver[3]?.Code === 'ConditionalCheckFailed') await this.dropQueued(owner, request.deploymentId);
    }
    throw new StateStoreError(`Could not release the deploy lock of ${cluster}/${service} after ${MAX_ROUNDS} rounds of contention`);
  }

  /**
   * Merges fields into the deployment item (status, revisions, execution ARN, operator requests …). `onlyWhileRunning`:
   * refused once it ended; `unlessEquals`: refused when that field has that value already (the first approval of a step
   * is the one recorded); `announce`: with its announcement, put once (see writeAnnounced).
   */
  async updateDeployment(
    cluster: string,
    service: string,
    deploymentId: string,
    fields: Record<string, unknown>,
    options: { onlyWhileRunning?: boolean; unlessEquals?: { field: string; value: unknown }; announce?: Notification } = {},
  ): Promise<void> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = Object.fromEntries(entries.map(([key], index) => [`#f${index}`, key]));
    const values: Record<string, unknown> = Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value]));
    let condition = 'attribute_exists(pk)';
    if (options.onlyWhileRunning) {
      condition += ' AND #status IN (:starting, :inProgress)';
      Object.assign(names, { '#status': 'status' });
      Object.assign(values, { ':starting': 'STARTING', ':inProgress': 'IN_PROGRESS' });
    }
    if (options.unlessEquals) {
      condition += ' AND (attribute_not_exists(#unless) OR #unless <> :unless)';
      Object.assign(names, { '#unless': options.unlessEquals.field });
      Object.assign(values, { ':unless': options.unlessEquals.value });
    }
    const update = {
      TableName: this.tables.state,
      Key: { pk: serviceKey(cluster, service), sk: deploymentSk(deploymentId) },
      UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    if (options.announce) return this.writeAnnounced([{ Update: update }], options.announce);
    try {
      await this.client.send(new UpdateCommand(update));
    } catch (error) {
      throw new StateStoreError(`Could not update deployment ${deploymentId} of ${cluster}/${service}`, { cause: error });
    }
  }

  /**
   * Parks a waiting step's task token where everything that can end the wait finds it (docs/decisions/0013): on the
   * deployment (operator controls), under green's task set (`TASKSET#<id>` / `WAITER`, no task counted yet: see
   * StabilityWaiters) and under each rollback alarm (AlarmWaiters). Each replaces the previous wait's item; all of
   * them, only while the deployment runs, with the wait's announcement if it has one (the approval gate's).
   */
  async registerWait(wait: StepWait): Promise<void> {
    const registeredAt = wait.now.toISOString();
    // Kept a day past the wait's timeout; the next wait replaces them, the first event after the wait claims them.
    const expires = expiresAt(registeredAt, Math.ceil(wait.waitSeconds / 86_400) + 1);
    const token = { taskToken: wait.taskToken, deploymentId: wait.deploymentId, registeredAt, expiresAt: expires };
    const items: TransactItems = [
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
    ];
    await (wait.announce ? this.writeAnnounced(items, wait.announce) : this.transactOrThrow(items));
  }

  /** One step of the history, with its announcement if any; rewriting the same step (a retried Lambda) replaces it. */
  async recordStep(cluster: string, service: string, deploymentId: string, index: number, step: Record<string, unknown>, announce?: Notification): Promise<void> {
    const owner = serviceKey(cluster, service);
    const items: TransactItems = [
      { Put: { TableName: this.tables.state, Item: { pk: owner, sk: stepSk(deploymentId, index), kind: 'deployment-step', deploymentId, cluster, service, index, ...step } } },
    ];
    await (announce ? this.writeAnnounced(items, announce) : this.transactOrThrow(items));
  }

  /** Outcome and its announcement, both or neither; only the first outcome counts. */
  async finish(cluster: string, service: string, deploymentId: string, outcome: DeploymentOutcome, fields: Record<string, unknown>, notification: Notification): Promise<void> {
    const entries = Object.entries({ ...fields, status: outcome, gsi2pk: `DEPLOYMENT#${outcome}` }).filter(([, value]) => value !== undefined);
    const ended = Object.fromEntries(DEPLOYMENT_OUTCOMES.map((status, index) => [`:ended${index}`, status]));
    const result = await this.transact([
      {
        Update: {
          TableName: this.tables.state,
          Key: { pk: serviceKey(cluster, service), sk: deploymentSk(deploymentId) },
          UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND NOT #status IN (${Object.keys(ended).join(', ')})`,
          ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([key], index) => [`#f${index}`, key])), '#status': 'status' },
          ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])), ...ended },
        },
      },
      { Put: { TableName: this.tables.outbox, Item: notificationItem(notification) } },
    ]);
    if (result !== 'written' && result[0]?.Code !== 'ConditionalCheckFailed') {
      throw new StateStoreError(`Could not record the outcome of deployment ${deploymentId}: ${result.map((reason) => reason.Code).join(', ')}`);
    }
  }

  /** A green task set that could not be removed after the deployment ended: recorded and announced once. */
  async reportLeftBehind(cluster: string, service: string, deploymentId: string, leftBehind: Record<string, unknown>, notification: Notification): Promise<void> {
    const result = await this.transact([
      {
        Update: {
          TableName: this.tables.state,
          Key: { pk: serviceKey(cluster, service), sk: deploymentSk(deploymentId) },
          UpdateExpression: 'SET leftBehind = :leftBehind',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(leftBehind)',
          ExpressionAttributeValues: { ':leftBehind': leftBehind },
        },
      },
      { Put: { TableName: this.tables.outbox, Item: notificationItem(notification) } },
    ]);
    if (result !== 'written' && result[0]?.Code !== 'ConditionalCheckFailed') {
      throw new StateStoreError(`Could not report what deployment ${deploymentId} left behind: ${result.map((reason) => reason.Code).join(', ')}`);
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
    return item === undefined ? undefined : deployRequestOf(item);
  }

  /** A service's deployments, newest first. */
  async history(cluster: string, service: string, limit = 20): Promise<StoredDeployment[]> {
    const query = { index: 'byOwner', partition: serviceKey(cluster, service), sortKeyPrefix: 'DEPLOYMENT#', newestFirst: true, limit } as const;
    return (await queryIndexItems(this.client, this.tables.state, query)) as StoredDeployment[];
  }

  /**
   * The deployments that can have history at or after `since`: those requested since, and the two requested just
   * before (one deploys at a time and at most one waits behind it, so no older one was still going on at `since`).
   */
  async historySince(cluster: string, service: string, since: string): Promise<StoredDeployment[]> {
    const query = { index: 'byOwner', partition: serviceKey(cluster, service), sortKeyPrefix: 'DEPLOYMENT#', newestFirst: true } as const;
    const [requestedSince, before] = await Promise.all([
      queryIndexItems(this.client, this.tables.state, { ...query, between: { from: since } }),
      queryIndexItems(this.client, this.tables.state, { ...query, between: { to: since }, limit: 3 }),
    ]);
    // A deployment requested exactly at `since` is in both answers.
    const byId = new Map([...requestedSince, ...before].map((deployment) => [String(deployment['deploymentId']), deployment as StoredDeployment]));
    return [...byId.values()].slice(0, requestedSince.length + 2);
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

  /** Moves the newest-started mark forward, or refuses a request older than a deployment that started already. */
  private advanceNewest(request: DeployRequest): TransactItems[number] {
    return {
      Update: {
        TableName: this.tables.state,
        Key: { pk: serviceKey(request.cluster, request.service), sk: NEWEST_SK },
        UpdateExpression: 'SET kind = :kind, orderKey = :orderKey, deploymentId = :id',
        ConditionExpression: 'attribute_not_exists(orderKey) OR orderKey < :orderKey',
        ExpressionAttributeValues: { ':kind': 'deploy-newest', ':orderKey': deployOrderKey(request), ':id': request.deploymentId },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /**
   * A request older than the deployment (`newer`: the lock, slot or newest-started item that refused it) never deploys,
   * and says so once: a redelivery of the same push finds its announcement already in the outbox.
   */
  private async supersededOnArrival(request: DeployRequest, newer: Record<string, AttributeValue> | undefined): Promise<'superseded'> {
    const by = newer ? String(unmarshall(newer)['deploymentId']) : 'unknown';
    const notification = deploySupersededNotification(request, { deploymentId: by, where: 'late' }, new Date().toISOString());
    await this.writeAnnounced([], notification);
    return 'superseded';
  }

  /**
   * The items and their announcement in one transaction. The announcement is put only if the outbox lacks it: a retried
   * step whose first try got as far as the outbox writes its items again, and its announcement stays the one written
   * first (the stream carries one INSERT for it).
   */
  private async writeAnnounced(items: TransactItems, notification: Notification): Promise<void> {
    const announcement = { Put: { TableName: this.tables.outbox, Item: notificationItem(notification), ConditionExpression: 'attribute_not_exists(pk)' } };
    const result = await this.transact([...items, announcement]);
    if (result === 'written') return;
    const announcedBefore = result.at(-1)?.Code === 'ConditionalCheckFailed' && result.slice(0, -1).every((reason) => !reason.Code || reason.Code === 'None');
    if (!announcedBefore) throw new StateStoreError(`Transaction refused (announcing ${notification.id}): ${result.map((reason) => reason.Code).join(', ')}`);
    if (items.length > 0) await this.transactOrThrow(items);
  }

  /** The request this deployment handed its lock to, while that one has not started yet (see releaseLock). */
  private async handedOverBy(owner: string, deploymentId: string): Promise<DeployRequest | undefined> {
    const lock = await this.get(owner, LOCK_SK);
    if (lock?.['handedOverBy'] !== deploymentId) return undefined;
    const next = await this.get(owner, deploymentSk(String(lock['deploymentId'])));
    return next?.['status'] === 'STARTING' ? deployRequestOf(next) : undefined;
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
  /** The wait's announcement (the approval gate's), put once with it. */
  announce?: Notification;
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

function lockItem(request: DeployRequest, handedOverBy?: string): Record<string, unknown> {
  return {
    pk: serviceKey(request.cluster, request.service),
    sk: LOCK_SK,
    kind: 'deploy-lock',
    deploymentId: request.deploymentId,
    orderKey: deployOrderKey(request),
    acquiredAt: new Date().toISOString(),
    ...(handedOverBy ? { handedOverBy } : {}),
  };
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
