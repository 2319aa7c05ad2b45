import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, type SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mayEndStabilityWait, stabilityAfterTaskEvent, type StabilityWaiter } from '../domain/deployment-health.ts';
import type { TaskState } from '../domain/task-state.ts';
import { stabilityWaiterKey } from './state-items.ts';

/** What a task event did to a deploy's wait for green: nothing (no waiter), counted (not yet stable), or resumed it. */
export type StabilityResume = 'none' | 'waiting' | 'resumed' | 'already-moved-on';

/**
 * The event-driven half of the deploy's wait for a stable green (docs/decisions/0007): the deploy machine's
 * `awaitGreenStable` step registers a `TASKSET#<id>` / `WAITER` item with its task token (DeploymentStore); green's task
 * events, once stored, count running tasks on it and resume the machine when green is stable or a task failed.
 * The waiter item is deleted (conditionally) before resuming, so duplicate and reordered events resume at most once.
 */
export class StabilityWaiters {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly sfn: SFNClient;

  constructor(client: DynamoDBDocumentClient, stateTable: string, sfn: SFNClient) {
    this.client = client;
    this.table = stateTable;
    this.sfn = sfn;
  }

  /** Call after the task's state was stored (an applied event). One GetItem for task-set events that matter, none otherwise. */
  async taskChanged(task: TaskState): Promise<StabilityResume> {
    if (task.startedBy === undefined || !mayEndStabilityWait(task)) return 'none';
    const key = stabilityWaiterKey(task.startedBy);
    let stored = (await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))).Item;
    if (!stored) return 'none';
    const taskToken = String(stored['taskToken']);
    const ifSameWait = { ConditionExpression: 'taskToken = :token', ExpressionAttributeValues: { ':token': taskToken } };
    if (task.lastStatus === 'RUNNING' && !waiterOf(stored).runningTaskArns.includes(task.taskArn)) {
      stored = await this.conditionally(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: 'ADD runningTaskArns :task',
            ...ifSameWait,
            ExpressionAttributeValues: { ...ifSameWait.ExpressionAttributeValues, ':task': new Set([task.taskArn]) },
            ReturnValues: 'ALL_NEW',
          }),
        ).then((updated) => updated.Attributes),
      );
      // Resumed or replaced by a newer wait meanwhile: that one counted green's tasks itself.
      if (!stored) return 'none';
    }
    const decision = stabilityAfterTaskEvent(waiterOf(stored), task);
    if (decision.resume === 'no') return 'waiting';
    const claimed = await this.conditionally(() => this.client.send(new DeleteCommand({ TableName: this.table, Key: key, ...ifSameWait })).then(() => true));
    if (!claimed) return 'none';
    try {
      if (decision.resume === 'success') await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ resumedBy: task.taskArn }) }));
      else await this.sfn.send(new SendTaskFailureCommand({ taskToken, error: decision.error.name, cause: decision.error.message }));
      return 'resumed';
    } catch (error) {
      // The wait timed out and the machine went on polling, or it ended (moto answers InvalidToken for a finished execution).
      if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) return 'already-moved-on';
      throw error;
    }
  }

  /** The call's result, or undefined when its condition failed. */
  private async conditionally<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

function waiterOf(item: Record<string, unknown>): StabilityWaiter {
  const running = item['runningTaskArns'];
  return { expectedTasks: Number(item['expectedTasks']), runningTaskArns: running instanceof Set ? [...(running as Set<string>)] : [] };
}
