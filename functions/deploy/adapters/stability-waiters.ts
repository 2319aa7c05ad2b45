import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mayEndStabilityWait, stabilityWaitOutcome, type GreenTask, type StabilityWaiter } from '../domain/deployment-health.ts';
import type { TaskState } from '../../ingestion/index.ts';
import type { ResumeResult, TaskTokens } from './task-tokens.ts';

/** A deploy's waiter for green's task events, keyed by the task set id that its tasks carry as `startedBy` (docs/decisions/0007, 0013). */
export function stabilityWaiterKey(taskSetId: string): { pk: string; sk: string } {
  return { pk: `TASKSET#${taskSetId}`, sk: 'WAITER' };
}

/**
 * What seeing green's tasks did to a deploy's wait: nothing (no waiter), counted (not yet stable), or the result of
 * resuming it (see ResumeResult; on `resume-failed` the wait's timeout takes over).
 */
export type StabilityResume = 'none' | 'waiting' | ResumeResult;

/**
 * The task-event half of a deploy's waits (docs/decisions/0007, 0013). While the machine waits (for green to come up,
 * during a bake or at the approval gate) it registers a `TASKSET#<id>` / `WAITER` item with its task token
 * (DeploymentStore.registerWait); each stored task event of green observes that task. While green comes up, observing
 * counts running tasks on the waiter and resumes the machine once green is stable; in any wait a failed task resumes
 * it with GreenTasksFailedError. The waiter is deleted conditionally first, so duplicate and reordered events (and
 * the wait's own look) resume it at most once.
 */
export class StabilityWaiters {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly tokens: TaskTokens;

  constructor(client: DynamoDBDocumentClient, stateTable: string, tokens: TaskTokens) {
    this.client = client;
    this.table = stateTable;
    this.tokens = tokens;
  }

  /**
   * After a task's new state was stored (replacing `previousStatus`, if known): one GetItem for the events that can end
   * a wait, no call for the others.
   */
  async taskChanged(task: TaskState, previousStatus?: string): Promise<StabilityResume> {
    if (task.startedBy === undefined || !mayEndStabilityWait(task, previousStatus)) return 'none';
    return this.observe(task.startedBy, [task]);
  }

  async observe(taskSetId: string, tasks: GreenTask[]): Promise<StabilityResume> {
    const key = stabilityWaiterKey(taskSetId);
    let stored = (await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))).Item;
    if (!stored) return 'none';
    const taskToken = String(stored['taskToken']);
    const sameWait = { ConditionExpression: 'taskToken = :token', ExpressionAttributeValues: { ':token': taskToken } };
    const waiter = waiterOf(stored);
    const newlyRunning = tasks.filter((task) => task.lastStatus === 'RUNNING' && !waiter.runningTaskArns.includes(task.taskArn)).map((task) => task.taskArn);
    if (waiter.resumeWhenStable && newlyRunning.length > 0) {
      const update = new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'ADD runningTaskArns :tasks',
        ...sameWait,
        ExpressionAttributeValues: { ...sameWait.ExpressionAttributeValues, ':tasks': new Set(newlyRunning) },
        ReturnValues: 'ALL_NEW',
      });
      stored = await unlessConditionFails(this.client.send(update).then((updated) => updated.Attributes));
      // Resumed, or replaced by a newer wait that looks at green itself.
      if (!stored) return 'none';
    }
    const outcome = stabilityWaitOutcome(waiterOf(stored), tasks);
    if (outcome.resume === 'no') return 'waiting';
    const claimed = await unlessConditionFails(this.client.send(new DeleteCommand({ TableName: this.table, Key: key, ...sameWait })).then(() => true));
    if (!claimed) return 'none';
    return outcome.resume === 'success' ? this.tokens.succeed(taskToken, { greenStable: true }) : this.tokens.fail(taskToken, outcome.error);
  }
}

/** The write's result, or undefined when its condition failed. */
export async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

function waiterOf(item: Record<string, unknown>): StabilityWaiter {
  const running = item['runningTaskArns'];
  return {
    // Absent on waiters from before bakes had waits: those waited for green to come up.
    resumeWhenStable: item['resumeWhenStable'] !== false,
    expectedTasks: Number(item['expectedTasks']),
    runningTaskArns: running instanceof Set ? [...(running as Set<string>)] : [],
  };
}
