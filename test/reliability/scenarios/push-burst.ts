import assert from 'node:assert/strict';
import { containerImages, createBlueGreenService, deployExecutions, pushImage } from '../../../local/sample-blue-green.ts';
import { deployments } from '../../integration/deploy/blue-green-support.ts';
import { concurrentExecutions, runningDeploys, sampleRunningDeploys, serviceState } from '../deploy-observations.ts';
import { seconds } from '../figures.ts';
import { observeUntil, type Scenario } from '../scenario.ts';

export const pushBurst: Scenario = {
  id: 'b',
  title: 'a burst of pushes for one service: one deploy at a time, the newest image ends live',
  async run({ stack, sizes, figures }) {
    const { pushes, withinMs, settleTimeoutMs } = sizes.pushBurst;
    // A canary that bakes a second, so the pushes land while a deploy runs and queue behind it.
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes: 0.02 } } });
    await stack.aws.runtime.idle();
    const sampler = sampleRunningDeploys(target);

    // Distinct images (tags v1…vN), pushed one after another, spread evenly over the window.
    const started = Date.now();
    const digests: string[] = [];
    for (let index = 0; index < pushes; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (index * withinMs) / pushes - Date.now())));
      digests.push(await pushImage(target, `v${index + 1}`));
    }
    figures.set('pushes', pushes);
    figures.elapsed('pushed within', started);
    const newest = digests.at(-1) ?? '';

    const settled = await observeUntil(
      async () => ({ running: await runningDeploys(target), state: await serviceState(stack, target) }),
      ({ running, state }) => running.length === 0 && state.lockHolder === undefined && state.queued === undefined,
      settleTimeoutMs,
      200,
    );
    const samples = await sampler.stop();
    figures.elapsed('all deploys ended after', started);
    await stack.aws.runtime.idle();

    const history = await deployments(stack).history(target.cluster, target.service, 100);
    const executions = await deployExecutions(target);
    const concurrency = await concurrentExecutions(target, executions.map((execution) => execution.executionArn));
    const { state } = settled.value;
    const live = state.taskSets[0];
    const liveImage = live ? ((await containerImages(target, live.taskDefinition)) as { taskDefinition: { containerDefinitions: { name: string; image: string }[] } }) : undefined;
    const liveDigest = liveImage?.taskDefinition.containerDefinitions.find((container) => container.name === 'app')?.image.split('@')[1];
    figures.set('deploys run', history.length);
    figures.set('pushes superseded in the queue', pushes - history.length);
    figures.set('deploy outcomes', Object.entries(Object.groupBy(history, (deployment) => deployment.status)).map(([status, list]) => `${status} ${list?.length}`).join(', '));
    figures.set('executions sampled', `${samples.samples} times; at most ${samples.maxRunning} RUNNING, ${samples.maxWorking} before Finish`);
    figures.set('hand-overs (next started in Finish)', concurrency.handOvers);
    figures.set('deploys working at once (after the fact)', concurrency.overlaps.length === 0 ? 1 : `${concurrency.overlaps.length + 1}+`);
    figures.set('live image', liveDigest === newest ? `the newest push (v${pushes})` : `v${digests.indexOf(liveDigest ?? '') + 1} (not the newest)`);
    figures.set('task sets left', state.taskSets.length);

    assert.ok(settled.met, `the deploys did not settle within ${seconds(settleTimeoutMs)}: ${JSON.stringify(settled.value)}`);
    assert.equal(samples.maxWorking, 1, `never more than one deploy at work; sampled ${JSON.stringify(samples.overlap)}`);
    assert.deepEqual(concurrency.overlaps, [], 'no deploy execution started before the previous one entered Finish');
    assert.deepEqual(history.filter((deployment) => deployment.status !== 'SUCCEEDED').map((deployment) => [deployment.deploymentId, deployment.status, deployment['reason']]), [], 'every deploy that ran succeeded');
    assert.equal(history[0]?.['digest'], newest, `the last deploy is of the newest push (v${pushes})`);
    assert.equal(liveDigest, newest, `the newest image (v${pushes}) is live`);
    assert.deepEqual(
      state.taskSets.map((taskSet) => [taskSet.status, taskSet.taskDefinition]),
      [['PRIMARY', history[0]?.['greenTaskDefinitionArn']]],
      'one task set left, primary, running the last deploy: no orphans',
    );
    const liveColor = live?.targetGroup === target.blueTargetGroupArn ? 'blue' : 'green';
    assert.equal(state.weights[liveColor], 100, `production traffic is all on the live task set's target group: ${JSON.stringify(state.weights)}`);
    assert.equal(state.lockHolder, undefined, 'the lock is free');
    assert.equal(state.queued, undefined, 'nothing is left queued');
  },
};
