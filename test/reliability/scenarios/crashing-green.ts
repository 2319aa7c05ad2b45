import assert from 'node:assert/strict';
import { createBlueGreenService, productionWeights, waitForExecution } from '../../../local/sample-blue-green.ts';
import { assertRolledBack, deployments, pushAndWaitForCanary } from '../../integration/deploy/blue-green-support.ts';
import { runningTasksOf } from '../deploy-observations.ts';
import type { Scenario } from '../scenario.ts';

export const crashingGreen: Scenario = {
  id: 'e',
  title: 'green tasks crashing mid-bake: rolled back, blue untouched',
  async run({ stack, sizes, figures }) {
    // A bake of minutes, checked every second: the crash, not the end of the bake, decides.
    const target = await createBlueGreenService(stack.aws.clientConfig, {
      desiredCount: sizes.crashingGreen.greenTasks,
      deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes: 5 }, checkIntervalSeconds: 1 },
    });
    await stack.aws.runtime.idle();
    const blueTasks = await runningTasksOf(target, target.blueTaskSetArn);
    const { execution, deployment } = await pushAndWaitForCanary(stack, target);
    const greenTaskDefinition = String((await deployments(stack).getDeployment(target.cluster, target.service, deployment.deploymentId))?.['greenTaskDefinitionArn']);
    const bakingWeights = await productionWeights(target);
    figures.set('weights while baking', JSON.stringify(bakingWeights));

    const crashedAt = Date.now();
    const crashed = await stack.aws.runtime.crashRunningTasks(greenTaskDefinition, 139);
    figures.set('green tasks crashed', `${crashed.length} (exit code 139)`);
    const result = await waitForExecution(target, execution.executionArn);
    figures.elapsed('rolled back after the crash', crashedAt);
    await stack.aws.runtime.idle();
    const steps = await deployments(stack).steps(target.cluster, target.service, deployment.deploymentId);
    figures.set('steps', steps.map((step) => step['name']).join(' → '));
    figures.set('execution', `${result.status} (${result.error ?? 'no error'})`);
    const blueAfter = await runningTasksOf(target, target.blueTaskSetArn);
    figures.set('blue tasks', `${blueAfter.length} running, ${blueAfter.filter((arn) => blueTasks.includes(arn)).length} of them from before the deploy`);

    assert.equal(crashed.length, sizes.crashingGreen.greenTasks, 'every green task was running and crashed');
    assert.equal(result.error, 'DeploymentRolledBack', JSON.stringify(result));
    assert.deepEqual(bakingWeights, { blue: 50, green: 50 }, 'the crash came while the canary baked on half of production');
    assert.deepEqual(
      steps.map((step) => step['name']),
      ['register-revision', 'green-stable', 'rollback'],
      'the rollback interrupted the canary step (steps are recorded when they complete, so traffic-50 is not)',
    );
    await assertRolledBack(stack, target, /GreenTasksFailedError: Green tasks stopped unexpectedly: .*exited with code 139/);
    assert.deepEqual(blueAfter, blueTasks, 'blue untouched: the same tasks run as before the deploy');
  },
};
