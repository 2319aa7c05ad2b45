import { DescribeServicesCommand, DescribeTasksCommand, ListClustersCommand, paginateListServices, paginateListTasks, type ECSClient } from '@aws-sdk/client-ecs';
import { ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, paginateListSchedules, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { callAws, collectPages, pagesOf } from '../../kernel/aws/calls.ts';
import { inBatches, parseTaskDefinitionReference, type RevisionUsage, type UsageKind } from '../domain/revision-cleanup.ts';
import { inParallel } from '../../kernel/concurrency.ts';

export interface UsageClients {
  ecs: ECSClient;
  events: EventBridgeClient;
  scheduler: SchedulerClient;
}

/** What a reference could not be read as a task definition; recorded with the run instead of being guessed at. */
export interface UnreadableReference {
  owner: string;
  reference: string;
}

export interface FoundUsages {
  usages: RevisionUsage[];
  unreadable: UnreadableReference[];
}

/** The largest page each List API returns (ECS: 100; EventBridge and Scheduler: 100). */
const PAGE_SIZE = 100;
const DESCRIBE_SERVICES_MAX = 10;
const DESCRIBE_TASKS_MAX = 100;
/** Describe/Get calls in flight per gather step: well inside ECS's read burst, shared with the other clusters. */
const READ_CONCURRENCY = 4;

interface Found {
  reference: string;
  kind: UsageKind;
  owner: string;
  detail: string;
}

/**
 * Where task-definition revisions are in use: per cluster, service deployments (PRIMARY, ACTIVE), task sets of
 * EXTERNAL services (PRIMARY, ACTIVE) and running and pending tasks; per account, EventBridge rule targets and
 * EventBridge Scheduler schedules. Every listing is read page by page.
 */
export class TaskDefinitionUsageReader {
  private readonly clients: UsageClients;

  constructor(clients: UsageClients) {
    this.clients = clients;
  }

  /** One page of the account's clusters (at most 100) and the token of the next, if any. */
  async clusterPage(nextToken: string | undefined): Promise<{ items: string[]; nextToken: string | undefined }> {
    const page = await callAws('ListClusters', () => this.clients.ecs.send(new ListClustersCommand({ maxResults: PAGE_SIZE, nextToken })));
    return { items: page.clusterArns ?? [], nextToken: page.nextToken };
  }

  async clusterUsages(cluster: string): Promise<FoundUsages> {
    const [services, tasks] = await Promise.all([this.serviceUsages(cluster), this.taskUsages(cluster)]);
    return resolve([...services, ...tasks]);
  }

  async targetUsages(): Promise<FoundUsages> {
    const [rules, schedules] = await Promise.all([this.ruleUsages(), this.scheduleUsages()]);
    return resolve([...rules, ...schedules]);
  }

  private async serviceUsages(cluster: string): Promise<Found[]> {
    const clusterName = cluster.split('/').pop() ?? cluster;
    const pages = paginateListServices({ client: this.clients.ecs, pageSize: PAGE_SIZE }, { cluster });
    const serviceArns = await collectPages(`ListServices ${clusterName}`, pages, (page) => page.serviceArns);
    const described = await inParallel(inBatches(serviceArns, DESCRIBE_SERVICES_MAX), READ_CONCURRENCY, (batch) =>
      callAws(`DescribeServices ${clusterName}`, () => this.clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch }))),
    );
    const found: Found[] = [];
    for (const service of described.flatMap((answer) => answer.services ?? [])) {
      const owner = `service ${clusterName}/${service.serviceName}`;
      for (const deployment of service.deployments ?? []) {
        if (deployment.taskDefinition && (deployment.status === 'PRIMARY' || deployment.status === 'ACTIVE')) {
          found.push({ reference: deployment.taskDefinition, kind: 'service-deployment', owner, detail: `${deployment.status} deployment` });
        }
      }
      for (const taskSet of service.taskSets ?? []) {
        if (taskSet.taskDefinition && (taskSet.status === 'PRIMARY' || taskSet.status === 'ACTIVE')) {
          found.push({ reference: taskSet.taskDefinition, kind: 'task-set', owner, detail: `task set ${taskSet.id} (${taskSet.status})` });
        }
      }
    }
    return found;
  }

  /** Tasks whose desired status is RUNNING: running, pending and still provisioning. */
  private async taskUsages(cluster: string): Promise<Found[]> {
    const clusterName = cluster.split('/').pop() ?? cluster;
    const pages = paginateListTasks({ client: this.clients.ecs, pageSize: PAGE_SIZE }, { cluster, desiredStatus: 'RUNNING' });
    const taskArns = await collectPages(`ListTasks ${clusterName}`, pages, (page) => page.taskArns);
    const described = await inParallel(inBatches(taskArns, DESCRIBE_TASKS_MAX), READ_CONCURRENCY, (batch) =>
      callAws(`DescribeTasks ${clusterName}`, () => this.clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }))),
    );
    return described
      .flatMap((answer) => answer.tasks ?? [])
      .flatMap((task) =>
        task.taskDefinitionArn && task.lastStatus !== 'STOPPED'
          ? [{ reference: task.taskDefinitionArn, kind: 'task' as const, owner: `task ${clusterName}/${task.taskArn?.split('/').pop()}`, detail: `${task.lastStatus} task` }]
          : [],
      );
  }

  /** ECS targets of EventBridge rules on every bus (scheduled tasks created by the ECS console are such rules). */
  private async ruleUsages(): Promise<Found[]> {
    const events = this.clients.events;
    const buses = await collectPages('ListEventBuses', pagesOf((NextToken) => events.send(new ListEventBusesCommand({ NextToken, Limit: PAGE_SIZE }))), (page) => page.EventBuses);
    const found: Found[] = [];
    for (const bus of buses) {
      const rules = await collectPages(`ListRules ${bus.Name}`, pagesOf((NextToken) => events.send(new ListRulesCommand({ EventBusName: bus.Name, NextToken, Limit: PAGE_SIZE }))), (page) => page.Rules);
      const targetsPerRule = await inParallel(rules, READ_CONCURRENCY, (rule) =>
        collectPages(
          `ListTargetsByRule ${rule.Name}`,
          pagesOf((NextToken) => events.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: bus.Name, NextToken, Limit: PAGE_SIZE }))),
          (page) => page.Targets,
        ),
      );
      rules.forEach((rule, index) => {
        for (const target of targetsPerRule[index] ?? []) {
          const reference = target.EcsParameters?.TaskDefinitionArn;
          if (reference) found.push({ reference, kind: 'rule-target', owner: `rule ${bus.Name}/${rule.Name}`, detail: `target ${target.Id}` });
        }
      });
    }
    return found;
  }

  /** ListSchedules omits targets, so each schedule is read once. */
  private async scheduleUsages(): Promise<Found[]> {
    const scheduler = this.clients.scheduler;
    const schedules = await collectPages('ListSchedules', paginateListSchedules({ client: scheduler, pageSize: PAGE_SIZE }, {}), (page) => page.Schedules);
    const described = await inParallel(schedules, READ_CONCURRENCY, (schedule) =>
      callAws(`GetSchedule ${schedule.GroupName}/${schedule.Name}`, () => scheduler.send(new GetScheduleCommand({ Name: schedule.Name, GroupName: schedule.GroupName }))),
    );
    return schedules.flatMap((schedule, index) => {
      const reference = described[index]?.Target?.EcsParameters?.TaskDefinitionArn;
      return reference ? [{ reference, kind: 'schedule-target' as const, owner: `schedule ${schedule.GroupName}/${schedule.Name}`, detail: `${described[index]?.State} schedule` }] : [];
    });
  }
}

function resolve(found: Found[]): FoundUsages {
  const usages: RevisionUsage[] = [];
  const unreadable: UnreadableReference[] = [];
  for (const { reference, ...usage } of found) {
    const parsed = parseTaskDefinitionReference(reference);
    if (parsed) usages.push({ ...usage, ...parsed });
    else unreadable.push({ owner: usage.owner, reference });
  }
  return { usages, unreadable };
}
