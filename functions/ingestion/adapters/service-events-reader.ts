import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getItemsByKey, queryIndexItems } from '../../kernel/store/index-query.ts';
import { serviceKey } from '../../kernel/store/state-items.ts';
import type { TimelineEvent } from '../../kernel/timeline.ts';
import type { EcsDeploymentState, ServiceAction } from '../domain/service-events.ts';
import { ecsDeploymentEvent, serviceActionEvent, taskEvents } from '../domain/service-timeline.ts';
import type { TaskState } from '../domain/task-state.ts';
import { OWNER_SORT_PREFIX, taskKey } from './state-items.ts';

/**
 * A service's ingested events, read from its byOwner partition (docs/decisions/0002, 0011): never a Scan.
 *
 * ECS deployments and service actions are indexed by their time, so "since" is a key range. Tasks are indexed by
 * creation time only (their index entry never moves, so a task event writes the table alone), and a task created
 * long ago can stop now: the first read therefore reads every task of the service (a keys-only Query, then one
 * BatchGetItem per 100 tasks: about 1 read unit per task; stopped tasks expire 30 days after they stop). Later reads
 * only ask for the tasks created in their window and, by key, those that were not stopped yet.
 */
export class ServiceEventsReader {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly owner: string;
  /** Tasks not stopped at the last read: the only older tasks whose state can still change. */
  private liveTasks = new Set<string>();

  constructor(client: DynamoDBDocumentClient, table: string, target: { cluster: string; service: string }) {
    this.client = client;
    this.table = table;
    this.owner = serviceKey(target.cluster, target.service);
  }

  /** Every event at or after `since`: ECS deployments and service actions in that window, tasks whatever their age. */
  async read(since: string): Promise<TimelineEvent[]> {
    const [tasks, others] = await Promise.all([this.ownerItems<TaskState>(OWNER_SORT_PREFIX.task), this.serviceEvents(since)]);
    return [...this.taskEventsOf(tasks), ...others];
  }

  /**
   * What a follower polls: events recorded with times at or after `since` (a window a little wider than the time
   * since the last read: events reach the table seconds after they happen), and the current state of the tasks that
   * were still live at the last read.
   */
  async poll(since: string): Promise<TimelineEvent[]> {
    const [created, live, others] = await Promise.all([
      this.ownerItems<TaskState>(OWNER_SORT_PREFIX.task, since),
      this.liveTasksNow(),
      this.serviceEvents(since),
    ]);
    const tasks = new Map([...live, ...created].map((task) => [task.taskArn, task]));
    return [...this.taskEventsOf([...tasks.values()]), ...others];
  }

  /** Every read covers all the tasks that can be live (a stopped task never runs again), so it replaces the set. */
  private taskEventsOf(tasks: TaskState[]): TimelineEvent[] {
    this.liveTasks = new Set(tasks.filter((task) => task.lastStatus !== 'STOPPED' && task.lastStatus !== 'DELETED').map((task) => task.taskArn));
    return tasks.flatMap(taskEvents);
  }

  private async serviceEvents(since: string): Promise<TimelineEvent[]> {
    const [deployments, actions] = await Promise.all([
      this.ownerItems<EcsDeploymentState>(OWNER_SORT_PREFIX.ecsDeployment, since),
      this.ownerItems<ServiceAction>(OWNER_SORT_PREFIX.serviceAction, since),
    ]);
    return [...deployments.map(ecsDeploymentEvent), ...actions.map(serviceActionEvent)];
  }

  private async liveTasksNow(): Promise<TaskState[]> {
    return (await getItemsByKey(this.client, this.table, [...this.liveTasks].map(taskKey))) as unknown[] as TaskState[];
  }

  private async ownerItems<T>(prefix: string, since?: string): Promise<T[]> {
    const query = { index: 'byOwner', partition: this.owner, sortKeyPrefix: prefix, ...(since === undefined ? {} : { between: { from: since } }) } as const;
    return (await queryIndexItems(this.client, this.table, query)) as unknown[] as T[];
  }
}
