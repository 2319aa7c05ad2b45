import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import {
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  paginateListTasks,
  RegisterTaskDefinitionCommand,
  UpdateServicePrimaryTaskSetCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyRuleCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { collectPages } from '../../kernel/aws/calls.ts';
import type { GreenTask } from '../domain/deployment-health.ts';
import { callAws } from '../../kernel/aws/calls.ts';

export interface WeightedRoute {
  listenerArn: string;
  ruleArn?: string;
}

export interface BlueGreenClients {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  lambda: LambdaClient;
}

/** The ECS, ELBv2, CloudWatch and Lambda calls the blue/green workflow makes from its Lambda. */
export class BlueGreenAws {
  private readonly clients: BlueGreenClients;

  constructor(clients: BlueGreenClients) {
    this.clients = clients;
  }

  async describeService(cluster: string, service: string): Promise<Service | undefined> {
    const answer = await this.call(`DescribeServices ${cluster}/${service}`, () =>
      this.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    return answer.services?.find((candidate) => candidate.status === 'ACTIVE');
  }

  async describeTaskDefinition(taskDefinition: string): Promise<{ taskDefinition: Record<string, unknown>; tags: Record<string, unknown>[] }> {
    const answer = await this.call(`DescribeTaskDefinition ${taskDefinition}`, () =>
      this.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })),
    );
    return { taskDefinition: (answer.taskDefinition ?? {}) as Record<string, unknown>, tags: (answer.tags ?? []) as Record<string, unknown>[] };
  }

  async registerTaskDefinition(input: Record<string, unknown>): Promise<string> {
    const answer = await this.call(`RegisterTaskDefinition ${String(input['family'])}`, () =>
      this.clients.ecs.send(new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput)),
    );
    return answer.taskDefinition?.taskDefinitionArn ?? '';
  }

  /** Every task a task set started (ECS sets startedBy to the task set id), stopped ones included: every page of both. */
  async taskSetTasks(cluster: string, taskSetId: string): Promise<GreenTask[]> {
    const arns = (
      await Promise.all(
        (['RUNNING', 'STOPPED'] as const).map((desiredStatus) =>
          collectPages(
            `ListTasks ${taskSetId} ${desiredStatus}`,
            paginateListTasks({ client: this.clients.ecs }, { cluster, startedBy: taskSetId, desiredStatus }),
            (page) => page.taskArns,
            (what, send) => this.call(what, send),
          ),
        ),
      )
    ).flat();
    const tasks: GreenTask[] = [];
    // DescribeTasks takes at most 100 task ARNs per call.
    for (let start = 0; start < arns.length; start += 100) {
      const answer = await this.call('DescribeTasks', () => this.clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(start, start + 100) })));
      for (const task of answer.tasks ?? []) {
        tasks.push({
          taskArn: task.taskArn ?? '',
          lastStatus: task.lastStatus ?? 'UNKNOWN',
          ...(task.stopCode ? { stopCode: task.stopCode } : {}),
          ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
          containers: (task.containers ?? []).map((container) => ({
            name: container.name ?? '',
            lastStatus: container.lastStatus ?? 'UNKNOWN',
            ...(container.exitCode !== undefined ? { exitCode: container.exitCode } : {}),
            ...(container.reason ? { reason: container.reason } : {}),
          })),
        });
      }
    }
    return tasks;
  }

  /**
   * The state of each rollback alarm: metric alarms (static threshold, metric math or anomaly detection band) and
   * composite alarms alike, which DescribeAlarms returns only when asked for by AlarmTypes (docs/decisions/0007).
   */
  async alarmStates(alarmNames: string[]): Promise<{ name: string; state: string }[]> {
    if (alarmNames.length === 0) return [];
    const found: { name: string; state: string }[] = [];
    // DescribeAlarms takes at most 100 AlarmNames per call.
    for (let start = 0; start < alarmNames.length; start += 100) {
      const input = { AlarmNames: alarmNames.slice(start, start + 100), AlarmTypes: ['MetricAlarm' as const, 'CompositeAlarm' as const] };
      const alarms = await collectPages(
        'DescribeAlarms',
        paginateDescribeAlarms({ client: this.clients.cloudwatch }, input),
        (page) => [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])],
        (what, send) => this.call(what, send),
      );
      found.push(...alarms.map((alarm) => ({ name: alarm.AlarmName ?? '', state: alarm.StateValue ?? 'INSUFFICIENT_DATA' })));
    }
    // A configured alarm that does not exist cannot protect the deploy: treat it as alarming, loudly.
    const missing = alarmNames.filter((name) => !found.some((alarm) => alarm.name === name)).map((name) => ({ name: `${name} (does not exist)`, state: 'ALARM' }));
    return [...found, ...missing];
  }

  /** Forwards the route to the two target groups with the given weights. */
  async setWeights(route: WeightedRoute, weights: { targetGroupArn: string; weight: number }[]): Promise<void> {
    const actions: Action[] = [
      { Type: 'forward', ForwardConfig: { TargetGroups: weights.map(({ targetGroupArn, weight }) => ({ TargetGroupArn: targetGroupArn, Weight: weight })) } },
    ];
    await this.call(`weights of ${route.ruleArn ?? route.listenerArn}`, () =>
      route.ruleArn
        ? this.clients.elb.send(new ModifyRuleCommand({ RuleArn: route.ruleArn, Actions: actions }))
        : this.clients.elb.send(new ModifyListenerCommand({ ListenerArn: route.listenerArn, DefaultActions: actions })),
    );
  }

  async setPrimaryTaskSet(cluster: string, service: string, taskSetArn: string): Promise<void> {
    await this.call(`UpdateServicePrimaryTaskSet ${taskSetArn}`, () =>
      this.clients.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster, service, primaryTaskSet: taskSetArn })),
    );
  }

  async deleteTaskSet(cluster: string, service: string, taskSetArn: string): Promise<void> {
    await this.call(`DeleteTaskSet ${taskSetArn}`, () => this.clients.ecs.send(new DeleteTaskSetCommand({ cluster, service, taskSet: taskSetArn, force: true })));
  }

  /** Invokes a pre-traffic hook Lambda; its error (or a `{ passed: false }` answer) fails the check. */
  async invokeHook(functionName: string, payload: unknown): Promise<{ passed: boolean; detail: string }> {
    const answer = await this.call(`Invoke ${functionName}`, () =>
      this.clients.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) })),
    );
    const body = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
    if (answer.FunctionError) return { passed: false, detail: `${functionName} failed: ${body}` };
    const result = body ? (JSON.parse(body) as { passed?: unknown }) : {};
    return { passed: result.passed !== false, detail: body };
  }

  /** Throttling and server errors become EcsThrottledError/AwsServerError, which the machine retries for minutes. */
  private call<T>(what: string, send: () => Promise<T>): Promise<T> {
    return callAws(what, send);
  }
}
