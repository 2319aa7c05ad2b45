import assert from 'node:assert/strict';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { createBlueGreenService, taskSets, waitForExecution } from '../../../local/sample-blue-green.ts';
import { deployOnPush, deployments, pushAndWaitForCanary } from '../../integration/deploy/blue-green-support.ts';
import { serviceState } from '../deploy-observations.ts';
import { seconds } from '../figures.ts';
import { observeUntil, type Scenario } from '../scenario.ts';

/** How the deployment of an execution stopped by hand is recorded (issue 8, item 2: the real outcome). */
const STOPPED = 'STOPPED';

export const stoppedByHand: Scenario = {
  id: 'c',
  title: 'a deploy execution stopped by hand mid-canary: back on blue, green removed, recorded, lock released',
  async run({ stack, sizes, figures }) {
    // A canary that would bake for minutes: the stop lands while 50 % of production is on green.
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes: 5 } } });
    await stack.aws.runtime.idle();
    const { execution, deployment } = await pushAndWaitForCanary(stack, target);
    const greenTaskSets = (await taskSets(target)).filter((taskSet) => taskSet.taskSetArn !== target.blueTaskSetArn).map((taskSet) => taskSet.taskSetArn);
    figures.set('weights when stopped', JSON.stringify((await serviceState(stack, target)).weights));

    // As an operator does in the console.
    const stoppedAt = Date.now();
    await target.clients.sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'Operator', cause: 'Stopped by hand in the console' }));
    figures.set('execution status', (await waitForExecution(target, execution.executionArn)).status);

    const { reconcileTimeoutMs } = sizes.stoppedByHand;
    const cleaned = await observeUntil(
      async () => ({ ...(await serviceState(stack, target)), deployment: (await deployments(stack).getDeployment(target.cluster, target.service, deployment.deploymentId))?.status }),
      (state) => state.lockHolder === undefined && state.weights['blue'] === 100 && state.taskSets.length === 1 && state.deployment !== 'IN_PROGRESS',
      reconcileTimeoutMs,
    );
    figures.set(cleaned.met ? 'cleaned up after the stop' : 'still not cleaned up after', seconds(Date.now() - stoppedAt));
    const found = cleaned.value;
    const colored = found.taskSets.map((taskSet) => `${taskSet.arn === target.blueTaskSetArn ? 'blue' : greenTaskSets.includes(taskSet.arn) ? 'green' : 'other'} ${taskSet.status}`).join(', ');
    figures.set('weights after', JSON.stringify(found.weights));
    figures.set('task sets after', colored);
    figures.set('deployment recorded as', String(found.deployment));
    figures.set('lock', found.lockHolder === undefined ? 'free' : `held by ${found.lockHolder}`);

    const seen = `(${seconds(cleaned.waitedMs)} after the stop: weights ${JSON.stringify(found.weights)}, task sets ${colored}, deployment ${found.deployment}, lock ${found.lockHolder ?? 'free'})`;
    assert.deepEqual(found.weights, { blue: 100, green: 0 }, `production traffic is back on blue ${seen}`);
    assert.deepEqual(found.taskSets.map((taskSet) => [taskSet.arn, taskSet.status]), [[target.blueTaskSetArn, 'PRIMARY']], `green is removed, blue primary ${seen}`);
    assert.equal(found.deployment, STOPPED, `the deployment is recorded as stopped ${seen}`);
    assert.equal(found.lockHolder, undefined, `the service's lock is released ${seen}`);

    // The next push deploys all at once, so the scenario does not wait out a second five-minute bake.
    const stored = await target.clients.configs.getServiceConfig(target.cluster, target.service);
    assert.ok(stored?.config.deploy, 'the service keeps its deploy configuration');
    await target.clients.configs.putServiceConfig({ ...stored.config, deploy: { ...stored.config.deploy, strategy: { type: 'all-at-once' } } }, stored.revision);
    const next = await deployOnPush(stack, target, 'v2');
    figures.set('next push', `${next.result.status} (deployment ${next.deployment.status})`);
    assert.equal(next.result.status, 'SUCCEEDED', `the next push deploys: ${JSON.stringify(next.result)}`);
    assert.equal(next.deployment['digest'], next.digest);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined, 'the lock is free after the next deploy');
  },
};
