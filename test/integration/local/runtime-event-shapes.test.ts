import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, DescribeContainerInstancesCommand, DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { parseDeploymentStateChange, parseServiceAction } from '../../../functions/ingestion/domain/service-events.ts';
import { parseTaskStateChange } from '../../../functions/ingestion/domain/task-state.ts';
import { defaultAwsvpcConfiguration, pushEcrImage, registerFargateTaskDefinition } from '../../../local/sample-resources.ts';
import { findFreePort, startMoto, type MotoServer } from '../../../local/moto/server.ts';
import { startLocalRuntime, type EmittedEvent, type LocalRuntime } from '../../../local/runtime/proxy.ts';

/**
 * The shapes AWS's events have and moto never produces, as the local runtime emits them for real calls: attachments
 * of type "eni" and image digests (Fargate), container instances (EC2), placement failures, failed deployments.
 * Every event is read with the reader its ingestion function uses, as EventBridge would deliver it.
 */

let upstream: MotoServer;
let runtime: LocalRuntime;
let config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };

before(async () => {
  const port = await findFreePort();
  upstream = await startMoto({ callbackPort: port });
  runtime = await startLocalRuntime({ upstream: upstream.endpoint, port, functions: { resolve: async () => undefined } });
  config = { endpoint: runtime.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
});

after(async () => {
  await runtime?.stop();
  await upstream?.stop();
});

beforeEach(async () => {
  await runtime.idle();
  runtime.reset();
  await upstream.reset();
});

function delivered(event: EmittedEvent): Record<string, unknown> {
  return {
    version: '0',
    id: event.eventId ?? 'local',
    'detail-type': event.detailType,
    source: event.source,
    account: '123456789012',
    time: (event.time ?? new Date()).toISOString(),
    region: 'us-east-1',
    resources: event.resources ?? [],
    detail: JSON.parse(JSON.stringify(event.detail)) as unknown,
  };
}

const eventsOf = (detailType: string) => runtime.emitter.emitted.filter((event) => event.detailType === detailType).map(delivered);
const taskStates = () => eventsOf('ECS Task State Change').map(parseTaskStateChange);

async function cluster(): Promise<{ ecs: ECSClient; taskDefinitionArn: string }> {
  const ecs = new ECSClient(config);
  await ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
  const definition = await registerFargateTaskDefinition(ecs, 'web', 'nginx:1');
  return { ecs, taskDefinitionArn: definition.taskDefinitionArn as string };
}

describe('task shapes', () => {
  test('a Fargate task of an ECR image: attachment "eni" (deleted once stopped), the image digest, the platform version', async () => {
    const ecs = new ECSClient(config);
    const ecr = new ECRClient(config);
    await ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
    const digest = await pushEcrImage(ecr, 'web', 'v1');
    const definition = await registerFargateTaskDefinition(ecs, 'web', `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1`);
    const { tasks = [] } = await ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: definition.taskDefinitionArn, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: await defaultAwsvpcConfiguration(config) } }),
    );
    await runtime.idle();

    const running = taskStates().find((task) => task.lastStatus === 'RUNNING');
    assert.ok(running, 'a RUNNING event');
    assert.deepEqual(running.attachments?.map((attachment) => [attachment.type, attachment.status]), [['eni', 'ATTACHED']]);
    assert.equal(running.containers[0]?.imageDigest, digest);
    assert.match(running.containers[0]?.runtimeId ?? '', /^[0-9a-f]{64}$/);
    assert.equal(running.platformVersion, '1.4.0');
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: [tasks[0]?.taskArn as string] }));
    assert.equal(described.tasks?.[0]?.containers?.[0]?.imageDigest, digest, 'DescribeTasks agrees');

    await ecs.send(new StopTaskCommand({ cluster: 'main', task: tasks[0]?.taskArn as string, reason: 'done' }));
    await runtime.idle();
    const stopped = taskStates().find((task) => task.lastStatus === 'STOPPED');
    assert.deepEqual(stopped?.attachments?.map((attachment) => [attachment.type, attachment.status]), [['eni', 'DELETED']]);
  });

  test('tasks of an EC2 service report a container instance of their cluster', async () => {
    const { ecs } = await cluster();
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'worker',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'EC2',
        networkConfiguration: { awsvpcConfiguration: await defaultAwsvpcConfiguration(config) },
      }),
    );
    await runtime.idle();

    const running = taskStates().filter((task) => task.lastStatus === 'RUNNING');
    assert.equal(running.length, 2);
    assert.ok(running.every((task) => task.launchType === 'EC2' && task.service === 'worker' && !('platformVersion' in task)));
    const instances = [...new Set(running.map((task) => task.containerInstanceArn))];
    assert.equal(instances.length, 1);
    const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'main', containerInstances: instances as string[] }));
    assert.equal(described.containerInstances?.[0]?.containerInstanceArn, instances[0], 'a container instance registered in the cluster');
  });
});

describe('service shapes', () => {
  test('a placement failure instead of tasks while ECS finds no capacity, then tasks once it does', async () => {
    const { ecs } = await cluster();
    runtime.faults.failPlacement({ taskDefinitionFamily: 'web', times: 1 });
    const network = { awsvpcConfiguration: await defaultAwsvpcConfiguration(config) };
    await ecs.send(new CreateServiceCommand({ cluster: 'main', serviceName: 'api', taskDefinition: 'web', desiredCount: 1, launchType: 'FARGATE', networkConfiguration: network }));
    await runtime.idle();

    const actions = eventsOf('ECS Service Action').map(parseServiceAction);
    assert.deepEqual(
      actions.map((action) => [action.eventName, action.eventType, action.reason, action.capacityProviderArns]),
      [['SERVICE_TASK_PLACEMENT_FAILURE', 'ERROR', 'RESOURCE:FARGATE', ['arn:aws:ecs:us-east-1:123456789012:capacity-provider/FARGATE']]],
      'no steady state',
    );
    assert.deepEqual(taskStates(), []);

    await ecs.send(new UpdateServiceCommand({ cluster: 'main', service: 'api', desiredCount: 1 }));
    await runtime.idle();
    assert.equal(taskStates().filter((task) => task.lastStatus === 'RUNNING').length, 1);
    assert.equal(eventsOf('ECS Service Action').map(parseServiceAction).at(-1)?.eventName, 'SERVICE_STEADY_STATE');
  });

  test('with the circuit breaker on, a deployment whose tasks fail to start fails', async () => {
    const { ecs } = await cluster();
    runtime.faults.failToStart({ taskDefinitionFamily: 'web' });
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'api',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: await defaultAwsvpcConfiguration(config) },
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    await runtime.idle();

    const deployments = eventsOf('ECS Deployment State Change').map(parseDeploymentStateChange);
    assert.deepEqual(
      deployments.map((deployment) => [deployment.eventName, deployment.eventType, deployment.reason]),
      [
        ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'INFO', `ECS deployment ${deployments[0]?.deploymentId} in progress.`],
        ['SERVICE_DEPLOYMENT_FAILED', 'ERROR', 'ECS deployment circuit breaker: task failed to start.'],
      ],
    );
    assert.ok(taskStates().filter((task) => task.lastStatus === 'STOPPED').every((task) => task.stopCode === 'TaskFailedToStart'));
    assert.deepEqual(eventsOf('ECS Service Action'), [], 'never steady');
  });
});
