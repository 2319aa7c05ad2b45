import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import type { Notification } from '../../kernel/notifications.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';
import { expiresAt, notificationItem } from '../../kernel/store/state-items.ts';
import { effectivelySuspended } from '../domain/scheduler-schedule.ts';
import { ScheduleItems } from './schedule-items.ts';
import { scheduleRunKey, type Schedule, type ScheduleRun } from '../domain/schedule.ts';
import type { ActiveRun } from '../domain/scheduled-run.ts';

/** Another run took the schedule's overlap lock between the read and the write: the step runs again (Step Functions retries). */
export class ScheduleRunConflictError extends Error {
  override readonly name = 'ScheduleRunConflictError';
}

/** A run record as stored: the shared shape plus who writes it (the execution) and where it runs. */
export type StoredRun = ScheduleRun & { executionArn: string; cluster?: string; stopRequestedAt?: string; stopReason?: string; timedOut?: boolean };

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const schedulePartition = (name: string) => `SCHEDULE#${name}`;
const LOCK_SK = 'ACTIVE';
const RUN_SK_PREFIX = 'RUN#';
const waiterKey = (taskArn: string) => ({ pk: `SCHEDULE-TASK#${taskArn}`, sk: 'WAITER' });
/** Waiters left behind (a run that ended another way) expire a day after the wait. */
const WAITER_RETENTION_DAYS = 1;
const ACTIVE_OUTCOMES = { ':starting': 'STARTING', ':running': 'RUNNING' };
export const SCHEDULE_TASK_WAITER_KIND = 'schedule-task-waiter';

/**
 * Schedules' run records, overlap locks and task waiters in the state table (docs/decisions/0018):
 * - run `SCHEDULE#<name>` / `RUN#<scheduledTime>#<attempt>` (scheduleRunKey), written only by the execution that
 *   claimed it (its ARN is on the record) while it is STARTING or RUNNING — so a redelivered fire, a late Lambda retry
 *   or a stopped execution's reconciliation never overwrites an ended attempt;
 * - lock `SCHEDULE#<name>` / `ACTIVE` (Forbid, Replace): the run holding it, taken in the same transaction as the
 *   attempt's record;
 * - waiter `SCHEDULE-TASK#<taskArn>` / `WAITER`: the task token of the run waiting for that task to stop.
 */
export class RunStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tables: TableNames;
  private readonly schedules: ScheduleItems;

  constructor(client: DynamoDBDocumentClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
    this.schedules = new ScheduleItems(client, tables.state);
  }

  /** The schedule as `apply` stored it (schedule-items.ts), `suspended` as in effect (an operator's override wins), or undefined. */
  async getSchedule(name: string): Promise<Schedule | undefined> {
    const stored = await this.schedules.get(name);
    return stored && { ...stored.schedule, suspended: effectivelySuspended(stored.schedule, stored.override) };
  }

  async getRun(name: string, scheduledTime: string, attempt: number): Promise<StoredRun | undefined> {
    return (await this.get(scheduleRunKey(name, scheduledTime, attempt))) as StoredRun | undefined;
  }

  async activeRun(name: string): Promise<ActiveRun | undefined> {
    return (await this.get({ pk: schedulePartition(name), sk: LOCK_SK })) as ActiveRun | undefined;
  }

  /** The attempt a lock names (its sort key), if still recorded. */
  async runAt(name: string, runSk: string): Promise<StoredRun | undefined> {
    return (await this.get({ pk: schedulePartition(name), sk: runSk })) as StoredRun | undefined;
  }

  /**
   * Claims an attempt: its record (only if new) and, for Forbid/Replace, the schedule's lock (free, ours, or held by
   * `takeOverFrom`). 'exists': the attempt was already claimed (read it to see by whom); 'lock-held': another run
   * holds the lock (it replaced this one, or a concurrent fire took it first).
   */
  async claimAttempt(run: StoredRun, lock: { takeOverFrom?: string } | undefined): Promise<'claimed' | 'exists' | 'lock-held'> {
    const items: TransactItem[] = [{ Put: { TableName: this.tables.state, Item: runItem(run), ConditionExpression: 'attribute_not_exists(pk)' } }];
    if (lock) items.push(this.lockPut(run, lock.takeOverFrom));
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'claimed';
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'exists';
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'lock-held';
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
        throw new ScheduleRunConflictError(`Another run of ${run.schedule} took its overlap lock while ${run.runId} started`, { cause: error });
      }
      throw new StateStoreError(`Could not record run ${run.runId} attempt ${run.attempt}`, { cause: error });
    }
  }

  /**
   * Writes an attempt's new state (and its announcement, and the lock's task when it holds the lock), only while the
   * attempt is still active and ours: 'ended' if it already ended (a retry of this step, a replacement, a reconciler).
   */
  async update(run: StoredRun, options: { notification?: Notification; lockTask?: boolean; anyExecution?: boolean } = {}): Promise<'written' | 'ended'> {
    const guard = options.anyExecution ? 'outcome IN (:starting, :running)' : 'executionArn = :execution AND outcome IN (:starting, :running)';
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tables.state,
          Item: runItem(run),
          ConditionExpression: guard,
          ExpressionAttributeValues: { ...ACTIVE_OUTCOMES, ...(options.anyExecution ? {} : { ':execution': run.executionArn }) },
        },
      },
    ];
    if (options.notification) items.push({ Put: { TableName: this.tables.outbox, Item: notificationItem(options.notification) } });
    if (options.lockTask && run.taskArn) {
      items.push({
        Update: {
          TableName: this.tables.state,
          Key: { pk: schedulePartition(run.schedule), sk: LOCK_SK },
          UpdateExpression: 'SET taskArn = :task, runSk = :sk',
          ConditionExpression: 'runId = :run',
          ExpressionAttributeValues: { ':task': run.taskArn, ':sk': scheduleRunKey(run.schedule, run.scheduledTime, run.attempt).sk, ':run': run.runId },
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'ended';
      // The lock moved on (replaced): the record was not written either; the next check sees the replacement.
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'ended';
      throw new StateStoreError(`Could not record run ${run.runId} attempt ${run.attempt}`, { cause: error });
    }
  }

  /** An ended fire that never claimed an attempt (skipped, missed on arrival): recorded once, announced once. */
  async recordEnded(run: StoredRun, notification: Notification | undefined): Promise<'written' | 'exists'> {
    if ((await this.claimAttempt(run, undefined)) !== 'claimed') return 'exists';
    if (notification) await this.putNotification(notification);
    return 'written';
  }

  /** Releases the schedule's lock if `runId` still holds it. */
  async releaseLock(name: string, runId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({ TableName: this.tables.state, Key: { pk: schedulePartition(name), sk: LOCK_SK }, ConditionExpression: 'runId = :run', ExpressionAttributeValues: { ':run': runId } }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw new StateStoreError(`Could not release the overlap lock of ${name}`, { cause: error });
    }
  }

  /**
   * The task token that the task's stop event (or the run's own look) resumes; `wakeAt` is when the wait's own timeout
   * ends it (the local runtime wakes waits on its clock from it: local/scheduled-run-waits.ts).
   */
  async registerWaiter(taskArn: string, taskToken: string, run: { schedule: string; runId: string; at: string; wakeAt: string }): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tables.state,
          Key: waiterKey(taskArn),
          UpdateExpression: 'SET taskToken = :token, schedule = :schedule, runId = :run, registeredAt = :at, wakeAt = :wake, expiresAt = :expires, kind = :kind',
          ExpressionAttributeValues: {
            ':token': taskToken,
            ':schedule': run.schedule,
            ':run': run.runId,
            ':at': run.at,
            ':wake': run.wakeAt,
            ':expires': expiresAt(run.at, WAITER_RETENTION_DAYS),
            ':kind': SCHEDULE_TASK_WAITER_KIND,
          },
        }),
      );
    } catch (error) {
      throw new StateStoreError(`Could not register the wait for ${taskArn}`, { cause: error });
    }
  }

  /** Takes the waiter of a task (deleted conditionally on its token, so a redelivered stop event resumes once). */
  async claimWaiter(taskArn: string): Promise<string | undefined> {
    const waiter = await this.get(waiterKey(taskArn));
    const taskToken = waiter?.['taskToken'];
    if (typeof taskToken !== 'string') return undefined;
    try {
      await this.client.send(new DeleteCommand({ TableName: this.tables.state, Key: waiterKey(taskArn), ConditionExpression: 'taskToken = :token', ExpressionAttributeValues: { ':token': taskToken } }));
      return taskToken;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new StateStoreError(`Could not claim the wait for ${taskArn}`, { cause: error });
    }
  }

  /** Every run record of a schedule, oldest first (optionally of one fire: `RUN#<scheduledTime>#`). */
  async runs(name: string, scheduledTime?: string): Promise<StoredRun[]> {
    const runs: StoredRun[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tables.state,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': schedulePartition(name), ':prefix': scheduledTime ? `${RUN_SK_PREFIX}${scheduledTime}#` : RUN_SK_PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        runs.push(...((page.Items ?? []) as StoredRun[]));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    } catch (error) {
      throw new StateStoreError(`Could not read the runs of ${name}`, { cause: error });
    }
    return runs;
  }

  /** Deletes ended run records (history limits); a record that changed meanwhile is one the limits will see next time. */
  async deleteRuns(runs: ScheduleRun[]): Promise<void> {
    try {
      for (const run of runs) {
        await this.client.send(new DeleteCommand({ TableName: this.tables.state, Key: scheduleRunKey(run.schedule, run.scheduledTime, run.attempt) }));
      }
    } catch (error) {
      throw new StateStoreError(`Could not delete old runs`, { cause: error });
    }
  }

  private async putNotification(notification: Notification): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: this.tables.outbox, Item: notificationItem(notification) } }] }));
    } catch (error) {
      throw new StateStoreError(`Could not queue announcement ${notification.id}`, { cause: error });
    }
  }

  private lockPut(run: StoredRun, takeOverFrom: string | undefined): TransactItem {
    const holder: ActiveRun & Record<string, unknown> = {
      pk: schedulePartition(run.schedule),
      sk: LOCK_SK,
      kind: 'schedule-lock',
      runId: run.runId,
      executionArn: run.executionArn,
      runSk: scheduleRunKey(run.schedule, run.scheduledTime, run.attempt).sk,
      ...(run.cluster ? { cluster: run.cluster } : {}),
    };
    return {
      Put: {
        TableName: this.tables.state,
        Item: holder,
        ConditionExpression: takeOverFrom ? 'attribute_not_exists(pk) OR runId IN (:me, :from)' : 'attribute_not_exists(pk) OR runId = :me',
        ExpressionAttributeValues: { ':me': run.runId, ...(takeOverFrom ? { ':from': takeOverFrom } : {}) },
      },
    };
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.client.send(new GetCommand({ TableName: this.tables.state, Key: key, ConsistentRead: true }))).Item;
    } catch (error) {
      throw new StateStoreError(`Could not read ${key.pk} ${key.sk}`, { cause: error });
    }
  }
}

function runItem(run: StoredRun): Record<string, unknown> {
  return { ...scheduleRunKey(run.schedule, run.scheduledTime, run.attempt), kind: 'schedule-run', ...run };
}
