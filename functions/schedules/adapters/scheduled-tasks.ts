import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type ECSClient, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { awsCallFailure, callAws } from '../../kernel/aws/calls.ts';
import { AwsCallError } from '../../kernel/errors.ts';
import type { ConfigStore } from '../../config/index.ts';
import type { Schedule } from '../domain/schedule.ts';
import { isTransientRunTaskFailure, liveTaskDefinition, SCHEDULED_TASK_STARTED_BY, type ContainerDefinitionFacts, type DescribedTask, type StartFailure } from '../domain/scheduled-run.ts';

export type StartAnswer = { started: { taskArn: string; startedAt: Date } } | { failure: StartFailure };

/** ECS for scheduled runs: which revision runs, RunTask with a client token, the task's state, StopTask. */
export class ScheduledTasks {
  private readonly ecs: ECSClient;
  private readonly configs: ConfigStore;
  private readonly definitions = new Map<string, Promise<ContainerDefinitionFacts[]>>();

  constructor(ecs: ECSClient, configs: ConfigStore) {
    this.ecs = ecs;
    this.configs = configs;
  }

  /** The revision a fire runs: the family's latest ACTIVE, the pinned one, or the one the followed service runs now. */
  async resolveTaskDefinition(schedule: Schedule): Promise<string> {
    const choice = schedule.taskDefinition;
    if ('followService' in choice) {
      const { cluster, service } = await this.followedService(choice.followService, schedule.cluster);
      const { services } = await callAws(`DescribeServices ${cluster}/${service}`, () => this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })));
      const described = services?.find((candidate) => candidate.status !== 'INACTIVE');
      const arn = described ? liveTaskDefinition(described) : undefined;
      if (!arn) throw new AwsCallError(`Service ${cluster}/${service} (followService ${choice.followService}) does not exist or runs no task definition`);
      return arn;
    }
    // DescribeTaskDefinition of a bare family answers its latest ACTIVE revision.
    const reference = 'family' in choice ? choice.family : choice.revision;
    const { taskDefinition } = await callAws(`DescribeTaskDefinition ${reference}`, () => this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference })));
    if (!taskDefinition?.taskDefinitionArn) throw new AwsCallError(`Task definition ${reference} does not exist`);
    return taskDefinition.taskDefinitionArn;
  }

  /**
   * Where a followService job runs when the schedule names no network: beside its service — the primary task set's
   * (else the service's) awsvpc configuration and launch type, as a job next to its service is usually meant to.
   */
  async followedPlacement(schedule: Schedule): Promise<Pick<RunTaskCommandInput, 'networkConfiguration' | 'launchType'>> {
    const choice = schedule.taskDefinition;
    if (!('followService' in choice) || schedule.network) return {};
    const { cluster, service } = await this.followedService(choice.followService, schedule.cluster);
    const { services } = await callAws(`DescribeServices ${cluster}/${service}`, () => this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })));
    const described = services?.find((candidate) => candidate.status !== 'INACTIVE');
    const primary = described?.taskSets?.find((taskSet) => taskSet.status === 'PRIMARY');
    const networkConfiguration = primary?.networkConfiguration ?? described?.networkConfiguration;
    const launchType = primary?.launchType ?? described?.launchType;
    return {
      ...(networkConfiguration ? { networkConfiguration } : {}),
      ...(launchType && !schedule.launchType && !schedule.capacityProviderStrategy ? { launchType } : {}),
    };
  }

  /**
   * `followService` names a service of harbormaster.yml's `services` section (its key): its cluster and ECS service
   * come from its stored configuration; a name no configuration has is taken as an ECS service of the schedule's cluster.
   */
  private async followedService(name: string, scheduleCluster: string): Promise<{ cluster: string; service: string }> {
    const configs = await this.configs.listServiceConfigs();
    const followed = configs.find((stored) => stored.config.name === name)?.config;
    return followed ? { cluster: followed.cluster, service: followed.service } : { cluster: scheduleCluster, service: name };
  }

  /**
   * RunTask with `clientToken`: ECS answers the same task for the same token, so a retried start runs once. A
   * `failures[]` answer or a throttled/5xx call is a StartFailure (capacity and throttling are transient).
   */
  async start(schedule: Schedule, taskDefinitionArn: string, clientToken: string, now: Date): Promise<StartAnswer> {
    let answer;
    try {
      const placement = await this.followedPlacement(schedule);
      answer = await this.ecs.send(new RunTaskCommand({ ...placement, ...runTaskInput(schedule, taskDefinitionArn, clientToken) }));
    } catch (error) {
      const mapped = awsCallFailure(`RunTask ${schedule.name}`, error);
      return { failure: { reason: mapped.message, transient: mapped.name !== 'AwsCallError' } };
    }
    const task = answer.tasks?.[0];
    if (task?.taskArn) return { started: { taskArn: task.taskArn, startedAt: now } };
    const reason = answer.failures?.map((failure) => [failure.reason, failure.detail].filter(Boolean).join(' ')).join('; ') || 'RunTask started no task';
    return { failure: { reason, transient: (answer.failures ?? []).some((failure) => isTransientRunTaskFailure(failure.reason ?? '')) } };
  }

  /** The task as ECS describes it now; undefined once ECS no longer knows it (stopped tasks are kept about an hour). */
  async describe(cluster: string, taskArn: string): Promise<DescribedTask | undefined> {
    const { tasks } = await callAws(`DescribeTasks ${taskArn}`, () => this.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })));
    const task = tasks?.[0];
    if (!task) return undefined;
    return {
      ...(task.lastStatus ? { lastStatus: task.lastStatus } : {}),
      ...(task.stopCode ? { stopCode: task.stopCode } : {}),
      ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
      ...(task.startedAt ? { startedAt: task.startedAt } : {}),
      ...(task.stoppedAt ? { stoppedAt: task.stoppedAt } : {}),
      containers: (task.containers ?? []).map((container) => ({
        ...(container.name ? { name: container.name } : {}),
        ...(container.exitCode !== undefined ? { exitCode: container.exitCode } : {}),
        ...(container.reason ? { reason: container.reason } : {}),
      })),
    };
  }

  async stop(cluster: string, taskArn: string, reason: string): Promise<void> {
    await callAws(`StopTask ${taskArn}`, () => this.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) })));
  }

  /** Containers of a revision: essential or not, and their awslogs group and stream prefix (cached: revisions never change). */
  containers(taskDefinitionArn: string): Promise<ContainerDefinitionFacts[]> {
    let facts = this.definitions.get(taskDefinitionArn);
    if (!facts) {
      facts = callAws(`DescribeTaskDefinition ${taskDefinitionArn}`, () => this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }))).then(({ taskDefinition }) =>
        (taskDefinition?.containerDefinitions ?? []).map((container) => {
          const options = container.logConfiguration?.logDriver === 'awslogs' ? (container.logConfiguration.options ?? {}) : {};
          return {
            name: container.name ?? '',
            essential: container.essential !== false,
            ...(options['awslogs-group'] ? { logGroup: options['awslogs-group'] } : {}),
            ...(options['awslogs-stream-prefix'] ? { logStreamPrefix: options['awslogs-stream-prefix'] } : {}),
          };
        }),
      );
      facts.catch(() => this.definitions.delete(taskDefinitionArn));
      this.definitions.set(taskDefinitionArn, facts);
    }
    return facts;
  }
}

/** The schedule's target as RunTask takes it. */
export function runTaskInput(schedule: Schedule, taskDefinitionArn: string, clientToken: string): RunTaskCommandInput {
  const network = schedule.network;
  return {
    cluster: schedule.cluster,
    taskDefinition: taskDefinitionArn,
    count: 1,
    clientToken,
    startedBy: SCHEDULED_TASK_STARTED_BY,
    group: `schedule:${schedule.name}`,
    ...(schedule.capacityProviderStrategy ? { capacityProviderStrategy: schedule.capacityProviderStrategy } : schedule.launchType ? { launchType: schedule.launchType } : {}),
    ...(network
      ? {
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: network.subnets,
              ...(network.securityGroups ? { securityGroups: network.securityGroups } : {}),
              assignPublicIp: network.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
          },
        }
      : {}),
    ...(schedule.overrides
      ? {
          overrides: {
            containerOverrides: schedule.overrides.containers.map((container) => ({
              name: container.name,
              ...(container.command ? { command: container.command } : {}),
              ...(container.environment ? { environment: Object.entries(container.environment).map(([name, value]) => ({ name, value })) } : {}),
              ...(container.cpu !== undefined ? { cpu: container.cpu } : {}),
              ...(container.memory !== undefined ? { memory: container.memory } : {}),
            })),
          },
        }
      : {}),
  };
}
