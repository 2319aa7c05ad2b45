/**
 * The part of the ECS service scheduler moto lacks: tasks for task sets (EXTERNAL controller) and for
 * ECS-controller services. On each relevant API call we compare what should run with what runs, start
 * missing tasks through moto's RunTask and stop extra ones, and report steady state.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RunTaskCommand,
  type ECSClient,
  type NetworkConfiguration,
  type Service,
} from '@aws-sdk/client-ecs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsEventEmitter } from './emitter.ts';
import { deploymentStateChangeEvent, serviceSteadyStateEvent, type ServiceRef } from './events.ts';
import type { TaskLifecycle } from './ecs-tasks.ts';
import { schedulerStopSteps } from './task-model.ts';
import { defaultNetworkConfiguration } from './upstream.ts';

/** Tasks a task set should run: ceil(desiredCount × scale%), as ECS computes computedDesiredCount. */
export function taskSetDesiredCount(serviceDesiredCount: number, scale: { value?: number; unit?: string } | undefined): number {
  const percent = scale?.value ?? 100;
  return Math.ceil((serviceDesiredCount * percent) / 100);
}

export interface RunningTask {
  taskArn: string;
  taskDefinitionArn: string;
}

export interface ReconcilePlan {
  start: number;
  stop: string[];
}

/** Tasks of another task definition are replaced; then the count is trimmed (newest first) or topped up. */
export function planReconcile(running: RunningTask[], desired: number, taskDefinitionArn: string | undefined): ReconcilePlan {
  const stale = running.filter((task) => taskDefinitionArn && task.taskDefinitionArn !== taskDefinitionArn);
  const current = running.filter((task) => !stale.includes(task));
  const surplus = current.slice(desired);
  return {
    start: Math.max(0, desired - current.length),
    stop: [...stale, ...surplus].map((task) => task.taskArn),
  };
}

/** One set of interchangeable tasks: a task set, or an ECS-controller service. */
export interface TaskGroup {
  key: string;
  clusterArn: string;
  serviceName: string;
  taskDefinition?: string;
  launchType?: string;
  networkConfiguration?: NetworkConfiguration;
  startedBy: string;
  desired: number;
}

/** RunTask starts at most 10 tasks per call. */
const RUN_TASK_MAX = 10;

export interface ReconcilerDeps {
  ecs: ECSClient;
  ec2: EC2Client;
  emitter: AwsEventEmitter;
  lifecycle: TaskLifecycle;
}

export class ServiceReconciler {
  readonly #deps: ReconcilerDeps;
  /** group key → task ARNs started for it; the runtime's registry of which task belongs to which task set. */
  readonly #members = new Map<string, Set<string>>();
  /** service ARN → keys of its groups, so groups that disappeared (deleted task sets) are scaled to 0. */
  readonly #groupsOfService = new Map<string, Set<string>>();
  /** Reconciliations of one service run one after another. */
  readonly #queues = new Map<string, Promise<void>>();
  #network: Promise<NetworkConfiguration> | undefined;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  reset(): void {
    this.#members.clear();
    this.#groupsOfService.clear();
    this.#network = undefined;
  }

  /** Task ARNs the runtime started for a task set (by ARN or id) or service. */
  tasksOf(groupKey: string): string[] {
    for (const [key, members] of this.#members) {
      if (key === groupKey || key.endsWith(`/${groupKey}`)) return [...members];
    }
    return [];
  }

  reconcile(cluster: string, service: string): Promise<void> {
    const key = `${cluster}|${service.split('/').pop() ?? service}`;
    const next = (this.#queues.get(key) ?? Promise.resolve()).then(() => this.#reconcileNow(cluster, service));
    const settled = next.catch((error: unknown) => console.error(`[local-runtime] reconciling ${service} failed:`, error));
    this.#queues.set(key, settled);
    return settled;
  }

  async #reconcileNow(cluster: string, serviceName: string): Promise<void> {
    const described = await this.#deps.ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }));
    const service = described.services?.[0];
    const serviceArn = service?.serviceArn ?? described.failures?.[0]?.arn;
    if (!serviceArn) return;
    const groups = service && service.status === 'ACTIVE' ? groupsOf(service) : [];
    await Promise.all(groups.map(async (group) => (group.taskDefinition = await this.#taskDefinitionArn(group.taskDefinition))));
    const known = this.#groupsOfService.get(serviceArn) ?? new Set<string>();
    for (const group of groups) known.add(group.key);
    this.#groupsOfService.set(serviceArn, known);
    const vanished = [...known].filter((key) => !groups.some((group) => group.key === key));
    const ref: ServiceRef = { serviceArn, clusterArn: service?.clusterArn ?? cluster };
    const deploymentId = service?.deploymentController?.type === 'EXTERNAL' ? undefined : service?.deployments?.[0]?.id;

    const plans = groups.map((group) => ({ group, plan: planReconcile(this.#running(group.key), group.desired, group.taskDefinition) }));
    const changes = plans.some(({ plan }) => plan.start > 0 || plan.stop.length > 0) || vanished.some((key) => this.#running(key).length > 0);
    if (!changes) return;

    if (deploymentId) await this.#deps.emitter.emit(deploymentStateChangeEvent(ref, 'SERVICE_DEPLOYMENT_IN_PROGRESS', deploymentId, new Date()));
    await Promise.all([
      ...plans.map(({ group, plan }) => this.#apply(group, plan)),
      ...vanished.map((key) => this.#stopAll(key, known)),
    ]);
    const done = new Date();
    const closing = [serviceSteadyStateEvent(ref, done)];
    if (deploymentId) closing.unshift(deploymentStateChangeEvent(ref, 'SERVICE_DEPLOYMENT_COMPLETED', deploymentId, done));
    await this.#deps.emitter.emit(closing);
  }

  #running(groupKey: string): { taskArn: string; taskDefinitionArn: string }[] {
    const members = this.#members.get(groupKey) ?? new Set<string>();
    return [...members].flatMap((taskArn) => {
      const record = this.#deps.lifecycle.get(taskArn);
      return record && record.desiredStatus === 'RUNNING' ? [{ taskArn, taskDefinitionArn: record.taskDefinitionArn }] : [];
    });
  }

  async #apply(group: TaskGroup, plan: ReconcilePlan): Promise<void> {
    const reason = `Scaling activity initiated by (deployment ${group.startedBy})`;
    await Promise.all([
      ...plan.stop.map((taskArn) => this.#deps.lifecycle.stop(taskArn, reason, schedulerStopSteps(reason))),
      this.#start(group, plan.start),
    ]);
  }

  async #stopAll(groupKey: string, known: Set<string>): Promise<void> {
    const reason = 'Task set deleted';
    await Promise.all(
      this.#running(groupKey).map(({ taskArn }) => this.#deps.lifecycle.stop(taskArn, reason, schedulerStopSteps(reason))),
    );
    this.#members.delete(groupKey);
    known.delete(groupKey);
  }

  async #start(group: TaskGroup, count: number): Promise<void> {
    if (count <= 0 || !group.taskDefinition) return;
    const networkConfiguration = group.networkConfiguration ?? (await this.#networkFor(group.taskDefinition));
    const members = this.#members.get(group.key) ?? new Set<string>();
    this.#members.set(group.key, members);
    for (let remaining = count; remaining > 0; remaining -= RUN_TASK_MAX) {
      const answer = await this.#deps.ecs.send(
        new RunTaskCommand({
          cluster: group.clusterArn,
          taskDefinition: group.taskDefinition,
          count: Math.min(remaining, RUN_TASK_MAX),
          startedBy: group.startedBy,
          group: `service:${group.serviceName}`,
          // moto places EC2/EXTERNAL tasks only on registered container instances (which need real EC2
          // instances); FARGATE needs none, so tasks run as FARGATE in moto and report the group's launch type.
          launchType: 'FARGATE',
          ...(networkConfiguration ? { networkConfiguration } : {}),
        }),
      );
      const tasks = answer.tasks ?? [];
      for (const task of tasks) if (task.taskArn) members.add(task.taskArn);
      await this.#deps.lifecycle.started(tasks, group.launchType ?? 'FARGATE');
    }
  }

  /** moto stores a service's task definition as given (maybe `family`), tasks carry the full ARN. */
  async #taskDefinitionArn(taskDefinition: string | undefined): Promise<string | undefined> {
    if (!taskDefinition || /^arn:.*:task-definition\/[^:]+:\d+$/.test(taskDefinition)) return taskDefinition;
    const { taskDefinition: definition } = await this.#deps.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    return definition?.taskDefinitionArn ?? taskDefinition;
  }

  /** Only awsvpc task definitions need a network configuration. */
  async #networkFor(taskDefinition: string): Promise<NetworkConfiguration | undefined> {
    const { taskDefinition: definition } = await this.#deps.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    if (definition?.networkMode !== 'awsvpc') return undefined;
    this.#network ??= defaultNetworkConfiguration(this.#deps.ec2);
    return this.#network;
  }
}

/** What should run for a service: one group per task set (EXTERNAL) or the service itself. */
export function groupsOf(service: Service): TaskGroup[] {
  const clusterArn = service.clusterArn ?? '';
  const serviceName = service.serviceName ?? '';
  const desiredCount = service.desiredCount ?? 0;
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller === 'EXTERNAL') {
    return (service.taskSets ?? [])
      .filter((taskSet) => taskSet.taskSetArn && taskSet.status !== 'INACTIVE')
      .map((taskSet) => ({
        key: taskSet.taskSetArn ?? '',
        clusterArn,
        serviceName,
        taskDefinition: taskSet.taskDefinition,
        launchType: taskSet.launchType,
        networkConfiguration: usableNetwork(taskSet.networkConfiguration),
        startedBy: taskSet.id ?? '',
        desired: taskSetDesiredCount(desiredCount, taskSet.scale),
      }));
  }
  if (controller !== 'ECS') return [];
  return [
    {
      key: service.serviceArn ?? '',
      clusterArn,
      serviceName,
      taskDefinition: service.taskDefinition,
      launchType: service.launchType,
      networkConfiguration: usableNetwork(service.networkConfiguration),
      startedBy: service.deployments?.[0]?.id ?? 'ecs-svc/local',
      desired: desiredCount,
    },
  ];
}

/** moto reports `{}` for a service without network configuration. */
function usableNetwork(configuration: NetworkConfiguration | undefined): NetworkConfiguration | undefined {
  return configuration?.awsvpcConfiguration?.subnets?.length ? configuration : undefined;
}
