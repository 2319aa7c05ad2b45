import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { containerImages, createAlarm, createBlueGreenService, productionWeights, taskSets, waitForExecution, type ServiceOptions } from '../../../local/sample-blue-green.ts';
import { assertRolledBack, controls, deployAnnouncements, deployOnPush, deployOutboxKinds, deployments, pushAndWaitForCanary } from './blue-green-support.ts';
import { OUTBOX_TABLE, scanAll, useDeployedStack } from '../support.ts';

/**
 * Blue/green deploys through the deployed stack on the local AWS: ECR push → rule → ingestImagePush → state machine →
 * ECS task sets and ALB weights. Assertions read the resulting state: listener weights, task sets, the primary,
 * deployment history and the outbox.
 */

const stack = useDeployedStack();

const canary = (bakeMinutes: number, extra: ServiceOptions['deploy'] = {}): ServiceOptions => ({
  deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes }, ...extra },
});

describe('blue/green deploy on image push', () => {
  it('all-at-once: 100 % of production on a green task set running the pushed digest, green primary, blue deleted', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    const { digest, result, deployment, stepNames } = await deployOnPush(stack, target);
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));

    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    const [green, ...others] = await taskSets(target);
    assert.deepEqual(others, [], 'blue is deleted');
    assert.equal(green?.status, 'PRIMARY');
    assert.equal(green?.loadBalancers?.[0]?.targetGroupArn, target.greenTargetGroupArn);

    const revision = (await containerImages(target, green?.taskDefinition ?? '')) as { taskDefinition: Record<string, unknown>; tags: unknown[] };
    const blueRevision = (await containerImages(target, target.blueTaskDefinitionArn)) as { taskDefinition: Record<string, unknown>; tags: unknown[] };
    const [app, sidecar] = revision.taskDefinition['containerDefinitions'] as Record<string, unknown>[];
    const [blueApp, blueSidecar] = blueRevision.taskDefinition['containerDefinitions'] as Record<string, unknown>[];
    assert.equal(app?.['image'], `123456789012.dkr.ecr.us-east-1.amazonaws.com/${target.repository}@${digest}`, 'pinned by digest');
    assert.deepEqual({ ...app, image: undefined }, { ...blueApp, image: undefined }, 'ports, secrets, logging, mounts kept');
    assert.deepEqual(sidecar, blueSidecar, 'other containers untouched');
    for (const field of ['taskRoleArn', 'executionRoleArn', 'volumes', 'networkMode', 'cpu', 'memory', 'requiresCompatibilities']) {
      assert.deepEqual(revision.taskDefinition[field], blueRevision.taskDefinition[field], field);
    }
    assert.deepEqual(revision.tags, blueRevision.tags);

    assert.equal(deployment.status, 'SUCCEEDED');
    assert.equal(deployment['digest'], digest);
    assert.equal(deployment['greenTaskDefinitionArn'], green?.taskDefinition);
    assert.equal(deployment['blueTaskDefinitionArn'], target.blueTaskDefinitionArn);
    assert.deepEqual(stepNames, ['register-revision', 'green-stable', 'traffic-100', 'promote']);
    const outbox = await scanAll(stack.documents, OUTBOX_TABLE);
    const announced = (await deployAnnouncements(stack)).map((item) => [item['pk'], (item['details'] as { routes: string[] }).routes]);
    assert.equal(outbox.length, announced.length, 'only deploy announcements');
    const id = deployment.deploymentId;
    assert.deepEqual(announced, [
      [`deploy-started#${id}`, ['deploys']],
      [`deploy-step-completed#${id}#01`, ['deploys']],
      [`deploy-step-completed#${id}#02`, ['deploys']],
      [`deploy-step-completed#${id}#03`, ['deploys']],
      [`deploy-succeeded#${id}`, ['deploys']],
    ]);
    const stepDetails = (await deployAnnouncements(stack)).filter((item) => item['kind'] === 'deploy-step-completed').map((item) => item['details'] as Record<string, unknown>);
    assert.deepEqual(
      stepDetails.map(({ step, weights, stepIndex, stepCount }) => [step, weights, stepIndex, stepCount]),
      [['green-stable', { blue: 100, green: 0 }, 0, 3], ['traffic-100', { blue: 0, green: 100 }, 1, 3], ['promote', { blue: 0, green: 100 }, 2, 3]],
    );
  });

  it('canary on a listener rule with EC2 bridge networking: weights per step, dynamic host ports kept', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { launchType: 'EC2', useRule: true, ...canary(0.02) });
    const { result, deployment, steps } = await deployOnPush(stack, target);
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    assert.deepEqual(
      steps.map((step) => [step['name'], step['greenWeight'], step['blueWeight']]),
      [['register-revision', undefined, undefined], ['green-stable', 0, 100], ['traffic-50', 50, 50], ['traffic-100', 100, 0], ['promote', 100, 0]],
    );
    const canaryStep = steps[2] ?? {};
    assert.ok(Date.parse(String(canaryStep['endedAt'])) - Date.parse(String(canaryStep['startedAt'])) >= 1000, 'the canary baked for its second');
    const revision = (await containerImages(target, String(deployment['greenTaskDefinitionArn']))) as { taskDefinition: Record<string, unknown> };
    assert.equal(revision.taskDefinition['networkMode'], 'bridge');
    const [app] = revision.taskDefinition['containerDefinitions'] as { portMappings: unknown[] }[];
    assert.deepEqual(app?.portMappings, [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }]);
  });

  it('rolls back when green tasks crash', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.02));
    stack.aws.runtime.faults.crashTasks({ taskDefinitionFamily: target.family, afterMs: 10, exitCode: 137 });
    const { result } = await deployOnPush(stack, target);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /GreenTasksFailedError: Green tasks stopped unexpectedly: .*EssentialContainerExited.*exited with code 137/);
  });

  it('rolls back when a rollback alarm goes into ALARM during the canary bake', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.5, { rollbackAlarms: ['web-5xx'] }));
    await createAlarm(target, 'web-5xx');
    const { execution } = await pushAndWaitForCanary(stack, target);
    assert.deepEqual(await productionWeights(target), { blue: 50, green: 50 });
    await target.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'test' }));
    const result = await waitForExecution(target, execution.executionArn);
    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /RollbackAlarmError: Rollback alarm in ALARM: web-5xx/);
  });

  it('rolls back when an operator aborts', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.5));
    const { execution, deployment } = await pushAndWaitForCanary(stack, target);
    await controls(stack, target).abort({ cluster: target.cluster, service: target.service, deploymentId: deployment.deploymentId });
    const result = await waitForExecution(target, execution.executionArn);
    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /DeploymentAbortedError: An operator aborted the deployment/);
  });

  it('fast-track skips the remaining bakes and completes', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.5, { finalBakeMinutes: 0.5 }));
    const { execution, deployment } = await pushAndWaitForCanary(stack, target);
    await controls(stack, target).fastTrack({ cluster: target.cluster, service: target.service, deploymentId: deployment.deploymentId });
    const result = await waitForExecution(target, execution.executionArn, 10_000);
    assert.equal(result.status, 'SUCCEEDED');
    const steps = await deployments(stack).steps(target.cluster, target.service, deployment.deploymentId);
    assert.deepEqual(steps.filter((step) => step['note']).map((step) => step['name']), ['traffic-50', 'promote']);
  });

  it('fails (nothing to roll back) when the service cannot be deployed, recording why and freeing the service', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    await target.clients.configs.putServiceConfig(
      { cluster: target.cluster, service: target.service, deploy: { ...(await target.clients.configs.getServiceConfig(target.cluster, target.service))?.config.deploy, image: { repository: target.repository, tagPattern: 'v*', containers: ['missing'] } } },
      1,
    );
    const { result, deployment } = await deployOnPush(stack, target);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'DeploymentFailed');
    assert.equal(deployment.status, 'FAILED');
    assert.match(String(deployment['reason']), /DeployPreparationError: .*no container named missing/);
    assert.deepEqual((await taskSets(target)).map((taskSet) => taskSet.taskSetArn), [target.blueTaskSetArn]);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
    assert.deepEqual(await deployOutboxKinds(stack), ['deploy-failed']);
  });

  it('rides out ECS and ELB throttling: task-set and listener calls are retried, the deploy completes', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    stack.aws.runtime.faults.throttle({ service: 'ecs', operation: 'CreateTaskSet', times: 2 });
    stack.aws.runtime.faults.throttle({ service: 'ecs', operation: 'DeleteTaskSet', times: 1 });
    stack.aws.runtime.faults.throttle({ service: 'elbv2', operation: 'ModifyListener', times: 1 });
    const { result } = await deployOnPush(stack, target);
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    const live = await taskSets(target);
    assert.equal(live.length, 1, 'exactly one green task set: the retried CreateTaskSet made no second one');
    assert.equal(live[0]?.status, 'PRIMARY');
  });

  it('rolls back when the green task set cannot be created', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    // A refusal nobody retries (throttling would be retried for minutes).
    stack.aws.runtime.faults.failCalls({ service: 'ecs', operation: 'CreateTaskSet', times: 100, code: 'ClientException', message: 'The service has no capacity' });
    const { result } = await deployOnPush(stack, target);
    assert.equal(result.error, 'DeploymentRolledBack', JSON.stringify(result));
    await assertRolledBack(stack, target, /Ecs\.ClientException: The service has no capacity/);
  });
});
