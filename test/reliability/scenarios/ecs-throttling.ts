import assert from 'node:assert/strict';
import { createBlueGreenService } from '../../../local/sample-blue-green.ts';
import { deployOnPush } from '../../integration/deploy/blue-green-support.ts';
import { serviceState } from '../deploy-observations.ts';
import type { Scenario } from '../scenario.ts';

export const ecsThrottling: Scenario = {
  id: 'd',
  title: 'ECS throttling most calls: the deploy backs off, goes on and completes',
  async run({ stack, sizes, figures }) {
    const { ratio, strategy, deployTimeoutMs } = sizes.ecsThrottling;
    const target = await createBlueGreenService(stack.aws.clientConfig, {
      deploy: { strategy: strategy === 'canary' ? { type: 'canary', percent: 50, bakeMinutes: 0.02 } : { type: 'all-at-once' }, greenStableTimeoutMinutes: 10 },
    });
    await stack.aws.runtime.idle();
    figures.set('strategy', strategy);

    // Every ECS call through the local AWS — from the deploy's Lambdas and its state machine's direct integrations.
    stack.aws.runtime.faults.throttle({ service: 'ecs', ratio, seed: 70 });
    const started = Date.now();
    const { result, deployment } = await deployOnPush(stack, target, 'v1', deployTimeoutMs);
    figures.elapsed('deploy took', started);
    const [counts] = stack.aws.runtime.faults.throttleCounts();
    stack.aws.runtime.faults.clear();
    figures.set('ECS calls', counts?.matched ?? 0);
    figures.set('throttled', `${counts?.throttled ?? 0} (${Math.round((100 * (counts?.throttled ?? 0)) / Math.max(1, counts?.matched ?? 0))} %)`);
    figures.set('outcome', `${result.status} (deployment ${deployment.status})`);

    const state = await serviceState(stack, target);
    const green = state.taskSets.find((taskSet) => taskSet.arn !== target.blueTaskSetArn);
    figures.set('weights', JSON.stringify(state.weights));
    figures.set('task sets', state.taskSets.map((taskSet) => `${taskSet.arn === target.blueTaskSetArn ? 'blue' : 'green'} ${taskSet.status}`).join(', '));

    const found = `(deployment ${deployment.status}: ${String(deployment['reason'] ?? 'no reason')}; weights ${JSON.stringify(state.weights)})`;
    assert.equal(result.status, 'SUCCEEDED', `the deploy completes through ${ratio * 100} % ECS throttling ${found}`);
    assert.equal(deployment.status, 'SUCCEEDED', found);
    assert.deepEqual(state.weights, { blue: 0, green: 100 }, `weights match the outcome: all production traffic on green ${found}`);
    assert.deepEqual(state.taskSets.map((taskSet) => [taskSet.arn, taskSet.status]), [[green?.arn, 'PRIMARY']], 'green is primary, blue deleted');
    assert.equal(state.lockHolder, undefined, 'the lock is free');
  },
};
