import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeploymentStore } from '../../functions/adapters/deployment-store.ts';
import { containerImages, createBlueGreenService, deployExecutions, productionWeights, pushImage, taskSets, waitForExecution } from '../fixtures/blue-green.ts';
import { OUTBOX_TABLE, STATE_TABLE, scanAll, useDeployedStack } from './support.ts';

/** Blue/green deploys through the deployed stack: ECR push → rule → ingestImagePush → state machine → ECS/ELB. */

const stack = useDeployedStack();
const deployments = () => new DeploymentStore(stack.documents, { state: STATE_TABLE, outbox: OUTBOX_TABLE });

describe('blue/green deploy on image push', () => {
  it('shifts 100 % of production to a green task set running the pushed digest, then deletes blue', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    const digest = await pushImage(target, 'v1');
    await stack.aws.runtime.idle();
    const [execution] = await deployExecutions(target);
    assert.ok(execution, 'the push started a deploy');
    const result = await waitForExecution(target, execution.executionArn);
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    await stack.aws.runtime.idle();

    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    const [green, ...others] = await taskSets(target);
    assert.deepEqual(others, [], 'blue is deleted');
    assert.equal(green?.status, 'PRIMARY');
    assert.equal(green?.loadBalancers?.[0]?.targetGroupArn, target.greenTargetGroupArn);
    const described = await containerImages(target, green?.taskDefinition ?? '');

    const [deployment] = await deployments().history(target.cluster, target.service);
    assert.equal(deployment?.status, 'SUCCEEDED');
    assert.equal(deployment?.['digest'], digest);
    const steps = await deployments().steps(target.cluster, target.service, deployment?.deploymentId ?? '');
    console.log(steps.map((step) => [step['name'], step['greenWeight']]));
    const { executionHistory } = await import('../fixtures/blue-green.ts');
    const history = await executionHistory(target, execution.executionArn);
    let previous = history[0]?.timestamp?.getTime() ?? 0;
    for (const event of history) {
      const t = event.timestamp?.getTime() ?? 0;
      if (t - previous > 100) console.log(t - previous, event.type, event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name ?? '');
      previous = t;
    }
    console.log('total', (history.at(-1)?.timestamp?.getTime() ?? 0) - (history[0]?.timestamp?.getTime() ?? 0), history.length);
  });
});
