import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { createBlueGreenService, deployExecutions, productionWeights, pushImage, routeWeights, taskSets, waitForExecution } from '../../../local/sample-blue-green.ts';
import { controls, deployAnnouncements, deployOnPush, deployOutboxKinds, deployments, eventually, parkedIn, waitForNewestDeploy } from './blue-green-support.ts';
import { useDeployedStack } from '../support.ts';

/** One deploy per service at a time: duplicates, queueing, superseding; operator controls; failure paths. */

const stack = useDeployedStack();

describe('deploy requests', () => {
  it('starts one execution for a push delivered several times, during and after the deploy', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    await pushImage(target, 'v1');
    await stack.aws.runtime.idle();
    const [pushEvent] = stack.aws.runtime.emitter.emitted.filter((event) => event.detailType === 'ECR Image Action');
    assert.ok(pushEvent?.eventId);
    // EventBridge redelivers the very same event (same id) at least once.
    const redelivery = {
      version: '0',
      id: pushEvent.eventId,
      'detail-type': pushEvent.detailType,
      source: pushEvent.source,
      account: '123456789012',
      time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      region: 'us-east-1',
      resources: pushEvent.resources ?? [],
      detail: pushEvent.detail,
    };
    const lambda = new LambdaClient(stack.aws.clientConfig);
    const redeliver = () => lambda.send(new InvokeCommand({ FunctionName: 'harbormaster-local-ingestImagePush', Payload: Buffer.from(JSON.stringify(redelivery)) }));
    await Promise.all([redeliver(), redeliver()]);
    const { result } = await waitForNewestDeploy(stack, target);
    assert.equal(result.status, 'SUCCEEDED');
    await redeliver();
    await stack.aws.runtime.idle();

    assert.equal((await deployExecutions(target)).length, 1);
    assert.equal((await deployments(stack).history(target.cluster, target.service)).length, 1);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
    assert.deepEqual(await deployOutboxKinds(stack), ['deploy-succeeded']);
  });

  it('runs one deploy at a time: of three quick pushes the first runs, the third supersedes the queued second', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes: 0.02 } } });
    // ECR events carry whole seconds, so pushes within one second are ordered by arrival: let each arrive in turn.
    const first = await pushImage(target, 'v1');
    await stack.aws.runtime.idle();
    const second = await pushImage(target, 'v2');
    await stack.aws.runtime.idle();
    const third = await pushImage(target, 'v3');
    await stack.aws.runtime.idle();
    assert.equal((await controls(stack, target).status(target)).queued?.digest, third, 'the newest push waits in the queue');
    await eventually('both deploys ended', async () => {
      const history = await deployments(stack).history(target.cluster, target.service);
      return history.length === 2 && history.every((deployment) => deployment.status === 'SUCCEEDED');
    });
    await stack.aws.runtime.idle();

    const history = await deployments(stack).history(target.cluster, target.service);
    assert.deepEqual(history.map((deployment) => deployment['digest']), [third, first], 'newest first; the second never deployed');
    const executions = await deployExecutions(target);
    assert.deepEqual(executions.map((execution) => execution.name).sort(), history.map((deployment) => deployment.deploymentId).sort());
    const [newer, older] = await Promise.all(
      history.map((deployment) => target.clients.sfn.send(new DescribeExecutionCommand({ executionArn: String(deployment['executionArn']) }))),
    );
    assert.ok((newer?.startDate?.getTime() ?? 0) >= (older?.stopDate?.getTime() ?? Infinity) - 1000, 'the second deploy started when the first ended');
    const [live] = await taskSets(target);
    assert.equal(live?.taskDefinition, history[0]?.['greenTaskDefinitionArn']);
    assert.notEqual(second, third);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
    const superseded = (await deployAnnouncements(stack)).filter((item) => item['kind'] === 'deploy-superseded').map((item) => item['details'] as Record<string, unknown>);
    assert.equal(superseded.length, 1, 'the second push is announced as superseded, once');
    assert.match(String(superseded[0]?.['image']), new RegExp(`@${second}$`));
    assert.deepEqual([superseded[0]?.['supersededBy'], superseded[0]?.['where']], [history[0]?.deploymentId, 'queue']);
  });
});

describe('operator controls', () => {
  it('pauses for approval after routing the test listener to green, then completes when approved', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { withTestListener: true, deploy: { manualApproval: true } });
    await pushImage(target, 'v1');
    await stack.aws.runtime.idle();
    const deploymentId = await parkedIn(stack, target, 'approval');
    assert.deepEqual(await routeWeights(target, { listenerArn: target.testListenerArn ?? '' }), { blue: 0, green: 100 }, 'test traffic on green');
    assert.deepEqual(await productionWeights(target), { blue: 100, green: 0 }, 'production untouched');

    await controls(stack, target).approve({ ...target, deploymentId });
    const { result, stepNames } = await waitForNewestDeploy(stack, target);
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(stepNames, ['register-revision', 'green-stable', 'pre-traffic', 'approval', 'traffic-100', 'promote']);
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
  });

  it('rolls back to the previous revision with a deploy of it; dry run prints the plan and changes nothing', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    const first = await deployOnPush(stack, target);
    assert.equal(first.result.status, 'SUCCEEDED');

    const plan = await controls(stack, target).dryRun(target);
    assert.deepEqual(plan, [
      'Deploy plan for web-cluster/web (all-at-once); containers replaced: app',
      '1. create the green task set and wait until all its tasks run (at most 30 s)',
      '2. green 100% / blue 0%',
      '3. make green the primary task set',
      '4. delete the blue task set',
      'Rolls back on: green tasks stopping, a failed check, a timeout, or an abort.',
    ]);
    assert.equal((await deployExecutions(target)).length, 1, 'the dry run started nothing');

    const { outcome } = await controls(stack, target).rollbackToPrevious(target);
    assert.equal(outcome, 'acquired');
    const { result, deployment } = await waitForNewestDeploy(stack, target);
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(deployment['trigger'], 'rollback');
    const [live] = await taskSets(target);
    assert.equal(live?.taskDefinition, target.blueTaskDefinitionArn, 'the original revision serves again');
    assert.deepEqual(await routeWeights(target, { listenerArn: target.listenerArn }), { blue: 100, green: 0 }, 'on the original target group');
  });

  it('records FAILED, not ROLLED_BACK, when the rollback itself fails after blue could not be deleted', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    // A refusal nobody retries (throttling would be retried for minutes).
    stack.aws.runtime.faults.failCalls({ service: 'ecs', operation: 'DeleteTaskSet', times: 1000, code: 'ClientException', message: 'The task set cannot be deleted' });
    const { result, deployment } = await deployOnPush(stack, target);
    stack.aws.runtime.faults.clear();
    assert.equal(result.error, 'DeploymentFailed');
    assert.equal(deployment.status, 'FAILED');
    assert.match(String(deployment['reason']), /AwsCallError: DeleteTaskSet .* failed: The task set cannot be deleted/);
    assert.deepEqual(await productionWeights(target), { blue: 100, green: 0 }, 'traffic went back to blue before the rollback failed');
    assert.equal((await taskSets(target)).find((taskSet) => taskSet.status === 'PRIMARY')?.taskSetArn, target.blueTaskSetArn);
    // The execution reconciler tried again to remove green (DeleteTaskSet still throttled): recorded and announced.
    const green = (await taskSets(target)).find((taskSet) => taskSet.status !== 'PRIMARY');
    assert.deepEqual((deployment['leftBehind'] as { taskSetArns: string[] } | undefined)?.taskSetArns, [green?.taskSetArn]);
    assert.deepEqual((await deployOutboxKinds(stack)).sort(), ['deploy-cleanup-failed', 'deploy-failed']);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
    assert.equal((await waitForExecution(target, String(deployment['executionArn']))).status, 'FAILED');
  });
});
