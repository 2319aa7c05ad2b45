/**
 * The part of the ECS service scheduler moto lacks: tasks for task sets (EXTERNAL controller) and for
 * ECS-controller services. On each relevant API call we compare what should run with what runs, start
 * missing tasks through moto's RunTask and stop extra ones, and report steady state.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListContainerInstancesCommand,
  RegisterContainerInstanceCommand,
  RunTaskCommand,
  type ECSClient,
  type NetworkConfiguration,
  type Service,
} from '@aws-sdk/client-ecs';
import { RunInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { AwsEvent, AwsEventEmitter } from './emitter.ts';
import { deploymentStateChangeEvent, servicePlacementFailureEvent, serviceSteadyStateEvent, type ServiceRef } from './events.ts';
import type { TaskLifecycle } from './ecs-tasks.ts';
import type { FaultInjector } from './faults.ts';
import { STOP_CODES, schedulerStopSteps } from './task-model.ts';
import { isRecord } from './wire.ts';
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
  faults: FaultInjector;
}

/** What one reconciliation did: the tasks it started, and whether ECS could not place some. */
interface Applied {
  started: string[];
  placementFailed: boolean;
}

/** `deploymentConfiguration.deploymentCircuitBreaker.enable` of a CreateService/UpdateService input (moto drops it). */
export function circuitBreakerOf(input: Record<string, unknown>): boolean | undefined {
  const configuration = isRecord(input['deploymentConfiguration']) ? input['deploymentConfiguration'] : undefined;
  const breaker = isRecord(configuration?.['deploymentCircuitBreaker']) ? configuration['deploymentCircuitBreaker'] : undefined;
  return typeof breaker?.['enable'] === 'boolean' ? breaker['enable'] : undefined;
}

export class ServiceReconciler {
  readonly #deps: ReconcilerDeps;
  /** group key → task ARNs started for it; the runtime's registry of which task belongs to which task set. */
  readonly #members = new Map<string, Set<string>>();
  /** service ARN → keys of its groups, so groups that disappeared (deleted task sets) are scaled to 0. */
  readonly #groupsOfService = new Map<string, Set<string>>();
  /** Reconciliations of one service run one after another. */
  readonly #queues = new Map<string, Promise<void>>();
  /** service key → whether its deployment circuit breaker is on, as last created or updated. */
  readonly #circuitBreakers = new Map<string, boolean>();
  /** cluster ARN → its container instances, for EC2 tasks; registered by the runtime when the cluster has none. */
  #containerInstances = new Map<string, Promise<string[]>>();
  #placements = 0;
  #network: Promise<NetworkConfiguration> | undefined;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  reset(): void {
    this.#members.clear();
    this.#groupsOfService.clear();
    this.#circuitBreakers.clear();
    this.#containerInstances = new Map();
    this.#network = undefined;
  }

  /** Task ARNs the runtime started for a task set (by ARN or id) or service. */
  tasksOf(groupKey: string): string[] {
    for (const [key, members] of this.#members) {
      if (key === groupKey || key.endsWith(`/${groupKey}`)) return [...members];
    }
    return [];
  }

  /** `input`: the CreateService/UpdateService call, whose deployment configuration moto does not keep. */
  reconcile(cluster: string, service: string, input: Record<string, unknown> = {}): Promise<void> {
    const key = `${cluster}|${service.split('/').pop() ?? service}`;
    const circuitBreaker = circuitBreakerOf(input);
    if (circuitBreaker !== undefined) this.#circuitBreakers.set(key, circuitBreaker);
    const next = (this.#queues.get(key) ?? Promise.resolve()).then(() => this.#reconcileNow(cluster, service, this.#circuitBreakers.get(key) ?? false));
    const settled = next.catch((error: unknown) => console.error(`[local-runtime] reconciling ${service} failed:`, error));
    this.#queues.set(key, settled);
    return settled;
  }

  async #reconcileNow(cluster: string, serviceName: string, circuitBreaker: boolean): Promise<void> {
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
    const [applied] = await Promise.all([
      Promise.all(plans.map(({ group, plan }) => this.#apply(ref, group, plan))),
      Promise.all(vanished.map((key) => this.#stopAll(key, known))),
    ]);
    await this.#deps.emitter.emit(this.#closingEvents(ref, deploymentId, circuitBreaker, applied));
  }

  /**
   * Steady state (and a completed deployment) when every task could be placed and started. With the circuit breaker
   * on, a deployment whose new tasks all failed to start fails (ECS counts failures over several attempts; one
   * round of them is the local stand-in). Unplaced tasks leave the service short: nothing is steady yet.
   */
  #closingEvents(ref: ServiceRef, deploymentId: string | undefined, circuitBreaker: boolean, applied: Applied[]): AwsEvent[] {
    if (applied.some((result) => result.placementFailed)) return [];
    const done = new Date();
    const started = applied.flatMap((result) => result.started);
    const failedToStart = started.filter((taskArn) => this.#deps.lifecycle.get(taskArn)?.stopCode === STOP_CODES.taskFailedToStart);
    if (deploymentId && circuitBreaker && started.length > 0 && failedToStart.length === started.length) {
      return [deploymentStateChangeEvent(ref, 'SERVICE_DEPLOYMENT_FAILED', deploymentId, done)];
    }
    const closing = [serviceSteadyStateEvent(ref, done)];
    if (deploymentId) closing.unshift(deploymentStateChangeEvent(ref, 'SERVICE_DEPLOYMENT_COMPLETED', deploymentId, done));
    return closing;
  }

  #running(groupKey: string): { taskArn: string; taskDefinitionArn: string }[] {
    const members = this.#members.get(groupKey) ?? new Set<string>();
    return [...members].flatMap((taskArn) => {
      const record = this.#deps.lifecycle.get(taskArn);
      return record && record.desiredStatus === 'RUNNING' ? [{ taskArn, taskDefinitionArn: record.taskDefinitionArn }] : [];
    });
  }

  async #apply(ref: ServiceRef, group: TaskGroup, plan: ReconcilePlan): Promise<Applied> {
    const reason = `Scaling activity initiated by (deployment ${group.startedBy})`;
    const [applied] = await Promise.all([
      this.#start(ref, group, plan.start),
      ...plan.stop.map((taskArn) => this.#deps.lifecycle.stop(taskArn, reason, schedulerStopSteps(reason))),
    ]);
    return applied;
  }

  async #stopAll(groupKey: string, known: Set<string>): Promise<void> {
    const reason = 'Task set deleted';
    await Promise.all(
      this.#running(groupKey).map(({ taskArn }) => this.#deps.lifecycle.stop(taskArn, reason, schedulerStopSteps(reason))),
    );
    this.#members.delete(groupKey);
    known.delete(groupKey);
  }

  async #start(ref: ServiceRef, group: TaskGroup, count: number): Promise<Applied> {
    const applied: Applied = { started: [], placementFailed: false };
    if (count <= 0 || !group.taskDefinition) return applied;
    const launchType = group.launchType ?? 'FARGATE';
    const containerInstances = launchType === 'FARGATE' ? [] : await this.#containerInstancesOf(group.clusterArn);
    const placementFailure = this.#deps.faults.placementFailure(group.taskDefinition, launchType);
    if (placementFailure !== undefined) {
      const tried = launchType === 'FARGATE' ? { capacityProviderArns: [capacityProviderArn(ref.serviceArn, 'FARGATE')] } : { containerInstanceArns: containerInstances };
      await this.#deps.emitter.emit(servicePlacementFailureEvent(ref, placementFailure, tried, new Date()));
      return { ...applied, placementFailed: true };
    }
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
      for (const task of tasks) {
        if (!task.taskArn) continue;
        members.add(task.taskArn);
        applied.started.push(task.taskArn);
      }
      // EC2 tasks are spread over the cluster's container instances, in turn.
      await Promise.all(
        tasks.map((task) => {
          const containerInstanceArn = containerInstances[this.#placements++ % Math.max(1, containerInstances.length)];
          return this.#deps.lifecycle.started([task], { launchType, ...(containerInstanceArn ? { containerInstanceArn } : {}) });
        }),
      );
    }
    return applied;
  }

  /**
   * moto places EC2 tasks only with resources it tracks per registered instance, so tasks run as FARGATE in moto
   * (see #start) and report their launch type; the container instance they report is one of the cluster's, or one
   * the runtime registers (on an EC2 instance it launches in moto) when the cluster has none.
   */
  #containerInstancesOf(clusterArn: string): Promise<string[]> {
    let instances = this.#containerInstances.get(clusterArn);
    if (!instances) {
      instances = this.#listOrRegisterContainerInstances(clusterArn).catch((error: unknown) => {
        console.error(`[local-runtime] no container instance for ${clusterArn}:`, error);
        return [];
      });
      this.#containerInstances.set(clusterArn, instances);
    }
    return instances;
  }

  async #listOrRegisterContainerInstances(clusterArn: string): Promise<string[]> {
    const listed = await this.#deps.ecs.send(new ListContainerInstancesCommand({ cluster: clusterArn }));
    if (listed.containerInstanceArns?.length) return listed.containerInstanceArns;
    const launched = await this.#deps.ec2.send(new RunInstancesCommand({ ImageId: 'ami-0ecs0local0000000', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }));
    const instance = launched.Instances?.[0];
    const identity = { instanceId: instance?.InstanceId, availabilityZone: instance?.Placement?.AvailabilityZone, region: clusterArn.split(':')[3] };
    const registered = await this.#deps.ecs.send(new RegisterContainerInstanceCommand({ cluster: clusterArn, instanceIdentityDocument: JSON.stringify(identity) }));
    const arn = registered.containerInstance?.containerInstanceArn;
    return arn ? [arn] : [];
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

/** `arn:aws:ecs:<region>:<account>:capacity-provider/<name>`, in the service's region and account. */
function capacityProviderArn(serviceArn: string, name: string): string {
  return `${serviceArn.slice(0, serviceArn.indexOf(':service/'))}:capacity-provider/${name}`;
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
