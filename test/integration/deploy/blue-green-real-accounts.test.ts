import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTasksCommand, paginateListTasks } from '@aws-sdk/client-ecs';
import {
  createAlarm,
  createBlueGreenService,
  createCompositeAlarm,
  deployExecutions,
  productionWeights,
  pushImage,
  taskSets,
  waitForExecution,
  type BlueGreenService,
} from '../../../local/sample-blue-green.ts';
import { assertRolledBack, deployOnPush, deployments, pushAndWaitForCanary } from './blue-green-support.ts';
import { useDeployedStack } from '../support.ts';

/**
 * Blue/green deploys where real accounts differ from small tests: a green task set larger than one ListTasks page
 * (the local AWS pages List answers as ECS does: 100 tasks a page), and rollback alarms that are composite alarms
 * (DescribeAlarms returns those only when asked for them).
 */

const stack = useDeployedStack();

async function runningTasksOf(target: BlueGreenService, taskSetId: string): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTasks({ client: target.clients.ecs }, { cluster: target.cluster, startedBy: taskSetId, desiredStatus: 'RUNNING' })) {
    arns.push(...(page.taskArns ?? []));
  }
  const statuses: string[] = [];
  for (let start = 0; start < arns.length; start += 100) {
    const { tasks } = await target.clients.ecs.send(new DescribeTasksCommand({ cluster: target.cluster, tasks: arns.slice(start, start + 100) }));
    statuses.push(...(tasks ?? []).map((task) => task.lastStatus ?? ''));
  }
  return statuses;
}

describe('blue/green deploys at real-account sizes and alarm kinds', () => {
  it('deploys a green task set of 120 tasks (more than one ListTasks page)', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { desiredCount: 120, deploy: { greenStableTimeoutMinutes: 5 } });
    // 120 blue tasks, then 120 green ones and 120 stopping blue ones: each reports its steps through the stack's
    // ingestion, so the local AWS needs longer than the helpers' default waits to settle.
    const settled = () => stack.aws.runtime.idle(180_000);
    await settled();
    await pushImage(target, 'v1');
    await settled();
    const [execution] = await deployExecutions(target);
    assert.ok(execution, 'a deploy started');
    const result = await waitForExecution(target, execution.executionArn, 300_000);
    await settled();
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    const [deployment] = await deployments(stack).history(target.cluster, target.service);
    const steps = await deployments(stack).steps(target.cluster, target.service, deployment?.deploymentId ?? '');
    assert.deepEqual(steps.map((step) => step['name']), ['register-revision', 'green-stable', 'traffic-100', 'promote']);
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    const [green, ...others] = await taskSets(target);
    assert.deepEqual(others, [], 'blue is deleted');
    assert.equal(green?.status, 'PRIMARY');
    const statuses = await runningTasksOf(target, green?.id ?? '');
    assert.equal(statuses.length, 120);
    assert.ok(statuses.every((status) => status === 'RUNNING'));
  });

  it('reads a composite rollback alarm: in OK it lets the canary complete', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes: 0.02 }, rollbackAlarms: ['web-health'] } });
    await createAlarm(target, 'web-5xx');
    await createCompositeAlarm(target, 'web-health', 'ALARM(web-5xx)');
    const { result, deployment } = await deployOnPush(stack, target);
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.equal(deployment.status, 'SUCCEEDED', String(deployment['reason']));
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
  });

  it('reads a composite rollback alarm: in ALARM during the canary bake it rolls the deploy back', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes: 0.5 }, rollbackAlarms: ['web-health'] } });
    await createAlarm(target, 'web-5xx');
    await createCompositeAlarm(target, 'web-health', 'ALARM(web-5xx)');
    const { execution } = await pushAndWaitForCanary(stack, target);
    await target.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'web-health', StateValue: 'ALARM', StateReason: 'web-5xx transitioned to ALARM' }));
    const result = await waitForExecution(target, execution.executionArn);
    assert.equal(result.error, 'DeploymentRolledBack');
    await assertRolledBack(stack, target, /RollbackAlarmError: Rollback alarm in ALARM: web-health$/);
  });
});
