import assert from 'node:assert/strict';
import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { createBlueGreenService } from '../../../local/sample-blue-green.ts';
import { deployOnPush } from '../../integration/deploy/blue-green-support.ts';
import { runningTasksOf, serviceState } from '../deploy-observations.ts';
import type { Scenario } from '../scenario.ts';

/** ECS answers ListTasks with at most 100 ARNs per page. */
const LIST_TASKS_PAGE = 100;

export const largeGreen: Scenario = {
  id: 'f',
  title: 'a green task set of more than one ListTasks page deploys',
  async run({ stack, sizes, figures }) {
    const { tasks, deployTimeoutMs } = sizes.largeGreen;
    const target = await createBlueGreenService(stack.aws.clientConfig, {
      desiredCount: tasks,
      deploy: { strategy: { type: 'all-at-once' }, greenStableTimeoutMinutes: 5, checkIntervalSeconds: 1 },
    });
    let started = Date.now();
    await stack.aws.runtime.idle(deployTimeoutMs);
    figures.elapsed('blue up', started);
    figures.set('blue tasks running', (await runningTasksOf(target, target.blueTaskSetArn)).length);

    started = Date.now();
    const { result, deployment, stepNames } = await deployOnPush(stack, target, 'v1', deployTimeoutMs);
    figures.elapsed('deploy took', started);
    figures.set('outcome', `${result.status} (deployment ${deployment.status})`);
    figures.set('steps', stepNames.join(' → '));
    const state = await serviceState(stack, target);
    const live = state.taskSets[0];
    const liveRunning = live ? await runningTasksOf(target, live.arn) : [];
    figures.set('tasks running on the live task set', liveRunning.length);
    const firstPage = live
      ? await target.clients.ecs.send(new ListTasksCommand({ cluster: target.cluster, startedBy: live.arn.split('/').slice(-2).join('/'), desiredStatus: 'RUNNING' }))
      : undefined;
    const firstPageSize = firstPage?.taskArns?.length ?? 0;
    figures.set('ListTasks first page', `${firstPageSize} ARNs${firstPage?.nextToken ? ' + nextToken' : ', no nextToken'}`);

    assert.equal(result.status, 'SUCCEEDED', `${tasks} green tasks deploy (deployment ${deployment.status}: ${String(deployment['reason'] ?? 'no reason')})`);
    assert.deepEqual(state.taskSets.map((taskSet) => [taskSet.status, taskSet.targetGroup]), [['PRIMARY', target.greenTargetGroupArn]], 'green is the one task set left, primary');
    assert.equal(liveRunning.length, tasks, `all ${tasks} green tasks run`);
    assert.deepEqual(state.weights, { blue: 0, green: 100 });
    assert.equal(state.lockHolder, undefined, 'the lock is free');
    assert.ok(
      firstPageSize <= LIST_TASKS_PAGE && firstPage?.nextToken !== undefined,
      `the local AWS pages ListTasks as ECS does (≤ ${LIST_TASKS_PAGE} ARNs and a nextToken), so this deploy proves its paging; it answered ${firstPageSize} ARNs in one page`,
    );
  },
};
