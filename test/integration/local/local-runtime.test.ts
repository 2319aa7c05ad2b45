import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CloudWatchClient, DescribeAlarmsCommand, PutCompositeAlarmCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  paginateListTasks,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  UpdateTaskSetCommand,
  type NetworkConfiguration,
} from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { defaultAwsvpcConfiguration, registerFargateTaskDefinition } from '../../../local/sample-resources.ts';
import { findFreePort, startMoto, type MotoServer } from '../../../local/moto/server.ts';
import { startLocalRuntime, type EmittedEvent, type LambdaHandler, type LocalRuntime } from '../../../local/runtime/proxy.ts';

/** The patched moto launcher; any `{endpoint, reset, stop}` (e.g. a plain `python3 -m moto.server`) works here. */
const startUpstream = (callbackPort: number): Promise<MotoServer> => startMoto({ callbackPort });

const handlers: Record<string, LambdaHandler> = {
  echo: async (event, context) => ({ echoed: event, functionName: context.functionName }),
  nothing: async () => undefined,
  boom: async () => {
    const error = new Error('went wrong');
    error.name = 'DeployFailed';
    throw error;
  },
};
const asyncCalls: unknown[] = [];
handlers['record'] = async (event) => {
  asyncCalls.push(event);
  return 'ok';
};

let upstream: MotoServer;
let runtime: LocalRuntime;
let config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };

before(async () => {
  const port = await findFreePort();
  upstream = await startUpstream(port);
  runtime = await startLocalRuntime({
    upstream: upstream.endpoint,
    port,
    functions: { resolve: async (name) => handlers[name] },
  });
  config = { endpoint: runtime.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
});

after(async () => {
  await runtime?.stop();
  await upstream?.stop();
});

beforeEach(async () => {
  await runtime.idle();
  runtime.reset();
  asyncCalls.length = 0;
  await upstream.reset();
});

const decoder = new TextDecoder();

function eventsOf(detailType: string): EmittedEvent[] {
  return runtime.emitter.emitted.filter((event) => event.detailType === detailType);
}

function taskEvents(taskArn: string): Record<string, unknown>[] {
  return eventsOf('ECS Task State Change')
    .filter((event) => event.detail['taskArn'] === taskArn)
    .map((event) => event.detail);
}

describe('Lambda invoke', () => {
  test('RequestResponse returns the handler result, by name or ARN', async () => {
    const lambda = new LambdaClient(config);
    const byName = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ a: 1 }) }));
    assert.equal(byName.StatusCode, 200);
    assert.equal(byName.FunctionError, undefined);
    assert.deepEqual(JSON.parse(decoder.decode(byName.Payload)), { echoed: { a: 1 }, functionName: 'echo' });

    const byArn = await lambda.send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:nothing:$LATEST' }),
    );
    assert.equal(decoder.decode(byArn.Payload), 'null');
  });

  test('a thrown error becomes an Unhandled function error with errorType', async () => {
    const lambda = new LambdaClient(config);
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'boom' }));
    assert.equal(answer.StatusCode, 200);
    assert.equal(answer.FunctionError, 'Unhandled');
    const body = JSON.parse(decoder.decode(answer.Payload)) as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(body.errorType, 'DeployFailed');
    assert.equal(body.errorMessage, 'went wrong');
    assert.ok(Array.isArray(body.trace));
  });

  test('Event answers 202 at once and runs in the background; failures are retried twice', async () => {
    const lambda = new LambdaClient(config);
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'Event', Payload: '{"n":7}' }));
    assert.equal(answer.StatusCode, 202);
    const failing = await lambda.send(new InvokeCommand({ FunctionName: 'boom', InvocationType: 'Event' }));
    assert.equal(failing.StatusCode, 202);
    await runtime.idle();
    assert.deepEqual(asyncCalls, [{ n: 7 }]);
    const boomAttempts = runtime.invocations.filter((record) => record.functionName === 'boom');
    assert.deepEqual(
      boomAttempts.map((record) => [record.type, record.attempt, record.ok, record.errorType]),
      [
        ['Event', 1, false, 'DeployFailed'],
        ['Event', 2, false, 'DeployFailed'],
        ['Event', 3, false, 'DeployFailed'],
      ],
    );
  });

  test('DryRun answers 204; unknown functions are forwarded to moto', async () => {
    const lambda = new LambdaClient(config);
    const dryRun = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    assert.equal(dryRun.StatusCode, 204);
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'not-known' })), { name: 'ResourceNotFoundException' });
  });
});

describe('forwarding', () => {
  test('DynamoDB calls reach moto through the proxy', async () => {
    const dynamodb = new DynamoDBClient(config);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 't',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    );
    await dynamodb.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    const item = await dynamodb.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
    assert.deepEqual(item.Item, { pk: { S: 'a' }, v: { N: '1' } });
  });

  test('S3 path-style PutObject/GetObject, small and streamed multi-MiB bodies', async () => {
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
    await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'a.txt', Body: 'hello' }));
    const small = await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'a.txt' }));
    assert.equal(await small.Body?.transformToString(), 'hello');

    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'fn.zip', Body: big }));
    const fetched = await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'fn.zip' }));
    const bytes = await fetched.Body?.transformToByteArray();
    assert.equal(bytes?.length, big.length);
    assert.ok(Buffer.from(bytes ?? []).equals(big));
  });
});

async function ecsFixture(): Promise<{ ecs: ECSClient; taskDefinitionArn: string; network: NetworkConfiguration }> {
  const ecs = new ECSClient(config);
  await ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
  const taskDefinition = await registerFargateTaskDefinition(ecs, 'web', 'nginx:1');
  return { ecs, taskDefinitionArn: taskDefinition.taskDefinitionArn as string, network: { awsvpcConfiguration: await defaultAwsvpcConfiguration(config) } };
}

/** Reads what an EventBridge rule delivered to an SQS queue (moto delivers SQS targets), via SQS's JSON protocol. */
async function sqs(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(runtime.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${operation}`,
      // moto routes unsigned requests by URL only; the credential scope names the service.
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(input),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('ECS tasks', () => {
  test('RunTask emits PROVISIONING, PENDING, RUNNING (versions 1..3); StopTask drains to STOPPED', async () => {
    const { ecs, taskDefinitionArn, network } = await ecsFixture();
    const queue = await sqs('CreateQueue', { QueueName: 'task-events' });
    const eventBridge = new EventBridgeClient(config);
    await eventBridge.send(new PutRuleCommand({ Name: 'tasks', EventPattern: JSON.stringify({ source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'] }) }));
    await eventBridge.send(
      new PutTargetsCommand({ Rule: 'tasks', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:123456789012:task-events' }] }),
    );

    const run = await ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network, startedBy: 'test' }),
    );
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await runtime.idle();
    const started = taskEvents(taskArn);
    assert.deepEqual(started.map((detail) => [detail['lastStatus'], detail['version']]), [
      ['PROVISIONING', 1],
      ['PENDING', 2],
      ['RUNNING', 3],
    ]);
    const running = started[2] ?? {};
    assert.equal(running['taskDefinitionArn'], taskDefinitionArn);
    assert.equal(running['clusterArn'], 'arn:aws:ecs:us-east-1:123456789012:cluster/main');
    assert.equal(running['startedBy'], 'test');
    assert.equal(running['group'], 'family:web');
    assert.equal(running['cpu'], '256');
    assert.equal(running['desiredStatus'], 'RUNNING');
    assert.ok(typeof running['startedAt'] === 'string');
    assert.deepEqual((running['containers'] as Record<string, unknown>[]).map((container) => [container['name'], container['lastStatus'], container['taskArn']]), [
      ['web', 'RUNNING', taskArn],
    ]);

    await ecs.send(new StopTaskCommand({ cluster: 'main', task: taskArn, reason: 'maintenance' }));
    await runtime.idle();
    const all = taskEvents(taskArn);
    const stopped = all.at(-1) ?? {};
    assert.deepEqual(all.map((detail) => detail['version']), [1, 2, 3, 4, 5, 6]);
    assert.equal(stopped['lastStatus'], 'STOPPED');
    assert.equal(stopped['stopCode'], 'UserInitiated');
    assert.equal(stopped['stoppedReason'], 'maintenance');
    const times = all.map((detail) => Date.parse(String(detail['updatedAt'])));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));

    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: [taskArn] }));
    assert.equal(described.tasks?.[0]?.lastStatus, 'STOPPED');
    assert.equal(described.tasks?.[0]?.stopCode, 'UserInitiated');

    // End to end: the rule delivered the same events, in order.
    const received = await sqs('ReceiveMessage', { QueueUrl: queue['QueueUrl'], MaxNumberOfMessages: 10 });
    const delivered = (received['Messages'] as { Body: string }[]).map((message) => JSON.parse(message.Body) as { detail: Record<string, unknown>; source: string; resources: string[] });
    assert.deepEqual(delivered.map((event) => event.detail['version']), [1, 2, 3, 4, 5, 6]);
    assert.equal(delivered[0]?.source, 'aws.ecs');
    assert.deepEqual(delivered[0]?.resources, [taskArn]);
  });

  test('crash fault: RUNNING then STOPPED with EssentialContainerExited and the exit code', async () => {
    const { ecs, network } = await ecsFixture();
    runtime.faults.crashTasks({ taskDefinitionFamily: 'web', afterMs: 10, exitCode: 137 });
    const run = await ecs.send(new RunTaskCommand({ cluster: 'main', taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await runtime.idle();
    const events = taskEvents(taskArn);
    assert.deepEqual(events.map((detail) => detail['lastStatus']), ['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPING', 'STOPPED']);
    const stopped = events.at(-1) ?? {};
    assert.equal(stopped['stopCode'], 'EssentialContainerExited');
    assert.equal(stopped['stoppedReason'], 'Essential container in task exited');
    assert.equal((stopped['containers'] as Record<string, unknown>[])[0]?.['exitCode'], 137);

    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: [taskArn] }));
    assert.equal(described.tasks?.[0]?.lastStatus, 'STOPPED');
    assert.equal(described.tasks?.[0]?.stopCode, 'EssentialContainerExited');
    assert.equal(described.tasks?.[0]?.containers?.[0]?.exitCode, 137);
  });

  test('crashRunningTasks: the running tasks of one revision crash now, other revisions keep running', async () => {
    const { ecs, taskDefinitionArn, network } = await ecsFixture();
    const other = await registerFargateTaskDefinition(ecs, 'web', 'web:2');
    const run = (taskDefinition: string) =>
      ecs.send(new RunTaskCommand({ cluster: 'main', taskDefinition, launchType: 'FARGATE', networkConfiguration: network, count: 2 }));
    const crashing = (await run(taskDefinitionArn)).tasks?.map((task) => task.taskArn ?? '') ?? [];
    const kept = (await run(other.taskDefinitionArn ?? '')).tasks?.map((task) => task.taskArn ?? '') ?? [];
    await runtime.idle();

    assert.deepEqual((await runtime.crashRunningTasks(taskDefinitionArn, 137)).sort(), [...crashing].sort());
    await runtime.idle();
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: [...crashing, ...kept] }));
    const states = Object.fromEntries((described.tasks ?? []).map((task) => [task.taskArn, [task.lastStatus, task.stopCode, task.containers?.[0]?.exitCode]]));
    for (const arn of crashing) assert.deepEqual(states[arn], ['STOPPED', 'EssentialContainerExited', 137], arn);
    for (const arn of kept) assert.deepEqual(states[arn], ['RUNNING', undefined, undefined], arn);
    assert.deepEqual(taskEvents(crashing[0] ?? '').map((detail) => detail['lastStatus']), ['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPING', 'STOPPED']);
    assert.deepEqual(await runtime.crashRunningTasks(taskDefinitionArn), [], 'stopped tasks do not crash again');
  });

  test('failToStart fault: PROVISIONING then STOPPED with TaskFailedToStart', async () => {
    const { ecs, network } = await ecsFixture();
    runtime.faults.failToStart({ taskDefinitionFamily: 'web', times: 1 });
    const run = await ecs.send(new RunTaskCommand({ cluster: 'main', taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network }));
    await runtime.idle();
    const events = taskEvents(run.tasks?.[0]?.taskArn ?? '');
    assert.deepEqual(events.map((detail) => [detail['lastStatus'], detail['stopCode']]), [
      ['PROVISIONING', undefined],
      ['STOPPED', 'TaskFailedToStart'],
    ]);
    assert.match(String(events[1]?.['stoppedReason']), /^CannotPullContainerError/);
  });

  test('throttle fault: the next N matching calls fail with ThrottlingException without reaching moto', async () => {
    const { ecs } = await ecsFixture();
    runtime.faults.throttle({ service: 'ecs', operation: 'RunTask', times: 1 });
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster: 'main', taskDefinition: 'web', launchType: 'FARGATE' })), {
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'main' }));
    assert.deepEqual(listed.taskArns, []);
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster: 'main', taskDefinition: 'web', launchType: 'FARGATE' })), {
      name: 'InvalidParameterException', // moto's own answer: the throttle was used up
    });
  });
});

describe('ECS services', () => {
  test('task sets of an EXTERNAL service run ceil(desiredCount × scale) tasks', async () => {
    const { ecs, taskDefinitionArn, network } = await ecsFixture();
    await ecs.send(new CreateServiceCommand({ cluster: 'main', serviceName: 'api', desiredCount: 4, deploymentController: { type: 'EXTERNAL' } }));
    const created = await ecs.send(
      new CreateTaskSetCommand({
        cluster: 'main',
        service: 'api',
        taskDefinition: taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: network,
        scale: { value: 50, unit: 'PERCENT' },
      }),
    );
    const taskSet = created.taskSet;
    await runtime.idle();
    const running = async (): Promise<{ startedBy?: string; group?: string; lastStatus?: string }[]> => {
      const arns = (await ecs.send(new ListTasksCommand({ cluster: 'main', desiredStatus: 'RUNNING' }))).taskArns ?? [];
      return arns.length ? ((await ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: arns }))).tasks ?? []) : [];
    };
    let tasks = await running();
    assert.equal(tasks.length, 2);
    assert.ok(tasks.every((task) => task.startedBy === taskSet?.id && task.group === 'service:api' && task.lastStatus === 'RUNNING'));

    await ecs.send(new UpdateTaskSetCommand({ cluster: 'main', service: 'api', taskSet: taskSet?.taskSetArn ?? '', scale: { value: 100, unit: 'PERCENT' } }));
    await runtime.idle();
    assert.equal((await running()).length, 4);

    await ecs.send(new UpdateServiceCommand({ cluster: 'main', service: 'api', desiredCount: 1 }));
    await runtime.idle();
    assert.equal((await running()).length, 1);

    await ecs.send(new DeleteTaskSetCommand({ cluster: 'main', service: 'api', taskSet: taskSet?.taskSetArn ?? '' }));
    await runtime.idle();
    tasks = await running();
    assert.equal(tasks.length, 0);
    const stops = eventsOf('ECS Task State Change').filter((event) => event.detail['lastStatus'] === 'STOPPED');
    assert.equal(stops.length, 4, JSON.stringify(eventsOf('ECS Task State Change').map((event) => [String(event.detail['taskArn']).slice(-6), event.detail['lastStatus'], event.detail['version'], event.detail['startedBy']])));
    assert.ok(stops.every((event) => event.detail['stopCode'] === 'ServiceSchedulerInitiated'));
    assert.ok(eventsOf('ECS Service Action').some((event) => event.detail['eventName'] === 'SERVICE_STEADY_STATE'));
  });

  test('a task set of 120 tasks runs them all, and ListTasks answers them 100 a page, as ECS does', async () => {
    const { ecs, taskDefinitionArn, network } = await ecsFixture();
    await ecs.send(new CreateServiceCommand({ cluster: 'main', serviceName: 'big', desiredCount: 120, deploymentController: { type: 'EXTERNAL' } }));
    const created = await ecs.send(
      new CreateTaskSetCommand({ cluster: 'main', service: 'big', taskDefinition: taskDefinitionArn, launchType: 'FARGATE', networkConfiguration: network, scale: { value: 100, unit: 'PERCENT' } }),
    );
    await runtime.idle();
    const query = { cluster: 'main', startedBy: created.taskSet?.id ?? '', desiredStatus: 'RUNNING' as const };
    const first = await ecs.send(new ListTasksCommand(query));
    assert.equal(first.taskArns?.length, 100);
    assert.ok(first.nextToken);
    const second = await ecs.send(new ListTasksCommand({ ...query, nextToken: first.nextToken }));
    assert.equal(second.taskArns?.length, 20);
    assert.equal(second.nextToken, undefined);
    const all: string[] = [];
    for await (const page of paginateListTasks({ client: ecs, pageSize: 30 }, query)) all.push(...(page.taskArns ?? []));
    assert.equal(all.length, 120);
    assert.equal(new Set(all).size, 120, 'every task once');
    const running = eventsOf('ECS Task State Change').filter((event) => event.detail['lastStatus'] === 'RUNNING');
    assert.equal(new Set(running.map((event) => event.detail['taskArn'])).size, 120, 'each of the 120 tasks reported RUNNING');
    await assert.rejects(ecs.send(new ListTasksCommand({ ...query, startedBy: 'another', nextToken: first.nextToken })), { name: 'InvalidParameterException' });
    await assert.rejects(ecs.send(new ListTasksCommand({ ...query, maxResults: 101 })), { name: 'InvalidParameterException' });
  });

  test('ListServices answers 10 services a page unless asked for more (at most 100)', async () => {
    const { ecs } = await ecsFixture();
    for (let index = 0; index < 12; index += 1) {
      await ecs.send(new CreateServiceCommand({ cluster: 'main', serviceName: `svc-${index}`, desiredCount: 0, deploymentController: { type: 'EXTERNAL' } }));
    }
    const first = await ecs.send(new ListServicesCommand({ cluster: 'main' }));
    assert.equal(first.serviceArns?.length, 10);
    const second = await ecs.send(new ListServicesCommand({ cluster: 'main', nextToken: first.nextToken }));
    assert.equal(second.serviceArns?.length, 2);
    assert.equal((await ecs.send(new ListServicesCommand({ cluster: 'main', maxResults: 100 }))).serviceArns?.length, 12);
  });

  test('an ECS-controller service gets its desiredCount of tasks and deployment events', async () => {
    const { ecs, network } = await ecsFixture();
    await ecs.send(
      new CreateServiceCommand({ cluster: 'main', serviceName: 'worker', taskDefinition: 'web', desiredCount: 2, launchType: 'FARGATE', networkConfiguration: network }),
    );
    await runtime.idle();
    const running = eventsOf('ECS Task State Change').filter((event) => event.detail['lastStatus'] === 'RUNNING');
    assert.equal(running.length, 2);
    assert.ok(running.every((event) => event.detail['group'] === 'service:worker'));
    assert.deepEqual(
      runtime.emitter.emitted.filter((event) => event.detailType !== 'ECS Task State Change').map((event) => event.detail['eventName']),
      ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_STEADY_STATE'],
    );
  });
});

describe('ECR and CloudWatch events', () => {
  test('PutImage emits ECR Image Action PUSH with digest and tag', async () => {
    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: {}, layers: [] });
    const pushed = await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: manifest, imageTag: 'v1' }));
    await runtime.idle();
    const [event] = eventsOf('ECR Image Action');
    assert.equal(event?.source, 'aws.ecr');
    assert.deepEqual(event?.detail, {
      result: 'SUCCESS',
      'repository-name': 'app',
      'image-digest': pushed.image?.imageId?.imageDigest,
      'action-type': 'PUSH',
      'image-tag': 'v1',
    });
    assert.ok(event?.eventId);
  });

  test('SetAlarmState emits CloudWatch Alarm State Change with previous state and configuration', async () => {
    const cloudwatch = new CloudWatchClient(config);
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'cpu-high',
        AlarmDescription: 'scale out',
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'ServiceName', Value: 'api' }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'cpu-high', StateValue: 'ALARM', StateReason: 'load test' }));
    await runtime.idle();
    const [event] = eventsOf('CloudWatch Alarm State Change');
    assert.equal(event?.source, 'aws.cloudwatch');
    assert.deepEqual(event?.resources, ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high']);
    const detail = event?.detail ?? {};
    assert.equal(detail['alarmName'], 'cpu-high');
    assert.equal((detail['state'] as Record<string, unknown>)['value'], 'ALARM');
    assert.equal((detail['state'] as Record<string, unknown>)['reason'], 'load test');
    // moto creates alarms in OK (AWS: INSUFFICIENT_DATA); the previous state is whatever moto reported.
    assert.equal((detail['previousState'] as Record<string, unknown>)['value'], 'OK');
    assert.deepEqual(detail['configuration'], {
      description: 'scale out',
      metrics: [
        {
          id: 'cpu-high-metric',
          metricStat: { metric: { namespace: 'AWS/ECS', name: 'CPUUtilization', dimensions: { ServiceName: 'api' } }, period: 60, stat: 'Average' },
          returnData: true,
        },
      ],
    });
  });
});

describe('CloudWatch composite alarms', () => {
  test('DescribeAlarms returns them only when AlarmTypes asks; SetAlarmState emits their event with the rule', async () => {
    const cloudwatch = new CloudWatchClient(config);
    for (const name of ['errors', 'latency']) {
      await cloudwatch.send(
        new PutMetricAlarmCommand({ AlarmName: name, Namespace: 'AWS/ApplicationELB', MetricName: name, Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }),
      );
    }
    await cloudwatch.send(new PutCompositeAlarmCommand({ AlarmName: 'web-health', AlarmRule: 'ALARM(errors) OR ALARM(latency)' }));
    const names = ['errors', 'web-health'];
    const byDefault = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names }));
    assert.deepEqual([byDefault.MetricAlarms?.map((alarm) => alarm.AlarmName), byDefault.CompositeAlarms ?? []], [['errors'], []], 'metric alarms only, as CloudWatch answers');
    const both = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    assert.deepEqual(both.CompositeAlarms?.map((alarm) => [alarm.AlarmName, alarm.AlarmRule]), [['web-health', 'ALARM(errors) OR ALARM(latency)']]);

    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'web-health', StateValue: 'ALARM', StateReason: 'errors transitioned to ALARM' }));
    await runtime.idle();
    const [event] = eventsOf('CloudWatch Alarm State Change');
    assert.deepEqual(event?.resources, ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-health']);
    assert.equal((event?.detail['state'] as Record<string, unknown>)['value'], 'ALARM');
    assert.deepEqual(event?.detail['configuration'], { alarmRule: 'ALARM(errors) OR ALARM(latency)' });
  });

  test('DescribeAlarms answers 50 alarms a page by default, at most 100', async () => {
    const cloudwatch = new CloudWatchClient(config);
    for (let index = 0; index < 60; index += 1) {
      await cloudwatch.send(
        new PutMetricAlarmCommand({ AlarmName: `alarm-${index}`, Namespace: 'N', MetricName: 'M', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }),
      );
    }
    const first = await cloudwatch.send(new DescribeAlarmsCommand({}));
    assert.equal(first.MetricAlarms?.length, 50);
    const second = await cloudwatch.send(new DescribeAlarmsCommand({ NextToken: first.NextToken }));
    assert.equal(second.MetricAlarms?.length, 10);
    assert.equal(second.NextToken, undefined);
    assert.equal((await cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 100 }))).MetricAlarms?.length, 60);
    await assert.rejects(cloudwatch.send(new DescribeAlarmsCommand({ NextToken: 'forged' })), { name: 'InvalidNextToken' });
  });
});

describe('JSONata endpoint', () => {
  test('POST /_local/jsonata evaluates an expression', async () => {
    const response = await fetch(`${runtime.endpoint}/_local/jsonata`, {
      method: 'POST',
      body: JSON.stringify({ expression: '$x + 1', bindings: { x: 41 } }),
    });
    assert.deepEqual(await response.json(), { result: 42 });
  });
});
