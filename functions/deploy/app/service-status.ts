import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, paginateListTasks, type ECSClient, type ListTasksCommandInput, type TaskSet } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeRulesCommand, type Action, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScalingActivity } from '../../scaling/index.ts';
import { AnalysisStore } from '../../analysis/index.ts';
import { collectPages } from '../../kernel/aws/calls.ts';
import { inParallel } from '../../kernel/concurrency.ts';
import type { TableNames } from '../../kernel/environment.ts';
import { DeploymentStore } from '../adapters/deployment-store.ts';
import type { DeployConfig } from '../config.ts';
import { deploymentRecord, serviceStatus, type DeploymentRecord, type LiveTaskSet, type ServiceStatus, type StatusFacts, type TaskCounts } from '../domain/service-status.ts';

/**
 * Reads what `harbormaster status` and `harbormaster deploys` show (docs/decisions/0014): ECS (the service, its task
 * sets, their tasks and task definitions), the production route's weights, the deployment store, and the last
 * scaling activity; domain/service-status.ts shapes it.
 */

export interface StatusTarget {
  name: string;
  cluster: string;
  service: string;
  deploy?: Pick<DeployConfig, 'image' | 'loadBalancer'>;
}

export interface ServiceStatusDependencies {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  deployments: DeploymentStore;
  /** The service's newest scaling activity (the scaling capability's history). */
  lastScaling: (cluster: string, service: string) => Promise<ScalingActivity | undefined>;
  /** The running deployment's canary-analysis measurements. */
  analysis?: AnalysisStore;
}

/** Measurements a status shows: the newest few, enough for the current step's metrics. */
const RECENT_MEASUREMENTS = 6;

/** Deployments read with a status: enough to find the last one that ended and the tag of a live digest. */
const RECENT_DEPLOYMENTS = 10;
/** Services read at once by the overview: ECS and ELB rate limits are per account. */
const OVERVIEW_PARALLELISM = 4;
/** DescribeTasks takes at most 100 task ARNs per call. */
const DESCRIBE_TASKS_MAX = 100;

export class ServiceStatusReader {
  private readonly deps: ServiceStatusDependencies;
  /** Task definitions never change: each is described once per reader (a watch reads them every poll). */
  private readonly images = new Map<string, Promise<string | undefined>>();

  constructor(deps: ServiceStatusDependencies) {
    this.deps = deps;
  }

  /** One service; `countTasks` lists each task set's tasks (two more calls per task set). */
  async read(target: StatusTarget, options: { now: Date; countTasks: boolean }): Promise<ServiceStatus> {
    const { cluster, service } = target;
    const { deployments } = this.deps;
    const [described, routeWeights, holder, queued, recent, lastScaling] = await Promise.all([
      this.deps.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })),
      target.deploy ? this.routeWeights(target.deploy.loadBalancer.production) : undefined,
      deployments.lockHolder(cluster, service),
      deployments.queued(cluster, service),
      deployments.history(cluster, service, RECENT_DEPLOYMENTS),
      this.deps.lastScaling(cluster, service),
    ]);
    const active = described.services?.find((candidate) => candidate.status === 'ACTIVE');
    const [lock, live] = await Promise.all([
      holder === undefined
        ? undefined
        : Promise.all([
            deployments.getDeployment(cluster, service, holder),
            deployments.steps(cluster, service, holder),
            this.deps.analysis?.measurements(cluster, service, holder, RECENT_MEASUREMENTS) ?? [],
          ]).then(([deployment, steps, measurements]) => ({
            deploymentId: holder,
            ...(deployment ? { deployment } : {}),
            steps,
            ...(measurements.length > 0 ? { measurements } : {}),
          })),
      active ? this.liveOf(target, active.desiredCount ?? 0, active.taskSets ?? [], options.countTasks) : undefined,
    ]);
    const taskDefinitions = [...(live?.taskSets ?? []).map((taskSet) => taskSet.taskDefinitionArn), ...(active?.taskDefinition ? [active.taskDefinition] : [])];
    const images = await this.imagesOf(taskDefinitions, target);
    const facts: StatusFacts = {
      target: { name: target.name, cluster, service },
      observedAt: options.now,
      ...(live ? { live: { ...live, ...(active?.taskDefinition ? { taskDefinitionArn: active.taskDefinition } : {}) } } : {}),
      images,
      ...(routeWeights ? { routeWeights } : {}),
      ...(lock ? { lock } : {}),
      ...(queued ? { queued } : {}),
      recent,
      ...(lastScaling ? { lastScaling } : {}),
    };
    return serviceStatus(facts);
  }

  /** Every service; without counting tasks unless asked (two more calls per task set and service). */
  overview(targets: StatusTarget[], now: Date, options: { countTasks: boolean } = { countTasks: false }): Promise<ServiceStatus[]> {
    return inParallel(targets, OVERVIEW_PARALLELISM, (target) => this.read(target, { now, countTasks: options.countTasks }));
  }

  /** The service's deployments, newest first. */
  async history(target: Pick<StatusTarget, 'cluster' | 'service'>, limit: number, now: Date): Promise<DeploymentRecord[]> {
    return (await this.deps.deployments.history(target.cluster, target.service, limit)).map((deployment) => deploymentRecord(deployment, now));
  }

  private async liveOf(target: StatusTarget, desiredCount: number, taskSets: TaskSet[], countTasks: boolean): Promise<NonNullable<StatusFacts['live']>> {
    const { cluster, service } = target;
    const present = taskSets.filter((taskSet) => taskSet.status !== 'INACTIVE');
    const live = await Promise.all(
      present.map(async (taskSet): Promise<LiveTaskSet> => {
        const id = taskSet.id ?? '';
        return {
          taskSetArn: taskSet.taskSetArn ?? '',
          id,
          status: taskSet.status ?? 'UNKNOWN',
          ...(taskSet.externalId ? { externalId: taskSet.externalId } : {}),
          taskDefinitionArn: taskSet.taskDefinition ?? '',
          ...(taskSet.loadBalancers?.[0]?.targetGroupArn ? { targetGroupArn: taskSet.loadBalancers[0].targetGroupArn } : {}),
          // ECS reports computedDesiredCount: desiredCount × scale, rounded up; the local AWS does not.
          desiredTasks: taskSet.computedDesiredCount ?? Math.ceil((desiredCount * (taskSet.scale?.value ?? 100)) / 100),
          ...(countTasks ? { tasks: await this.countTasks(cluster, { startedBy: id }) } : {}),
        };
      }),
    );
    // A service on the ECS deployment controller has no task sets: its own tasks are counted.
    const serviceTasks = countTasks && present.length === 0 ? await this.countTasks(cluster, { serviceName: service }) : undefined;
    return { desiredCount, taskSets: live, ...(serviceTasks ? { serviceTasks } : {}) };
  }

  /**
   * Tasks meant to run (desired RUNNING), by their last status: counted from the tasks themselves, since a task set's
   * own counts lag behind them.
   */
  private async countTasks(cluster: string, filter: Pick<ListTasksCommandInput, 'startedBy' | 'serviceName'>): Promise<TaskCounts> {
    const ecs = this.deps.ecs;
    const arns = await collectPages('ListTasks', paginateListTasks({ client: ecs }, { cluster, ...filter, desiredStatus: 'RUNNING' }), (page) => page.taskArns);
    const counts: TaskCounts = { running: 0, pending: 0 };
    for (let start = 0; start < arns.length; start += DESCRIBE_TASKS_MAX) {
      const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(start, start + DESCRIBE_TASKS_MAX) }));
      for (const task of described.tasks ?? []) {
        if (task.lastStatus === 'RUNNING') counts.running += 1;
        else counts.pending += 1;
      }
    }
    return counts;
  }

  /** The image of the deployed container (the first the deploy configuration replaces, else the first). */
  private async imagesOf(taskDefinitions: string[], target: StatusTarget): Promise<Record<string, string>> {
    const arns = [...new Set(taskDefinitions.filter(Boolean))];
    const container = target.deploy?.image.containers[0];
    const images = await Promise.all(arns.map(async (arn) => [arn, await this.imageOf(arn, container)] as const));
    return Object.fromEntries(images.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
  }

  private imageOf(taskDefinitionArn: string, container: string | undefined): Promise<string | undefined> {
    const key = `${taskDefinitionArn}\n${container ?? ''}`;
    let image = this.images.get(key);
    if (!image) {
      image = this.deps.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })).then(({ taskDefinition }) => {
        const containers = taskDefinition?.containerDefinitions ?? [];
        return (containers.find((candidate) => candidate.name === container) ?? containers[0])?.image;
      });
      // A failed read is not remembered: the next poll asks again.
      image.catch(() => this.images.delete(key));
      this.images.set(key, image);
    }
    return image;
  }

  /** The forward weights of the production route: a listener rule's actions, or the listener's default actions. */
  private async routeWeights(route: { listenerArn: string; ruleArn?: string }): Promise<{ targetGroupArn: string; weight: number }[]> {
    const actions: Action[] = route.ruleArn
      ? ((await this.deps.elb.send(new DescribeRulesCommand({ RuleArns: [route.ruleArn] }))).Rules?.[0]?.Actions ?? [])
      : ((await this.deps.elb.send(new DescribeListenersCommand({ ListenerArns: [route.listenerArn] }))).Listeners?.[0]?.DefaultActions ?? []);
    const forward = actions.find((action) => action.Type === 'forward');
    if (forward?.ForwardConfig?.TargetGroups?.length) {
      return forward.ForwardConfig.TargetGroups.map((group) => ({ targetGroupArn: group.TargetGroupArn ?? '', weight: group.Weight ?? 0 }));
    }
    return forward?.TargetGroupArn ? [{ targetGroupArn: forward.TargetGroupArn, weight: 100 }] : [];
  }
}

export interface StatusClients {
  documents: DynamoDBDocumentClient;
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
}

/** The status reader as an operator's tools build it: the stack's tables, and the scaling history's reader. */
export function operatorServiceStatus(clients: StatusClients, tables: TableNames, lastScaling: ServiceStatusDependencies['lastScaling']): ServiceStatusReader {
  return new ServiceStatusReader({
    ecs: clients.ecs,
    elb: clients.elb,
    deployments: new DeploymentStore(clients.documents, tables),
    lastScaling,
    analysis: new AnalysisStore(clients.documents, tables),
  });
}
