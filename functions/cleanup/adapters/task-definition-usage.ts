import { DescribeServicesCommand, DescribeTasksCommand, paginateListClusters, paginateListServices, paginateListTasks, type ECSClient } from '@aws-sdk/client-ecs';
import { ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, paginateListSchedules, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { inBatches, parseTaskDefinitionReference, type RevisionUsage, type UsageKind } from '../domain/revision-cleanup.ts';
import { callAws, collectPages, pagesOf } from '../../kernel/aws/calls.ts';

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

const DESCRIBE_SERVICES_MAX = 10;
const DESCRIBE_TASKS_MAX = 100;

/**
 * Every place a task-definition revision is in use: service deployments (PRIMARY, ACTIVE), task sets of EXTERNAL
 * services (PRIMARY, ACTIVE), running and pending tasks, EventBridge rule targets and EventBridge Scheduler schedules.
 */
export class TaskDefinitionUsageReader {
  private readonly clients: UsageClients;

  constructor(clients: UsageClients) {
    this.clients = clients;
  }

  async findUsages(): Promise<{ usages: RevisionUsage[]; unreadable: UnreadableReference[] }> {
    const found: Array<{ reference: string; kind: UsageKind; owner: string; detail: string }> = [];
    const clusters = await collectPages('ListClusters', paginateListClusters({ client: this.clients.ecs }, {}), (page) => page.clusterArns);
    for (const cluster of clusters) {
      found.push(...(await this.serviceUsages(cluster)), ...(await this.taskUsages(cluster)));
    }
    found.push(...(await this.ruleUsages()), ...(await this.scheduleUsages()));
    const usages: RevisionUsage[] = [];
    const unreadable: UnreadableReference[] = [];
    for (const { reference, ...usage } of found) {
      const parsed = parseTaskDefinitionReference(reference);
      if (parsed) usages.push({ ...usage, ...parsed });
      else unreadable.push({ owner: usage.owner, reference });
    }
    return { usages, unreadable };
  }

  private async serviceUsages(cluster: string) {
    const clusterName = cluster.split('/').pop() ?? cluster;
    const serviceArns = await collectPages(`ListServices ${clusterName}`, paginateListServices({ client: this.clients.ecs }, { cluster }), (page) => page.serviceArns);
    const found = [];
    for (const batch of inBatches(serviceArns, DESCRIBE_SERVICES_MAX)) {
      const { services } = await callAws(`DescribeServices ${clusterName}`, () => this.clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch })));
      for (const service of services ?? []) {
        const owner = `service ${clusterName}/${service.serviceName}`;
        for (const deployment of service.deployments ?? []) {
          if (deployment.taskDefinition && (deployment.status === 'PRIMARY' || deployment.status === 'ACTIVE')) {
            found.push({ reference: deployment.taskDefinition, kind: 'service-deployment' as const, owner, detail: `${deployment.status} deployment` });
          }
        }
        for (const taskSet of service.taskSets ?? []) {
          if (taskSet.taskDefinition && (taskSet.status === 'PRIMARY' || taskSet.status === 'ACTIVE')) {
            found.push({ reference: taskSet.taskDefinition, kind: 'task-set' as const, owner, detail: `task set ${taskSet.id} (${taskSet.status})` });
          }
        }
      }
    }
    return found;
  }

  /** Tasks whose desired status is RUNNING: running, pending and still provisioning. */
  private async taskUsages(cluster: string) {
    const clusterName = cluster.split('/').pop() ?? cluster;
    const pages = paginateListTasks({ client: this.clients.ecs }, { cluster, desiredStatus: 'RUNNING' });
    const taskArns = await collectPages(`ListTasks ${clusterName}`, pages, (page) => page.taskArns);
    const found = [];
    for (const batch of inBatches(taskArns, DESCRIBE_TASKS_MAX)) {
      const { tasks } = await callAws(`DescribeTasks ${clusterName}`, () => this.clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
      for (const task of tasks ?? []) {
        if (task.taskDefinitionArn && task.lastStatus !== 'STOPPED') {
          const id = task.taskArn?.split('/').pop();
          found.push({ reference: task.taskDefinitionArn, kind: 'task' as const, owner: `task ${clusterName}/${id}`, detail: `${task.lastStatus} task` });
        }
      }
    }
    return found;
  }

  /** ECS targets of EventBridge rules on every bus (scheduled tasks created by the ECS console are such rules). */
  private async ruleUsages() {
    const events = this.clients.events;
    const buses = await collectPages('ListEventBuses', pagesOf((NextToken) => events.send(new ListEventBusesCommand({ NextToken }))), (page) => page.EventBuses);
    const found = [];
    for (const bus of buses) {
      const rules = await collectPages(`ListRules ${bus.Name}`, pagesOf((NextToken) => events.send(new ListRulesCommand({ EventBusName: bus.Name, NextToken }))), (page) => page.Rules);
      for (const rule of rules) {
        const targets = await collectPages(
          `ListTargetsByRule ${rule.Name}`,
          pagesOf((NextToken) => events.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: bus.Name, NextToken }))),
          (page) => page.Targets,
        );
        for (const target of targets) {
          const reference = target.EcsParameters?.TaskDefinitionArn;
          if (reference) found.push({ reference, kind: 'rule-target' as const, owner: `rule ${bus.Name}/${rule.Name}`, detail: `target ${target.Id}` });
        }
      }
    }
    return found;
  }

  /** ListSchedules omits targets, so each schedule is read once. */
  private async scheduleUsages() {
    const scheduler = this.clients.scheduler;
    const schedules = await collectPages('ListSchedules', paginateListSchedules({ client: scheduler }, {}), (page) => page.Schedules);
    const found = [];
    for (const schedule of schedules) {
      const { Target } = await callAws(`GetSchedule ${schedule.GroupName}/${schedule.Name}`, () =>
        scheduler.send(new GetScheduleCommand({ Name: schedule.Name, GroupName: schedule.GroupName })),
      );
      const reference = Target?.EcsParameters?.TaskDefinitionArn;
      if (reference) found.push({ reference, kind: 'schedule-target' as const, owner: `schedule ${schedule.GroupName}/${schedule.Name}`, detail: `${schedule.State} schedule` });
    }
    return found;
  }
}
