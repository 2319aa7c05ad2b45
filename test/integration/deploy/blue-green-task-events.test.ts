import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { stabilityWaiterKey } from '../../../functions/deploy/adapters/stability-waiters.ts';
import { createBlueGreenService, deployExecutions, type BlueGreenService, type ServiceOptions } from '../../../local/sample-blue-green.ts';
import { assertRolledBack, deployOnPush, waitsOf } from './blue-green-support.ts';
import { getItem, useDeployedStack } from '../support.ts';

/**
 * The deploy's wait for a stable green, resumed by green's task events through ingestTaskState (task token), with the
 * check loop as the fallback when no event resumes it (docs/decisions/0007, 0013). Green's tasks stay PENDING for a while
 * (runtime fault `slowStart`), so the first check finds green not yet stable and the machine parks.
 */

const stack = useDeployedStack();

/** The service with its blue tasks started, so faults set next apply to green's tasks only. */
async function blueGreenService(options: ServiceOptions): Promise<BlueGreenService> {
  const target = await createBlueGreenService(stack.aws.clientConfig, options);
  await stack.aws.runtime.idle();
  return target;
}

/** A check interval no test waits for: a deploy ending well before it was resumed by events, not by polling. */
const LONG_INTERVAL: ServiceOptions = { deploy: { checkIntervalSeconds: 60, greenStableTimeoutMinutes: 5 } };

/** How each wait of the newest execution for green to come up ended: the Task* event that closed it. */
async function greenWaits(target: BlueGreenService): Promise<HistoryEvent[]> {
  const [execution] = await deployExecutions(target);
  return (await waitsOf(target, execution?.executionArn ?? '')).filter(({ step }) => step === 'green-stable').map(({ end }) => end);
}

describe('blue/green: waiting for green on its task events', () => {
  it('resumes as soon as green runs (task event → SendTaskSuccess), long before the check interval', async () => {
    const target = await blueGreenService(LONG_INTERVAL);
    stack.aws.runtime.faults.slowStart({ taskDefinitionFamily: target.family, pendingMs: 1000 });
    const started = Date.now();
    const { result, deployment, stepNames } = await deployOnPush(stack, target);
    const tookMs = Date.now() - started;

    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.ok(tookMs < 15_000, `the deploy took ${tookMs} ms; polling would have taken 60 s`);
    const waits = await greenWaits(target);
    assert.deepEqual(
      waits.map((event) => [event.type, event.taskSucceededEventDetails?.resource, JSON.parse(event.taskSucceededEventDetails?.output ?? 'null')]),
      [['TaskSucceeded', 'invoke.waitForTaskToken', { greenStable: true }]],
      'one wait, ended by our SendTaskSuccess',
    );
    assert.deepEqual(stepNames, ['register-revision', 'green-stable', 'traffic-100', 'promote']);
    const greenTaskSetId = String(deployment['greenTaskSetArn']).split('/').slice(3).join('/');
    assert.match(greenTaskSetId, /^ecs-svc\/\d+$/);
    assert.equal(await getItem(stack.documents, stabilityWaiterKey(greenTaskSetId)), undefined, 'the waiter was claimed');
  });

  it('rolls back as soon as a green task crashes (task event → SendTaskFailure GreenTasksFailedError)', async () => {
    const target = await blueGreenService(LONG_INTERVAL);
    // One green task is still pending when the other crashes, so the wait is what sees the crash.
    stack.aws.runtime.faults.slowStart({ taskDefinitionFamily: target.family, pendingMs: 5000, times: 1 });
    stack.aws.runtime.faults.crashTasks({ taskDefinitionFamily: target.family, afterMs: 1000, exitCode: 137 });
    const started = Date.now();
    const { result } = await deployOnPush(stack, target);
    const tookMs = Date.now() - started;

    assert.equal(result.error, 'DeploymentRolledBack', JSON.stringify(result));
    assert.ok(tookMs < 15_000, `the rollback took ${tookMs} ms; polling would have taken 60 s`);
    const waits = await greenWaits(target);
    assert.deepEqual(
      waits.map((event) => [event.type, event.taskFailedEventDetails?.error]),
      [['TaskFailed', 'GreenTasksFailedError']],
    );
    await assertRolledBack(stack, target, /GreenTasksFailedError: Green tasks stopped unexpectedly: .*EssentialContainerExited.*exited with code 137/);
  });

  it('falls back to checking every interval when no resume gets through', async () => {
    const target = await blueGreenService({ deploy: { checkIntervalSeconds: 1, greenStableTimeoutMinutes: 1 } });
    stack.aws.runtime.faults.slowStart({ taskDefinitionFamily: target.family, pendingMs: 1500 });
    // Every resume is lost: the waiters are claimed, but Step Functions never hears of them.
    stack.aws.runtime.faults.throttle({ service: 'states', operation: 'SendTaskSuccess', times: 1000 });
    const { result, stepNames } = await deployOnPush(stack, target);

    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.deepEqual(stepNames, ['register-revision', 'green-stable', 'traffic-100', 'promote']);
    const waits = await greenWaits(target);
    assert.ok(waits.length >= 1);
    assert.deepEqual(new Set(waits.map((event) => [event.type, event.taskTimedOutEventDetails?.error].join(' '))), new Set(['TaskTimedOut States.Timeout']));
  });
});
