import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { alarmWaiterKey } from '../../../functions/deploy/adapters/alarm-waiters.ts';
import { createAlarm, createBlueGreenService, deployExecutions, executionHistory, productionWeights, pushImage, taskSets, waitForExecution, type BlueGreenService, type ServiceOptions } from '../../../local/sample-blue-green.ts';
import { assertRolledBack, controls, deployments, describeWaitEnd, parkedIn, pushAndWaitForCanary, waitsOf } from './blue-green-support.ts';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AWS_SAMPLES } from '../../fixtures/aws-events.ts';
import { getItem, putEvents, useDeployedStack } from '../support.ts';

/**
 * The deploy's waits (docs/decisions/0013-deploy-waits.md): bakes and the approval gate park on a task token that the
 * rollback alarm's ALARM event, a crashing green task, and abort / fast-track / approve resume at once; the machine's
 * own checks are sparse (every bakeCheckMinutes during a bake). Bakes here last an hour and are checked every two, so
 * a deploy that ends was ended by what the test did, and the history tells which wait ended how.
 */

const stack = useDeployedStack();

const HOUR_BAKE: ServiceOptions['deploy'] = { strategy: { type: 'canary', percent: 50, bakeMinutes: 60 }, bakeCheckMinutes: 120 };

async function newestExecution(target: BlueGreenService): Promise<string> {
  const [execution] = await deployExecutions(target);
  assert.ok(execution, 'a deploy started');
  return execution.executionArn;
}

/** The service with its blue tasks running before the deploy, so faults set next apply to green only. */
async function blueGreenService(deploy: ServiceOptions['deploy']): Promise<BlueGreenService> {
  const target = await createBlueGreenService(stack.aws.clientConfig, { deploy });
  await stack.aws.runtime.idle();
  return target;
}

async function runningTasksOf(target: BlueGreenService, taskSetArn: string): Promise<string[]> {
  const startedBy = taskSetArn.split('/').slice(3).join('/');
  return ((await target.clients.ecs.send(new ListTasksCommand({ cluster: target.cluster, startedBy, desiredStatus: 'RUNNING' }))).taskArns ?? []).sort();
}

describe('blue/green: a bake waits for events, not for checks', () => {
  it('the rollback alarm going to ALARM ends an hour-long bake at once: rolled back', async () => {
    const target = await blueGreenService({ ...HOUR_BAKE, rollbackAlarms: ['web-5xx', 'web-latency'] });
    await createAlarm(target, 'web-5xx');
    await createAlarm(target, 'web-latency');
    const { execution } = await pushAndWaitForCanary(stack, target);
    await parkedIn(stack, target, 'traffic-50');
    assert.ok(await getItem(stack.documents, alarmWaiterKey('web-5xx', target.cluster, target.service)), 'the bake waits on its alarms');

    await target.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 5xx rate' }));
    const result = await waitForExecution(target, execution.executionArn);

    assert.equal(result.error, 'DeploymentRolledBack', JSON.stringify(result));
    await assertRolledBack(stack, target, /RollbackAlarmError: Rollback alarm in ALARM: web-5xx/);
    assert.deepEqual((await waitsOf(target, execution.executionArn)).filter(({ step }) => step === 'traffic-50').map(describeWaitEnd), ['traffic-50 TaskFailed RollbackAlarmError']);
    assert.equal(await getItem(stack.documents, alarmWaiterKey('web-5xx', target.cluster, target.service)), undefined, 'the alarm event claimed its waiter');
  });

  it('AWS\'s published alarm event rolls the bake back once; its redelivery finds nothing to resume', async () => {
    const alarmName = AWS_SAMPLES.alarmSingleMetric.detail.alarmName;
    const target = await blueGreenService({ ...HOUR_BAKE, rollbackAlarms: [alarmName] });
    // The alarm exists and stays INSUFFICIENT_DATA for the checks: only the event tells of the ALARM.
    await createAlarm(target, alarmName);
    const { execution } = await pushAndWaitForCanary(stack, target);
    await parkedIn(stack, target, 'traffic-50');

    await putEvents(stack.events, [AWS_SAMPLES.alarmSingleMetric]);
    const result = await waitForExecution(target, execution.executionArn);

    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /RollbackAlarmError: Rollback alarm in ALARM: ServerCpuTooHigh/);
    const redelivered = await new LambdaClient(stack.aws.clientConfig).send(
      new InvokeCommand({ FunctionName: 'harbormaster-local-resumeDeployOnAlarm', Payload: Buffer.from(JSON.stringify(AWS_SAMPLES.alarmSingleMetric)) }),
    );
    assert.deepEqual(JSON.parse(Buffer.from(redelivered.Payload ?? []).toString('utf8')), { outcome: 'duplicate', eventId: AWS_SAMPLES.alarmSingleMetric.id });
  });

  it('status reports the weight on green during a bake, not the last finished step\'s', async () => {
    const target = await blueGreenService(HOUR_BAKE);
    await pushAndWaitForCanary(stack, target);
    const deploymentId = await parkedIn(stack, target, 'traffic-50');

    const { running } = await controls(stack, target).status(target);
    assert.equal(running?.deploymentId, deploymentId);
    assert.deepEqual([running?.['currentStep'], running?.['greenWeight']], ['traffic-50', (await productionWeights(target)).green]);
    assert.equal(running?.['greenWeight'], 50);
  });

  it('an abort ends the bake at once: rolled back', async () => {
    const target = await blueGreenService(HOUR_BAKE);
    const { execution } = await pushAndWaitForCanary(stack, target);
    const deploymentId = await parkedIn(stack, target, 'traffic-50');

    await controls(stack, target).abort({ ...target, deploymentId });
    const result = await waitForExecution(target, execution.executionArn);

    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /DeploymentAbortedError: An operator aborted the deployment/);
    assert.deepEqual((await waitsOf(target, execution.executionArn)).filter(({ step }) => step === 'traffic-50').map(describeWaitEnd), ['traffic-50 TaskFailed DeploymentAbortedError']);
  });

  it('a fast-track ends the bake at once and skips the final bake: deployed', async () => {
    const target = await blueGreenService({ ...HOUR_BAKE, finalBakeMinutes: 60 });
    const { execution } = await pushAndWaitForCanary(stack, target);
    const deploymentId = await parkedIn(stack, target, 'traffic-50');

    await controls(stack, target).fastTrack({ ...target, deploymentId });
    const result = await waitForExecution(target, execution.executionArn);

    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    const waits = (await waitsOf(target, execution.executionArn)).filter(({ step }) => step !== 'green-stable');
    assert.deepEqual(waits.map(describeWaitEnd), ['traffic-50 TaskSucceeded'], 'the promote step never waited');
    const steps = await deployments(stack).steps(target.cluster, target.service, deploymentId);
    assert.deepEqual(steps.filter((step) => step['note']).map((step) => [step['name'], step['note']]), [['traffic-50', 'bake skipped (fast track)'], ['promote', 'bake skipped (fast track)']]);
  });

  it('green tasks crashing mid-bake end it at once: rolled back, blue untouched', async () => {
    const target = await blueGreenService(HOUR_BAKE);
    const blueTasks = await runningTasksOf(target, target.blueTaskSetArn);
    const { execution } = await pushAndWaitForCanary(stack, target);
    const deploymentId = await parkedIn(stack, target, 'traffic-50');
    const green = (await taskSets(target)).find((taskSet) => taskSet.taskSetArn !== target.blueTaskSetArn);
    const [greenTask] = await runningTasksOf(target, green?.taskSetArn ?? '');
    assert.ok(greenTask, 'green runs');

    await stack.aws.runtime.crashTask(greenTask, 137);
    const result = await waitForExecution(target, execution.executionArn);

    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /GreenTasksFailedError: Green tasks stopped unexpectedly: .*EssentialContainerExited.*exited with code 137/);
    assert.deepEqual(await runningTasksOf(target, target.blueTaskSetArn), blueTasks, 'blue kept every task it had');
    assert.deepEqual((await waitsOf(target, execution.executionArn)).filter(({ step }) => step === 'traffic-50').map(describeWaitEnd), ['traffic-50 TaskFailed GreenTasksFailedError']);
    const [deployment] = await deployments(stack).history(target.cluster, target.service);
    assert.equal(deployment?.deploymentId, deploymentId);
  });

  it('a lost event costs one sparse check: a bake checked every few seconds notices an alarm nobody announced', async () => {
    const target = await blueGreenService({ strategy: { type: 'canary', percent: 50, bakeMinutes: 60 }, bakeCheckMinutes: 0.05, rollbackAlarms: ['web-5xx'] });
    await createAlarm(target, 'web-5xx');
    const { execution } = await pushAndWaitForCanary(stack, target);
    await parkedIn(stack, target, 'traffic-50');
    // The alarm event never reaches the deploy: every SendTaskFailure of the alarm handler fails.
    stack.aws.runtime.faults.throttle({ service: 'states', operation: 'SendTaskFailure', times: 1000 });

    await target.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'test' }));
    const result = await waitForExecution(target, execution.executionArn, 60_000);
    stack.aws.runtime.faults.clear();

    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /RollbackAlarmError: Rollback alarm in ALARM: web-5xx/);
    const ends = (await waitsOf(target, execution.executionArn)).filter(({ step }) => step === 'traffic-50').map(describeWaitEnd);
    assert.ok(ends.length >= 1 && ends.every((end) => end === 'traffic-50 TaskTimedOut States.Timeout'), ends.join(', '));
  });
});

describe('blue/green: the approval gate', () => {
  const APPROVAL: ServiceOptions['deploy'] = { manualApproval: true };

  it('an abort while it waits for approval rolls back at once', async () => {
    const target = await blueGreenService(APPROVAL);
    await pushImage(target, 'v1');
    const deploymentId = await parkedIn(stack, target, 'approval');

    await controls(stack, target).abort({ ...target, deploymentId });
    const result = await waitForExecution(target, await newestExecution(target));

    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /DeploymentAbortedError: An operator aborted the deployment/);
    assert.deepEqual((await waitsOf(target, await newestExecution(target))).filter(({ step }) => step === 'approval').map(describeWaitEnd), ['approval TaskFailed DeploymentAbortedError']);
  });

  it('a fast-track passes the gate at once', async () => {
    const target = await blueGreenService(APPROVAL);
    await pushImage(target, 'v1');
    const deploymentId = await parkedIn(stack, target, 'approval');

    await controls(stack, target).fastTrack({ ...target, deploymentId });
    const result = await waitForExecution(target, await newestExecution(target));

    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    const steps = await deployments(stack).steps(target.cluster, target.service, deploymentId);
    assert.deepEqual(steps.filter((step) => step['note']).map((step) => [step['name'], step['note']]), [['approval', 'approved by fast track']]);
    await assert.rejects(controls(stack, target).approve({ ...target, deploymentId }), { name: 'DeployControlError', message: /is not waiting for approval/ });
  });

  it('a gate nobody approves in time rolls back (configured timeout), freeing the service', async () => {
    const target = await blueGreenService({ ...APPROVAL, approvalTimeoutMinutes: 0.05 });
    await pushImage(target, 'v1');
    await stack.aws.runtime.idle();
    const executionArn = await newestExecution(target);

    const result = await waitForExecution(target, executionArn, 60_000);

    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /ApprovalTimedOutError: Nobody approved the deployment within 3 s/);
    // Whichever comes first ends the one wait: the task token's own timeout, or a check that finds the deadline passed.
    const [approvalWait, ...more] = (await waitsOf(target, executionArn)).filter(({ step }) => step === 'approval').map(describeWaitEnd);
    assert.ok(['approval TaskTimedOut States.Timeout', 'approval TaskFailed ApprovalTimedOutError'].includes(approvalWait ?? ''), approvalWait);
    assert.deepEqual(more, [], 'one approval wait');
  });

  it('a gate configured to proceed on timeout deploys, and says so', async () => {
    const target = await blueGreenService({ ...APPROVAL, approvalTimeoutMinutes: 0.05, approvalTimeoutAction: 'proceed' });
    await pushImage(target, 'v1');
    await stack.aws.runtime.idle();

    const result = await waitForExecution(target, await newestExecution(target), 60_000);

    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    const [deployment] = await deployments(stack).history(target.cluster, target.service);
    const steps = await deployments(stack).steps(target.cluster, target.service, deployment?.deploymentId ?? '');
    assert.deepEqual(steps.filter((step) => step['note']).map((step) => [step['name'], step['note']]), [['approval', 'approval timed out; proceeding as configured']]);
  });
});

describe('blue/green under ECS throttling and server errors', () => {
  it('rides out ~70 % of DescribeServices/ListTasks throttled (and 5xx answers): completes, weights on green', async () => {
    // All at once: three checks, each retried through the throttling (a canary adds one per step, and minutes).
    const target = await blueGreenService({ strategy: { type: 'all-at-once' }, checkIntervalSeconds: 5 });
    stack.aws.runtime.faults.failCalls({ service: 'ecs', operation: 'DescribeServices', times: 4, code: 'ServerException', message: 'Service unavailable', status: 500 });
    stack.aws.runtime.faults.throttle({ service: 'ecs', operation: 'DescribeServices', ratio: 0.7, seed: 11 });
    stack.aws.runtime.faults.throttle({ service: 'ecs', operation: 'ListTasks', ratio: 0.7, seed: 12 });
    await pushImage(target, 'v1');
    await stack.aws.runtime.idle();
    const executionArn = await newestExecution(target);

    const result = await waitForExecution(target, executionArn, 600_000);
    stack.aws.runtime.faults.clear();

    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    const live = await taskSets(target);
    assert.equal(live.length, 1, 'blue deleted');
    assert.equal(live[0]?.status, 'PRIMARY');
    const history = await executionHistory(target, executionArn);
    const retried = history.filter((event) => event.type === 'LambdaFunctionFailed' || event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error ?? event.lambdaFunctionFailedEventDetails?.error);
    assert.ok(retried.includes('EcsThrottledError'), `throttled steps were retried: ${retried.join(', ')}`);
    assert.ok(!retried.some((error) => /Green|Rollback|Abort/.test(String(error))), 'no throttled read counted as a health failure');
  });
});
