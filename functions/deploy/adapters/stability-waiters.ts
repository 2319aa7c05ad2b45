import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, type SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mayEndStabilityWait, stabilityWaitOutcome, type GreenTask, type StabilityWaiter } from '../domain/deployment-health.ts';
import type { TaskState } from '../../ingestion/index.ts';

/** Green's stability waiter, keyed by the task set id that its tasks carry as `startedBy` (docs/decisions/0007). */
export function stabilityWaiterKey(taskSetId: string): { pk: string; sk: string } {
  return { pk: `TASKSET#${taskSetId}`, sk: 'WAITER' };
}

/**
 * What seeing green's tasks did to a deploy's wait: nothing (no waiter), counted (not yet stable), resumed it, found
 * the machine gone on, or could not resume it (SendTask* failed after the SDK's retries: the wait's timeout takes over).
 */
export type StabilityResume = 'none' | 'waiting' | 'resumed' | 'already-moved-on' | 'resume-failed';

/**
 * The event-driven half of the deploy's wait for a stable green (docs/decisions/0007). The machine's `awaitGreenStable`
 * step registers a `TASKSET#<id>` / `WAITER` item with its task token (DeploymentStore) and then observes green as ECS
 * shows it; each stored task event of green observes that task. Observing counts running tasks on the waiter and
 * resumes the machine once green is stable or a task failed, deleting the waiter conditionally first, so duplicate and
 * reordered events (and the step's own look) resume it at most once.
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
    const counted = waiterOf(stored).runningTaskArns;
    const newlyRunning = tasks.filter((task) => task.lastStatus === 'RUNNING' && !counted.includes(task.taskArn)).map((task) => task.taskArn);
    if (newlyRunning.length > 0) {
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
    try {
      if (outcome.resume === 'success') await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ greenStable: true }) }));
      else await this.sfn.send(new SendTaskFailureCommand({ taskToken, error: outcome.error.name, cause: outcome.error.message }));
      return 'resumed';
    } catch (error) {
      // The wait timed out and the machine went on polling, or the execution ended (moto then answers InvalidToken).
      if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) return 'already-moved-on';
      // The waiter is claimed, so retrying the event could not resume it either: the machine polls after its timeout.
      return 'resume-failed';
    }
  }
}

/** The write's result, or undefined when its condition failed. */
async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

function waiterOf(item: Record<string, unknown>): StabilityWaiter {
  const running = item['runningTaskArns'];
  return { expectedTasks: Number(item['expectedTasks']), runningTaskArns: running instanceof Set ? [...(running as Set<string>)] : [] };
}
