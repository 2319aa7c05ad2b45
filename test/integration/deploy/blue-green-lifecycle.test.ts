import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { deploymentIdFor, pinnedImageUri } from '../../../functions/deploy/domain/deploy-trigger.ts';
import { createBlueGreenService, deployExecutions, deployStateMachineArn, executionHistory, productionWeights, pushImage, taskSets, waitForExecution, type BlueGreenService } from '../../../local/sample-blue-green.ts';
import { imagePush } from '../../fixtures/aws-events.ts';
import { executionStatusChange } from '../../fixtures/sfn-events.ts';
import { controls, deployOnPush, deployOutboxKinds, deployments, eventually, pushAndWaitForCanary, waitForNewestDeploy } from './blue-green-support.ts';
import { useDeployedStack } from '../support.ts';

/**
 * Whatever ends a deploy execution, the service is left consistent: traffic on blue (or all on green after a success),
 * no green task set left behind, the real outcome recorded, the lock released and the queued deploy started. The local
 * AWS emits "Step Functions Execution Status Change" events as AWS does (ABORTED for StopExecution), which bring the
 * execution reconciler.
 */

const stack = useDeployedStack();

const canary = (bakeMinutes: number) => ({ deploy: { strategy: { type: 'canary' as const, percent: 10, bakeMinutes } } });

/** The deployment id a push of this digest gets (deploy-trigger.ts), to aim a fault at its execution. */
function pushedDeploymentId(target: BlueGreenService, digest: string): string {
  const image = pinnedImageUri({ account: '123456789012', region: 'us-east-1', repository: target.repository, digest });
  return deploymentIdFor({ cluster: target.cluster, service: target.service, image });
}

/** Blue alone serves: production 100 / 0 on blue, the blue task set the only one and primary. */
async function assertOnBlue(target: BlueGreenService): Promise<void> {
  assert.deepEqual(await productionWeights(target), { blue: 100, green: 0 }, 'production is back on blue');
  assert.deepEqual((await taskSets(target)).map((taskSet) => [taskSet.taskSetArn, taskSet.status]), [[target.blueTaskSetArn, 'PRIMARY']], 'green removed, blue primary');
}

/** The service is free again: a push deploys (bakes fast-tracked), and its green serves all production traffic. */
async function assertNextPushDeploys(target: BlueGreenService): Promise<void> {
  const digest = await pushImage(target, 'v9');
  const deploymentId = pushedDeploymentId(target, digest);
  await eventually('the next push deploys', async () => (await deployments(stack).getDeployment(target.cluster, target.service, deploymentId))?.status === 'IN_PROGRESS');
  await controls(stack, target).fastTrack({ ...target, deploymentId });
  const { result, deployment } = await waitForNewestDeploy(stack, target);
  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(deployment.deploymentId, deploymentId);
  const [live, ...others] = await taskSets(target);
  assert.deepEqual([live?.taskDefinition, live?.status, others], [deployment['greenTaskDefinitionArn'], 'PRIMARY', []]);
  const weights = await productionWeights(target);
  assert.deepEqual(weights, deployment['greenTargetGroupArn'] === target.blueTargetGroupArn ? { blue: 100, green: 0 } : { blue: 0, green: 100 }, 'all traffic on its green');
}

describe('a deploy execution stopped by hand', () => {
  it('mid-canary: traffic back on blue, green removed, recorded STOPPED, lock released, the next push deploys', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(5));
    const { execution, deployment } = await pushAndWaitForCanary(stack, target);
    assert.deepEqual(await productionWeights(target), { blue: 90, green: 10 });

    await target.clients.sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'Operator', cause: 'stopped in the console' }));
    assert.equal((await waitForExecution(target, execution.executionArn)).status, 'ABORTED', 'StopExecution aborts, as in AWS');
    // The ABORTED status event reaches the reconciler asynchronously (moto's executor thread emits it).
    await eventually('the reconciler recorded the stop', async () => (await deployments(stack).getDeployment(target.cluster, target.service, deployment.deploymentId))?.status === 'STOPPED', 30_000);
    await stack.aws.runtime.idle();

    await assertOnBlue(target);
    const stopped = await deployments(stack).getDeployment(target.cluster, target.service, deployment.deploymentId);
    assert.equal(stopped?.status, 'STOPPED');
    assert.equal(stopped?.['reason'], 'The deploy execution was stopped (ABORTED) before it finished');
    assert.equal(stopped?.['greenWeight'], 0);
    assert.deepEqual(await deployOutboxKinds(stack), ['deploy-stopped']);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined, 'the lock is released');
    assert.deepEqual(
      stack.aws.runtime.invocations.filter((invocation) => invocation.functionName === 'harbormaster-local-reconcileDeployExecution').map((invocation) => invocation.ok),
      [true],
      'one ABORTED event, reconciled once',
    );

    // A duplicate (or late) delivery of that end changes nothing.
    const duplicate = executionStatusChange({ executionArn: execution.executionArn, stateMachineArn: deployStateMachineArn('local'), name: deployment.deploymentId, status: 'ABORTED' });
    const answer = await new LambdaClient(stack.aws.clientConfig).send(new InvokeCommand({ FunctionName: 'harbormaster-local-reconcileDeployExecution', Payload: Buffer.from(JSON.stringify(duplicate)) }));
    const { report } = JSON.parse(Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8')) as { report: Record<string, unknown> };
    assert.deepEqual([report['outcome'], report['recorded'], report['restoredBlue'], report['releasedLock']], ['STOPPED', false, false, false]);
    assert.deepEqual(await deployOutboxKinds(stack), ['deploy-stopped']);

    await assertNextPushDeploys(target);
  });

  it('with a deploy queued behind it: the queued deploy starts once blue serves again', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(5));
    const { execution } = await pushAndWaitForCanary(stack, target);
    const queuedDigest = await pushImage(target, 'v2');
    await stack.aws.runtime.idle();
    assert.equal((await controls(stack, target).status(target)).queued?.digest, queuedDigest);

    await target.clients.sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn }));
    await waitForExecution(target, execution.executionArn);
    await stack.aws.runtime.idle();
    await eventually('the queued deploy is at its canary', async () => ((await productionWeights(target)).green ?? 0) > 0);
    const [running] = await deployments(stack).history(target.cluster, target.service);
    assert.equal(running?.['digest'], queuedDigest);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), running?.deploymentId);
    assert.equal(running?.['blueTaskSetArn'], target.blueTaskSetArn, 'it deploys next to the original blue, which the stop restored');
  });
});

describe('a failing Finish', () => {
  it('fails the execution (DeployFinishFailed); the reconciler records the success and releases the lock', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    // Every invocation of Finish fails as a Lambda service error would: the machine retries, then gives up.
    stack.aws.runtime.faults.failCalls({ service: 'lambda', operation: 'Invoke', bodyIncludes: '"finish"', code: 'ServiceException', message: 'Lambda is unavailable', status: 500 });
    const { result, deployment } = await deployOnPush(stack, target);
    stack.aws.runtime.faults.clear();

    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'DeployFinishFailed');
    assert.match(result.cause ?? '', /^Finish of a SUCCEEDED deployment failed: Lambda\.ServiceException/);
    assert.equal(deployment.status, 'SUCCEEDED', 'blue was deleted and green serves: the deploy succeeded');
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    assert.deepEqual((await taskSets(target)).map((taskSet) => taskSet.status), ['PRIMARY'], 'green is the service, and kept');
    assert.deepEqual(await deployOutboxKinds(stack), ['deploy-succeeded']);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);

    await assertNextPushDeploys(target);
  });
});

describe('starting the queued deploy', () => {
  it('refused by AWS for good: that deployment is recorded FAILED and the lock is released', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.05));
    await pushAndWaitForCanary(stack, target);
    const queuedDigest = await pushImage(target, 'v2');
    await stack.aws.runtime.idle();
    const queuedId = pushedDeploymentId(target, queuedDigest);
    assert.equal((await controls(stack, target).status(target)).queued?.deploymentId, queuedId);
    stack.aws.runtime.faults.failCalls({ service: 'states', operation: 'StartExecution', bodyIncludes: queuedId, code: 'StateMachineDoesNotExist', message: 'State Machine Does Not Exist' });

    // The queued deployment is STARTING between the hand-over of the lock and the refused start: wait for its outcome.
    await eventually('the refused start is recorded', async () => (await deployments(stack).getDeployment(target.cluster, target.service, queuedId))?.status === 'FAILED', 60_000);
    await eventually('the lock is released, not stranded on a deploy that never started', async () => (await deployments(stack).lockHolder(target.cluster, target.service)) === undefined, 30_000);
    await stack.aws.runtime.idle();
    stack.aws.runtime.faults.clear();

    const queued = await deployments(stack).getDeployment(target.cluster, target.service, queuedId);
    assert.equal(queued?.status, 'FAILED');
    assert.match(String(queued?.['reason']), /^DeployStartError: Could not start deployment .* \(StateMachineDoesNotExist: State Machine Does Not Exist\)/);
    assert.deepEqual((await deployOutboxKinds(stack)).sort(), ['deploy-failed', 'deploy-succeeded']);
    // Finish records the outcome before its execution ends: wait for the execution too.
    await eventually('the first execution ended', async () => (await deployExecutions(target)).every((execution) => execution.status !== 'RUNNING'), 30_000);
    assert.deepEqual((await deployExecutions(target)).map((execution) => execution.status), ['SUCCEEDED'], 'the first deploy itself succeeded');

    await assertNextPushDeploys(target);
  });

  it('failing for a while (503s): Finish is retried and starts the very same deploy', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.05));
    const { execution } = await pushAndWaitForCanary(stack, target);
    const queuedDigest = await pushImage(target, 'v2');
    await stack.aws.runtime.idle();
    const queuedId = pushedDeploymentId(target, queuedDigest);
    // As many failures as one Finish's SDK client tries (its default 3 attempts): that Finish fails, its retry starts it.
    stack.aws.runtime.faults.failCalls({ service: 'states', operation: 'StartExecution', bodyIncludes: queuedId, code: 'ServiceUnavailable', status: 503, times: 3 });

    assert.equal((await waitForExecution(target, execution.executionArn, 60_000)).status, 'SUCCEEDED');
    const finishFailures = (await executionHistory(target, execution.executionArn)).filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error);
    assert.deepEqual(finishFailures, ['DeployStartError'], 'the first Finish failed to start the queued deploy');
    await eventually('the queued deploy ran', async () => (await deployments(stack).getDeployment(target.cluster, target.service, queuedId))?.status === 'SUCCEEDED', 60_000);
    await stack.aws.runtime.idle();
    assert.equal((await deployExecutions(target)).length, 2, 'started once');
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
  });
});

describe('unlock', () => {
  it('of a deploy waiting for approval: a dry run says what it would do, it refuses without force, and with force it ends the deploy', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy: { manualApproval: true } });
    await pushImage(target, 'v1');
    await stack.aws.runtime.idle();
    let deploymentId = '';
    await eventually('the deploy waits for approval', async () => {
      const running = (await controls(stack, target).status(target)).running;
      deploymentId = running?.deploymentId ?? '';
      return (running?.['wait'] as { kind?: string } | null | undefined)?.kind === 'approval';
    });
    const [execution] = await deployExecutions(target);
    const [green] = (await taskSets(target)).filter((taskSet) => taskSet.status !== 'PRIMARY');
    const held = new RegExp(`^The deploy lock of web-cluster/web is held by deployment ${deploymentId} \\(IN_PROGRESS\\); its execution ${execution?.executionArn} is RUNNING since `);

    const dry = await controls(stack, target).unlock({ ...target, dryRun: true });
    assert.equal(dry.done, false);
    assert.match(dry.lines[0] ?? '', held);
    assert.deepEqual(dry.lines.slice(1), ['Would refuse: it still runs: abort it (rolls back), or unlock with force (stops the execution first)']);
    await assert.rejects(controls(stack, target).unlock(target), { name: 'DeployControlError', message: /Refusing to unlock: it still runs/ });

    const forcedDry = await controls(stack, target).unlock({ ...target, dryRun: true, force: true });
    assert.deepEqual(forcedDry.lines.slice(1), [
      `Would stop execution ${execution?.executionArn}`,
      `Would put production traffic back on blue (blue 100 / green 0), make blue primary, delete green task set(s) ${green?.taskSetArn}`,
      'Would record the deployment STOPPED: The deploy execution was stopped (ABORTED) before it finished',
      'Would release the lock',
    ]);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), deploymentId, 'the dry runs changed nothing');
    assert.equal((await deployExecutions(target))[0]?.status, 'RUNNING');
    assert.equal((await taskSets(target)).length, 2);

    const done = await controls(stack, target).unlock({ ...target, force: true });
    assert.equal(done.done, true);
    assert.deepEqual(done.lines.slice(1), forcedDry.lines.slice(1).map((line) => line.replace(/^Would /, 'Did ')));
    assert.equal((await waitForExecution(target, execution?.executionArn ?? '')).status, 'ABORTED');
    await stack.aws.runtime.idle();
    await assertOnBlue(target);
    assert.equal((await deployments(stack).getDeployment(target.cluster, target.service, deploymentId))?.status, 'STOPPED');
    assert.deepEqual(await deployOutboxKinds(stack), ['deploy-stopped'], 'announced once, although the ABORTED event came too');
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
  });

  it('of a lock whose deploy never started: records it FAILED and releases it; with no lock it says so', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    // A lock taken for a request whose StartExecution never happened (the requesting Lambda died for good).
    const earlier = '2026-01-01T00:00:00.000Z';
    const request = { deploymentId: 'web-0123456789abcdef', cluster: target.cluster, service: target.service, image: 'img@sha256:1', trigger: 'operator' as const, pushedAt: earlier, requestedAt: earlier };
    assert.equal(await deployments(stack).requestDeploy(request), 'acquired');

    const dry = await controls(stack, target).unlock({ ...target, dryRun: true });
    assert.deepEqual(dry.lines, [
      `The deploy lock of web-cluster/web is held by deployment web-0123456789abcdef (STARTING); its execution arn:aws:states:us-east-1:123456789012:execution:harbormaster-local-blue-green-deploy:web-0123456789abcdef is NOT_STARTED`,
      'Would record the deployment FAILED: The deploy execution never started',
      'Would release the lock',
    ]);
    const done = await controls(stack, target).unlock(target);
    assert.equal(done.done, true);
    assert.equal((await deployments(stack).getDeployment(target.cluster, target.service, request.deploymentId))?.status, 'FAILED');
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
    assert.deepEqual(await controls(stack, target).unlock(target), { done: false, outcome: 'no-lock', lines: ['No deploy lock is held on web-cluster/web: nothing to release'] });

    await assertNextPushDeploys(target);
  });
});

describe('abort', () => {
  it('of a deploy that has ended answers so and changes nothing', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    const { deployment } = await deployOnPush(stack, target);
    const answer = await controls(stack, target).abort({ ...target, deploymentId: deployment.deploymentId });
    assert.equal(answer.outcome, 'already-ended');
    assert.match(answer.message, new RegExp(`^Deployment ${deployment.deploymentId} of web-cluster/web already ended SUCCEEDED at .*: nothing to abort$`));
    const after = await deployments(stack).getDeployment(target.cluster, target.service, deployment.deploymentId);
    assert.equal(after?.status, 'SUCCEEDED');
    assert.equal(after?.['abortRequested'], undefined);
    await assert.rejects(controls(stack, target).abort({ ...target, deploymentId: 'web-does-not-exist' }), { name: 'DeployControlError', message: /does not exist/ });
  });

  it('of a running deploy answers that it rolls back', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(5));
    const { deployment } = await pushAndWaitForCanary(stack, target);
    const answer = await controls(stack, target).abort({ ...target, deploymentId: deployment.deploymentId });
    assert.deepEqual(answer, { outcome: 'requested', status: 'IN_PROGRESS', message: `Abort requested: Deployment ${deployment.deploymentId} of web-cluster/web rolls back now if it is waiting (a bake, the approval gate, green coming up), else at its next check` });
    const { deployment: ended } = await waitForNewestDeploy(stack, target);
    assert.equal(ended.status, 'ROLLED_BACK');
  });
});

describe('pushes of one service out of order', () => {
  const lambda = () => new LambdaClient(stack.aws.clientConfig);
  const deliver = (target: BlueGreenService, digest: string, tag: string, time: string) =>
    lambda().send(
      new InvokeCommand({
        FunctionName: 'harbormaster-local-ingestImagePush',
        Payload: Buffer.from(JSON.stringify(imagePush({ 'repository-name': target.repository, 'image-digest': digest, 'image-tag': tag }, { account: '123456789012', time }))),
      }),
    );
  const digestOf = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

  it('a push delivered after a newer one never deploys: the newest image ends live', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.02));
    await deliver(target, digestOf(2), 'v2', '2026-11-20T10:00:06Z');
    await stack.aws.runtime.idle();
    await deliver(target, digestOf(1), 'v1', '2026-11-20T10:00:05Z');
    await eventually('the deploy ended', async () => (await deployments(stack).history(target.cluster, target.service)).every((item) => item.status === 'SUCCEEDED'), 60_000);
    await stack.aws.runtime.idle();

    assert.deepEqual((await deployments(stack).history(target.cluster, target.service)).map((item) => item['digest']), [digestOf(2)], 'the older push was superseded');
    assert.equal((await controls(stack, target).status(target)).queued, undefined);
  });

  it('pushes within one second delivered at once: one deploy at a time, and the last received ends live', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, canary(0.02));
    await Promise.all([1, 2, 3, 4].map((n) => deliver(target, digestOf(n), `v${n}`, '2026-11-20T10:00:05Z')));
    await eventually('every deploy ended', async () => {
      const history = await deployments(stack).history(target.cluster, target.service);
      // The lock too: a queued request handed over by Finish is no longer queued, but not yet in the history either.
      const idle = (await deployments(stack).lockHolder(target.cluster, target.service)) === undefined && (await controls(stack, target).status(target)).queued === undefined;
      return idle && history.length > 0 && history.every((item) => item.status === 'SUCCEEDED');
    }, 60_000);
    await stack.aws.runtime.idle();

    const history = await deployments(stack).history(target.cluster, target.service);
    const newest = [...history].sort((a, b) => `${String(a['requestedAt'])}|${a.deploymentId}`.localeCompare(`${String(b['requestedAt'])}|${b.deploymentId}`)).at(-1);
    const [live] = await taskSets(target);
    assert.equal(live?.taskDefinition, newest?.['greenTaskDefinitionArn'], 'the request received last is what serves');
    assert.ok(history.length <= 2, `at most the first and the newest deploy (${history.length})`);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
  });
});
