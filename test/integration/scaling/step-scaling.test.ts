import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudWatchClient, PutCompositeAlarmCommand, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { ConfigStore } from '../../../functions/config/adapters/config-store.ts';
import { scalingStateKey } from '../../../functions/scaling/adapters/scaling-items.ts';
import { createCpuAlarm, defaultAwsvpcConfiguration, fireAlarm, registerFargateTaskDefinition, resolveAlarm } from '../../../local/sample-resources.ts';
import { AWS_SAMPLES } from '../../fixtures/aws-events.ts';
import { OUTBOX_TABLE, STATE_TABLE, getItem, putEvents, queryByOwner, scanAll, useDeployedStack, type StackUnderTest } from '../support.ts';
import { waitFor } from '../../../local/wait.ts';

/**
 * Step scaling end to end on the local AWS: SetAlarmState → `CloudWatch Alarm State Change` → startScaling →
 * step-scaling state machine → evaluateScaling → UpdateService, asserted on ECS, DynamoDB and executions.
 */

const stack = useDeployedStack();

const CLUSTER = 'prod';
const ACCOUNT = '123456789012';
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:harbormaster-local-step-scaling`;
const HIGH = 'web-cpu-high';
const LOW = 'web-cpu-low';

interface Clients {
  ecs: ECSClient;
  cloudwatch: CloudWatchClient;
  sfn: SFNClient;
  configs: ConfigStore;
}

function clients(from: StackUnderTest): Clients {
  const config = from.aws.clientConfig;
  return { ecs: new ECSClient(config), cloudwatch: new CloudWatchClient(config), sfn: new SFNClient(config), configs: new ConfigStore(from.documents, STATE_TABLE) };
}

const changeInCapacity = (alarmName: string, steps: Array<[number | undefined, number | undefined, number]>, cooldown = 300) => ({
  alarmName,
  adjustmentType: 'ChangeInCapacity',
  cooldown,
  stepAdjustments: steps.map(([lower, upper, scalingAdjustment]) => ({
    ...(lower === undefined ? {} : { metricIntervalLowerBound: lower }),
    ...(upper === undefined ? {} : { metricIntervalUpperBound: upper }),
    scalingAdjustment,
  })),
});
/** +2 from 0 to 10 above the threshold, +3 beyond: the AWS cooldown example's steps. */
const scaleOutPolicy = changeInCapacity(HIGH, [[0, 10, 2], [10, undefined, 3]]);
const scaleInPolicy = changeInCapacity(LOW, [[-10, 0, -1], [undefined, -10, -2]]);

/** An ECS-controller service with `desiredCount` tasks, its scaling configuration, and its alarms (in OK). */
async function scaledService(
  c: Clients,
  options: { service?: string; desiredCount: number; policies: unknown[]; maxEvaluations?: number; createService?: boolean },
): Promise<string> {
  const service = options.service ?? 'web';
  await c.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  if (options.createService !== false) {
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: service,
        taskDefinition: (await registerFargateTaskDefinition(c.ecs, 'web', 'nginx:1')).taskDefinitionArn,
        desiredCount: options.desiredCount,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: await defaultAwsvpcConfiguration(stack.aws.clientConfig) },
      }),
    );
  }
  await c.configs.putServiceConfig(
    {
      cluster: CLUSTER,
      service,
      scaling: { minCapacity: 1, maxCapacity: 10, evaluationIntervalSeconds: 1, maxEvaluations: options.maxEvaluations ?? 30, policies: options.policies },
    },
    0,
  );
  await createCpuAlarm(c.cloudwatch, { name: HIGH, cluster: CLUSTER, service, threshold: 70, comparison: 'GreaterThanOrEqualToThreshold' });
  await createCpuAlarm(c.cloudwatch, { name: LOW, cluster: CLUSTER, service, threshold: 30, comparison: 'LessThanThreshold' });
  return service;
}

async function putCpu(cloudwatch: CloudWatchClient, service: string, value: number): Promise<void> {
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ECS',
      MetricData: [
        {
          MetricName: 'CPUUtilization',
          Dimensions: [
            { Name: 'ClusterName', Value: CLUSTER },
            { Name: 'ServiceName', Value: service },
          ],
          Value: value,
          Timestamp: new Date(),
        },
      ],
    }),
  );
}

/** The service's scaling activities, oldest first. */
async function activities(service: string): Promise<Array<Record<string, unknown>>> {
  return (await queryByOwner(stack.documents, `SERVICE#${CLUSTER}#${service}`, 'SCALING#')).reverse();
}

async function activityCount(service: string, count: number): Promise<Array<Record<string, unknown>>> {
  return waitFor(`${count} scaling activities of ${service}`, async () => {
    const found = await activities(service);
    return found.length >= count ? found : undefined;
  });
}

async function desiredCount(ecs: ECSClient, service: string): Promise<number | undefined> {
  return (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }))).services?.[0]?.desiredCount;
}

async function executions(sfn: SFNClient): Promise<ExecutionListItem[]> {
  return (await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }))).executions ?? [];
}

/** Waits for every scaling execution to end and returns their final statuses. */
async function finishedExecutions(sfn: SFNClient): Promise<string[]> {
  return waitFor('scaling executions to finish', async () => {
    const listed = await executions(sfn);
    const statuses = await Promise.all(listed.map(async (execution) => (await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }))).status ?? '')); // prettier-ignore
    return listed.length > 0 && statuses.every((status) => status !== 'RUNNING') ? statuses : undefined;
  });
}

async function notifications(): Promise<Array<Record<string, unknown>>> {
  return (await scanAll(stack.documents, OUTBOX_TABLE)).sort((a, b) => String(a['createdAt']).localeCompare(String(b['createdAt'])));
}

const summary = (activity: Record<string, unknown>) => [activity['evaluation'], activity['outcome'], activity['fromCapacity'], activity['toCapacity']];

/**
 * An execution already running when its alarm is replaced by a composite or an anomaly-detection alarm of the same
 * name: the alarm's own events start nothing for such alarms (startScaling), so the execution is started as the
 * starter would, to check the machine's answer when it re-reads the alarm.
 */
async function evaluateReplacedAlarm(c: ReturnType<typeof clients>, alarmName: string, service: string): Promise<void> {
  await c.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'Threshold Crossed' }));
  await stack.aws.runtime.idle();
  await c.sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: `replaced-${alarmName}`, input: JSON.stringify({ alarmName, cluster: CLUSTER, service, evaluation: 1 }) }));
  await stack.aws.runtime.idle();
}

describe('step scaling from CloudWatch alarms', () => {
  it('scales the service when its alarm goes to ALARM, records the activity, and stops when the alarm leaves ALARM', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [scaleOutPolicy] });

    await fireAlarm(c.cloudwatch, HIGH, 85);
    await waitFor('desired count 5', async () => (await desiredCount(c.ecs, service)) === 5);
    const [first] = await activityCount(service, 1);
    await resolveAlarm(c.cloudwatch, HIGH);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);

    assert.equal(first?.['alarmName'], HIGH);
    assert.equal(first?.['metric'], 85);
    assert.equal(first?.['threshold'], 70);
    assert.deepEqual(first?.['step'], { metricIntervalLowerBound: 10, scalingAdjustment: 3 });
    assert.deepEqual(summary(first ?? {}), [1, 'scaled', 2, 5]);
    assert.equal(first?.['reason'], 'step [10, +∞] +3 for metric 85 (threshold 70): scale out from 2 to 5');
    const state = await getItem(stack.documents, scalingStateKey(CLUSTER, service));
    assert.equal((state?.['cooldowns'] as { scaleOut: { baseCapacity: number } }).scaleOut.baseCapacity, 2);
    const [announced] = await notifications();
    assert.equal(announced?.['kind'], 'scale-activity');
    assert.match(String(announced?.['subject']), /^Alarm web-cpu-high: prod\/web scaled from 2 to 5/);
    await stack.aws.runtime.idle();
    const running = (await c.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service, desiredStatus: 'RUNNING' }))).taskArns ?? [];
    assert.equal(running.length, 5, 'the local ECS scheduler runs the new desired count');
  });

  it('re-evaluates while the alarm stays in ALARM, honouring the scale-out cooldown (AWS cooldown example)', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [scaleOutPolicy] });

    await fireAlarm(c.cloudwatch, HIGH, 75); // +2: 2 → 4, cooldown starts
    await activityCount(service, 1);
    await putCpu(c.cloudwatch, service, 85); // a step of +3 during the cooldown: only 1 more
    const history = await activityCount(service, 3);
    await resolveAlarm(c.cloudwatch, HIGH);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);

    assert.deepEqual(history.slice(0, 3).map(summary), [
      [1, 'scaled', 2, 4],
      [2, 'scaled', 4, 5],
      [3, 'no-action', 5, undefined],
    ]);
    assert.match(String(history[2]?.['reason']), /scale-out cooldown until .*; capacity 5 already covers this step from 2/);
    assert.equal(await desiredCount(c.ecs, service), 5);
    assert.deepEqual(
      (await notifications()).map((notification) => notification['kind']),
      ['scale-activity', 'scale-activity'],
      'actions are announced; a quiet re-evaluation is only recorded',
    );
  });

  it('scales in on a low alarm after OK → ALARM, then waits for the scale-in cooldown', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 5, policies: [scaleInPolicy] });

    await putCpu(c.cloudwatch, service, 15);
    await fireAlarm(c.cloudwatch, LOW, 15); // 15 below 30: the (-∞, -10] step, -2
    const history = await activityCount(service, 2);
    await resolveAlarm(c.cloudwatch, LOW);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);

    assert.deepEqual(history.slice(0, 2).map(summary), [
      [1, 'scaled', 5, 3],
      [2, 'no-action', 3, undefined],
    ]);
    assert.match(String(history[1]?.['reason']), /scale-in cooldown until/);
    assert.equal(await desiredCount(c.ecs, service), 3);
  });

  it('starts one execution per alarm transition: redelivered alarm events never scale twice', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [changeInCapacity(HIGH, [[0, undefined, 1]], 0)] });

    await fireAlarm(c.cloudwatch, HIGH, 75);
    await activityCount(service, 1);
    const emitted = stack.aws.runtime.emitter.emitted.find((event) => event.detailType === 'CloudWatch Alarm State Change');
    assert.ok(emitted);
    const redelivery = { source: emitted.source, 'detail-type': emitted.detailType, detail: emitted.detail, resources: emitted.resources, time: emitted.time?.toISOString() };
    await putEvents(stack.events, [redelivery, redelivery]);
    await stack.aws.runtime.idle();
    await resolveAlarm(c.cloudwatch, HIGH);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);

    const starts = stack.aws.runtime.invocations.filter((call) => call.functionName.endsWith('-startScaling'));
    assert.equal(starts.length, 3);
    assert.ok(starts.every((call) => call.ok));
    const scaled = (await activities(service)).filter((activity) => activity['outcome'] === 'scaled');
    assert.deepEqual(scaled.map(summary), [[1, 'scaled', 2, 3]], 'one scale-out for one transition, although the zero cooldown would allow more');
    assert.equal(await desiredCount(c.ecs, service), 3);
  });

  it('scales a service mid blue/green deploy: both task sets follow the desired count by their scale', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [scaleOutPolicy], createService: false });
    await c.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: service, desiredCount: 2, deploymentController: { type: 'EXTERNAL' } }));
    const definition = (await registerFargateTaskDefinition(c.ecs, 'web', 'nginx:1')).taskDefinitionArn;
    const networkConfiguration = { awsvpcConfiguration: await defaultAwsvpcConfiguration(stack.aws.clientConfig) };
    const taskSet = async (scale: number) =>
      (await c.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service, taskDefinition: definition, launchType: 'FARGATE', networkConfiguration, scale: { value: scale, unit: 'PERCENT' } })))
        .taskSet?.id ?? '';
    const blue = await taskSet(100);
    const green = await taskSet(50);
    await stack.aws.runtime.idle();
    const runningPerTaskSet = async () => {
      const arns = (await c.ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'RUNNING' }))).taskArns ?? [];
      const tasks = arns.length ? ((await c.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? []) : [];
      return { blue: tasks.filter((task) => task.startedBy === blue).length, green: tasks.filter((task) => task.startedBy === green).length };
    };
    assert.deepEqual(await runningPerTaskSet(), { blue: 2, green: 1 });

    await fireAlarm(c.cloudwatch, HIGH, 75); // +2: 2 → 4
    await waitFor('desired count 4', async () => (await desiredCount(c.ecs, service)) === 4);
    await resolveAlarm(c.cloudwatch, HIGH);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);
    await stack.aws.runtime.idle();
    assert.deepEqual(await runningPerTaskSet(), { blue: 4, green: 2 });
  });

  it('stops after maxEvaluations while the alarm stays in ALARM, and announces it', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [scaleOutPolicy], maxEvaluations: 2 });
    await putCpu(c.cloudwatch, service, 75);

    await fireAlarm(c.cloudwatch, HIGH, 75);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);
    assert.deepEqual((await activities(service)).map(summary), [
      [1, 'scaled', 2, 4],
      [2, 'no-action', 4, undefined],
    ]);
    assert.deepEqual(
      (await notifications()).map((notification) => notification['kind']),
      ['scale-activity', 'scaling-limit-reached'],
    );
  });

  it('records and announces a failed evaluation, and fails the execution', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { service: 'ghost', desiredCount: 2, policies: [scaleOutPolicy], createService: false });

    await fireAlarm(c.cloudwatch, HIGH, 75);
    assert.deepEqual(await finishedExecutions(c.sfn), ['FAILED']);
    const [failed] = await activities(service);
    assert.equal(failed?.['outcome'], 'failed');
    assert.match(String(failed?.['reason']), /^EcsServiceNotFoundError: ECS service ghost in cluster prod cannot be scaled/);
    const [announced] = await notifications();
    assert.equal(announced?.['kind'], 'scale-failed');
  });

  it('records a failure when the alarm cannot be read, after retrying', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [scaleOutPolicy] });
    stack.aws.runtime.faults.throttle({ service: 'cloudwatch', operation: 'DescribeAlarms', times: 3 });

    await fireAlarm(c.cloudwatch, HIGH, 75);
    assert.deepEqual(await finishedExecutions(c.sfn), ['FAILED']);
    const [failed] = await activities(service);
    assert.equal(failed?.['outcome'], 'failed');
    assert.match(String(failed?.['reason']), /Rate exceeded/);
    assert.equal(await desiredCount(c.ecs, service), 2);
  });

  it('answers an alarm replaced by a composite alarm once with no action and ends: it has no metric or threshold', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [changeInCapacity('web-health', [[0, undefined, 2]])] });
    await c.cloudwatch.send(new PutCompositeAlarmCommand({ AlarmName: 'web-health', AlarmRule: `ALARM(${HIGH}) OR ALARM(${LOW})` }));

    await evaluateReplacedAlarm(c, 'web-health', service);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);
    assert.deepEqual((await activities(service)).map((activity) => [activity['evaluation'], activity['outcome'], activity['reason']]), [
      [1, 'no-action', 'alarm web-health is a composite alarm: it has no metric or threshold to measure steps from'],
    ]);
    assert.deepEqual((await notifications()).map((notification) => notification['kind']), ['scale-activity']);
    assert.equal(await desiredCount(c.ecs, service), 2);
  });

  it('answers an alarm replaced by an anomaly detection alarm once with no action and ends: no static threshold', async () => {
    const c = clients(stack);
    const service = await scaledService(c, { desiredCount: 2, policies: [changeInCapacity('web-cpu-anomaly', [[0, undefined, 2]])] });
    await c.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-cpu-anomaly',
        ComparisonOperator: 'GreaterThanUpperThreshold',
        EvaluationPeriods: 1,
        ThresholdMetricId: 'band',
        Metrics: [
          { Id: 'cpu', ReturnData: true, MetricStat: { Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ServiceName', Value: service }] }, Period: 60, Stat: 'Average' } },
          { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(cpu, 2)', ReturnData: true },
        ],
      }),
    );

    await evaluateReplacedAlarm(c, 'web-cpu-anomaly', service);
    assert.deepEqual(await finishedExecutions(c.sfn), ['SUCCEEDED']);
    assert.deepEqual((await activities(service)).map((activity) => [activity['evaluation'], activity['outcome'], activity['reason']]), [
      [1, 'no-action', 'alarm web-cpu-anomaly has no static threshold to measure steps from'],
    ]);
    assert.equal(await desiredCount(c.ecs, service), 2);
  });

  it('ignores alarms no service scales on, and rejects malformed alarm events', async () => {
    const c = clients(stack);
    await scaledService(c, { desiredCount: 2, policies: [scaleOutPolicy] });
    await createCpuAlarm(c.cloudwatch, { name: 'unrelated', cluster: CLUSTER, service: 'web', threshold: 1, comparison: 'GreaterThanThreshold' });
    await fireAlarm(c.cloudwatch, 'unrelated', 5);
    await putEvents(stack.events, [{ source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: HIGH, state: { value: 'ALARM' } }, resources: [], time: new Date().toISOString() }]);
    await stack.aws.runtime.idle();

    assert.deepEqual(await executions(c.sfn), []);
    const rejected = (await scanAll(stack.documents, STATE_TABLE)).filter((item) => item['kind'] === 'rejected-event');
    assert.deepEqual(rejected.map((item) => item['reason']), ['detail.previousState must be an object']);
  });

  it('starts nothing for a composite or an anomaly-detection alarm that a policy names (AWS samples of each)', async () => {
    const c = clients(stack);
    const { alarmComposite, alarmAnomalyDetection } = AWS_SAMPLES;
    await scaledService(c, { desiredCount: 2, policies: [changeInCapacity(alarmComposite.detail.alarmName, [[0, undefined, 2]]), changeInCapacity(alarmAnomalyDetection.detail.alarmName, [[0, undefined, 2]])] });
    await putEvents(stack.events, [alarmComposite, alarmAnomalyDetection]);
    await stack.aws.runtime.idle();

    assert.deepEqual(await executions(c.sfn), []);
    const starts = stack.aws.runtime.invocations.filter((call) => call.functionName.endsWith('-startScaling'));
    assert.deepEqual(starts.map((call) => call.ok), [true, true], 'both read and acknowledged');
    assert.deepEqual((await scanAll(stack.documents, STATE_TABLE)).filter((item) => item['kind'] === 'rejected-event'), []);
    assert.equal(await desiredCount(c.ecs, 'web'), 2);
  });
});
