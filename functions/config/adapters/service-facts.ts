import { DescribeServicesCommand, DescribeTaskDefinitionCommand, paginateListClusters, paginateListServices, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import {
  paginateDescribeListeners,
  paginateDescribeRules,
  paginateDescribeTargetGroups,
  type Action,
  type ElasticLoadBalancingV2Client,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { callAws, collectPages } from '../../kernel/aws/calls.ts';
import type { LoadBalancerFact, RouteFact, ServiceFacts } from '../domain/starter-config.ts';

/**
 * What `harbormaster init` reads of an existing service (domain/starter-config.ts decides what to make of it): the
 * service and its task sets' load balancers (EXTERNAL); the task definition's containers; every
 * listener and rule of the target groups' load balancers. Every Describe pages.
 */

/** The cluster or the service does not exist (or the service was deleted); `known` lists what does, for the message. */
export class ServiceNotFoundError extends Error {
  override readonly name = 'ServiceNotFoundError';
  readonly missing: 'cluster' | 'service';
  readonly known: string[];

  constructor(message: string, missing: 'cluster' | 'service', known: string[]) {
    super(message);
    this.missing = missing;
    this.known = known;
  }
}

/** ALB listener rules; NLB and GWLB listeners have only their default action. */
const RULE_PROTOCOLS = new Set(['HTTP', 'HTTPS']);
/** DescribeTargetGroups takes at most 20 target group ARNs at a time. */
const TARGET_GROUPS_PER_CALL = 20;

export class ServiceFactsReader {
  private readonly ecs: ECSClient;
  private readonly elb: ElasticLoadBalancingV2Client;

  constructor(clients: { ecs: ECSClient; elb: ElasticLoadBalancingV2Client }) {
    this.ecs = clients.ecs;
    this.elb = clients.elb;
  }

  async read(cluster: string, service: string): Promise<ServiceFacts> {
    const described = await this.describeService(cluster, service);
    // Task sets (EXTERNAL and CODE_DEPLOY services), the primary first: its target group is blue.
    const taskSets = (described.taskSets ?? []).filter((taskSet) => taskSet.status !== 'INACTIVE').sort((a, b) => Number(b.status === 'PRIMARY') - Number(a.status === 'PRIMARY'));
    const loadBalancers = uniqueBy(
      [...taskSets.flatMap((taskSet) => taskSet.loadBalancers ?? []), ...(described.loadBalancers ?? [])]
        .filter((lb) => lb.targetGroupArn)
        .map((lb): LoadBalancerFact => ({ targetGroupArn: lb.targetGroupArn ?? '', ...(lb.containerName ? { containerName: lb.containerName } : {}), ...(lb.containerPort === undefined ? {} : { containerPort: lb.containerPort }) })),
      (lb) => lb.targetGroupArn,
    );
    const taskDefinitionArn = taskSets[0]?.taskDefinition ?? described.taskDefinition ?? '';
    const [containers, routes] = await Promise.all([this.containers(taskDefinitionArn), this.routes(loadBalancers.map((lb) => lb.targetGroupArn))]);
    return {
      // Names, also when the caller passed ARNs (ECS takes both).
      cluster: described.clusterArn ? described.clusterArn.slice(described.clusterArn.lastIndexOf('/') + 1) : cluster,
      service: described.serviceName ?? service,
      serviceArn: described.serviceArn ?? '',
      deploymentController: described.deploymentController?.type ?? 'ECS',
      desiredCount: described.desiredCount ?? 0,
      taskDefinitionArn,
      containers,
      loadBalancers,
      routes,
    };
  }

  private async describeService(cluster: string, service: string): Promise<Service> {
    const answer = await callAws('DescribeServices', () => this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).catch(async (error: unknown) => {
      if ((error as Error).cause instanceof Error && ((error as Error).cause as Error).name === 'ClusterNotFoundException') {
        throw new ServiceNotFoundError(`No cluster ${cluster}`, 'cluster', await this.clusterNames());
      }
      throw error;
    });
    const found = answer.services?.find((candidate) => candidate.serviceName === service || candidate.serviceArn === service);
    if (!found || found.status !== 'ACTIVE') {
      const gone = found ? ` (it is ${found.status?.toLowerCase()})` : '';
      throw new ServiceNotFoundError(`No active service ${service} in cluster ${cluster}${gone}`, 'service', await this.serviceNames(cluster));
    }
    return found;
  }

  private async containers(taskDefinitionArn: string): Promise<ServiceFacts['containers']> {
    if (!taskDefinitionArn) return [];
    const answer = await callAws('DescribeTaskDefinition', () => this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })));
    return (answer.taskDefinition?.containerDefinitions ?? []).map((container) => ({ name: container.name ?? '', image: container.image ?? '', essential: container.essential !== false }));
  }

  /** Every default action and rule, of every listener of the load balancers the target groups belong to. */
  private async routes(targetGroupArns: string[]): Promise<RouteFact[]> {
    const targetGroups = (
      await Promise.all(
        chunks(targetGroupArns, TARGET_GROUPS_PER_CALL).map((TargetGroupArns) =>
          collectPages('DescribeTargetGroups', paginateDescribeTargetGroups({ client: this.elb }, { TargetGroupArns }), (page) => page.TargetGroups),
        ),
      )
    ).flat();
    const loadBalancerArns = [...new Set(targetGroups.flatMap((group) => group.LoadBalancerArns ?? []))];
    const listeners = (
      await Promise.all(loadBalancerArns.map((LoadBalancerArn) => collectPages('DescribeListeners', paginateDescribeListeners({ client: this.elb }, { LoadBalancerArn }), (page) => page.Listeners)))
    ).flat();
    const routes = await Promise.all(
      listeners.map(async (listener): Promise<RouteFact[]> => {
        const listenerArn = listener.ListenerArn ?? '';
        const at = { listenerArn, ...(listener.Protocol ? { protocol: listener.Protocol } : {}), ...(listener.Port === undefined ? {} : { port: listener.Port }) };
        const rules = RULE_PROTOCOLS.has(listener.Protocol ?? '')
          ? await collectPages('DescribeRules', paginateDescribeRules({ client: this.elb }, { ListenerArn: listenerArn }), (page) => page.Rules)
          : [];
        return [
          { ...at, forwardsTo: forwardTargets(listener.DefaultActions) },
          ...rules
            .filter((rule) => !rule.IsDefault)
            .map((rule) => ({ ...at, rule: { arn: rule.RuleArn ?? '', priority: rule.Priority ?? '', conditions: (rule.Conditions ?? []).map(describeCondition) }, forwardsTo: forwardTargets(rule.Actions) })),
        ];
      }),
    );
    return routes.flat().filter((route) => route.forwardsTo.length > 0);
  }

  private async clusterNames(): Promise<string[]> {
    const arns = await collectPages('ListClusters', paginateListClusters({ client: this.ecs }, {}), (page) => page.clusterArns);
    return arns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)).sort();
  }

  private async serviceNames(cluster: string): Promise<string[]> {
    const arns = await collectPages('ListServices', paginateListServices({ client: this.ecs }, { cluster }), (page) => page.serviceArns);
    return arns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)).sort();
  }
}

/** A forward action names one target group (TargetGroupArn) or several with weights (ForwardConfig). */
function forwardTargets(actions: Action[] | undefined): string[] {
  const forwards = (actions ?? []).filter((action) => action.Type === 'forward');
  return [...new Set(forwards.flatMap((action) => [...(action.ForwardConfig?.TargetGroups ?? []).map((group) => group.TargetGroupArn), action.TargetGroupArn]).filter((arn): arn is string => !!arn))];
}

/** `path-pattern /api/*`, `host-header api.example.com`: for the starter's comments. */
function describeCondition(condition: RuleCondition): string {
  const values =
    condition.Values ??
    condition.PathPatternConfig?.Values ??
    condition.HostHeaderConfig?.Values ??
    condition.HttpRequestMethodConfig?.Values ??
    condition.SourceIpConfig?.Values ??
    condition.HttpHeaderConfig?.Values?.map((value) => `${condition.HttpHeaderConfig?.HttpHeaderName}: ${value}`) ??
    condition.QueryStringConfig?.Values?.map((pair) => (pair.Key ? `${pair.Key}=${pair.Value}` : (pair.Value ?? ''))) ??
    [];
  return [condition.Field, values.join(', ')].filter(Boolean).join(' ');
}

function chunks<T>(values: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(values.length / size) }, (_, index) => values.slice(index * size, (index + 1) * size));
}

function uniqueBy<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => !seen.has(key(value)) && seen.add(key(value)));
}
