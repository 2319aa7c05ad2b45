import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { CreateScheduleCommand, CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { createBlueGreenService, taskSets } from '../../../local/sample-blue-green.ts';
import { deployOnPush } from '../deploy/blue-green-support.ts';
import { useDeployedStack } from '../support.ts';
import {
  announcements,
  CLUSTER,
  createScheduleWorld,
  fire,
  fireNow,
  laterFire,
  putSchedule,
  RUN_STATE_MACHINE_ARN,
  runsOf,
  waitForExecutionEnd,
  waitForParkedRun,
  waitForRuns,
} from './schedule-support.ts';

/** Overlap control, followService, and the local scheduler firing Scheduler schedules on the local clock. */
describe('scheduled runs: overlap, followService, firing', () => {
  const stack = useDeployedStack();

  it('Forbid: a fire while the previous run is active is skipped, recorded and announced; the active run goes on', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'forbid', { concurrencyPolicy: 'Forbid' }, ['sleep', '3600']);
    const first = fireNow(stack, 'forbid');
    await fire(world, first);
    const active = await waitForParkedRun(stack, 'forbid', first.scheduledTime);
    const second = laterFire(first, 1);
    assert.equal((await waitForExecutionEnd(world, await fire(world, second))).status, 'SUCCEEDED');
    const runs = await runsOf(stack.documents, 'forbid');
    assert.deepEqual(runs.map((run) => [run.scheduledTime, run.outcome]), [[first.scheduledTime, 'RUNNING'], [second.scheduledTime, 'SKIPPED']]);
    assert.equal(runs[1]?.reason, `run ${active.runId} is still active (concurrencyPolicy Forbid)`);
    const [skipped] = await announcements(stack.documents, 'schedule-run-skipped');
    assert.equal(skipped?.['id'], `schedule-run-skipped#forbid#${second.scheduledTime}#1`);
  });

  it('Replace: the active run’s task is stopped and recorded replaced, the new fire runs', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'replace', { concurrencyPolicy: 'Replace' }, ['sleep', '3600']);
    const first = fireNow(stack, 'replace');
    const firstExecution = await fire(world, first);
    const old = await waitForParkedRun(stack, 'replace', first.scheduledTime);
    const second = laterFire(first, 1);
    await fire(world, second);
    const replacing = await waitForParkedRun(stack, 'replace', second.scheduledTime);
    assert.equal((await waitForExecutionEnd(world, firstExecution)).status, 'SUCCEEDED', 'the replaced run’s execution ends');
    const runs = await runsOf(stack.documents, 'replace');
    assert.deepEqual(runs.map((run) => [run.scheduledTime, run.outcome]), [[first.scheduledTime, 'REPLACED'], [second.scheduledTime, 'RUNNING']]);
    assert.equal(runs[0]?.reason, `replaced by run ${replacing.runId} (concurrencyPolicy Replace)`);
    const { tasks } = await world.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [String(old.taskArn), String(replacing.taskArn)] }));
    const status = Object.fromEntries((tasks ?? []).map((task) => [task.taskArn, task.lastStatus]));
    assert.deepEqual([status[String(old.taskArn)], status[String(replacing.taskArn)]], ['STOPPED', 'RUNNING']);
  });

  it('Allow: runs overlap, each with its own task', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'allow', { concurrencyPolicy: 'Allow' }, ['sleep', '3600']);
    const first = fireNow(stack, 'allow');
    const second = laterFire(first, 1);
    await Promise.all([fire(world, first), fire(world, second)]);
    const [a, b] = await Promise.all([waitForParkedRun(stack, 'allow', first.scheduledTime), waitForParkedRun(stack, 'allow', second.scheduledTime)]);
    assert.notEqual(a.taskArn, b.taskArn);
    const { tasks } = await world.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [String(a.taskArn), String(b.taskArn)] }));
    assert.deepEqual((tasks ?? []).map((task) => task.lastStatus), ['RUNNING', 'RUNNING']);
  });

  it('followService runs the revision the service runs now: a deploy moves the job to the revision it made live', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig);
    const world = await createScheduleWorld(stack);
    const override = { overrides: { containers: [{ name: 'app', command: ['sh', '-c', 'exit 0'] }] } };
    await putSchedule(stack, world, 'follow', { cluster: web.cluster, taskDefinition: { followService: 'web' }, ...override });
    const before = fireNow(stack, 'follow');
    assert.equal((await waitForExecutionEnd(world, await fire(world, before))).status, 'SUCCEEDED');
    const { result } = await deployOnPush(stack, web);
    assert.equal(result.status, 'SUCCEEDED');
    const [live] = await taskSets(web);
    assert.ok(live?.taskDefinition && live.taskDefinition !== web.blueTaskDefinitionArn);
    const after = laterFire(before, 1);
    assert.equal((await waitForExecutionEnd(world, await fire(world, after))).status, 'SUCCEEDED');
    const runs = await runsOf(stack.documents, 'follow');
    assert.deepEqual(runs.map((run) => [run.outcome, run.taskDefinitionArn]), [['SUCCEEDED', web.blueTaskDefinitionArn], ['SUCCEEDED', live.taskDefinition]]);
  });

  it('the local scheduler fires a Scheduler schedule when the local clock reaches its next fire time, with the scheduled time substituted', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'every-5');
    const scheduler = new SchedulerClient(stack.aws.clientConfig);
    await scheduler.send(new CreateScheduleGroupCommand({ Name: 'harbormaster-local' }));
    await scheduler.send(
      new CreateScheduleCommand({
        GroupName: 'harbormaster-local',
        Name: 'every-5',
        ScheduleExpression: 'cron(0/5 * * * ? *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: RUN_STATE_MACHINE_ARN,
          RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
          Input: JSON.stringify({ schedule: 'every-5', scheduledTime: '<aws.scheduler.scheduled-time>', trigger: 'schedule' }),
        },
      }),
    );
    const from = stack.aws.runtime.scheduler.lastTick.getTime();
    await stack.aws.runtime.clock.advance(5 * 60_000);
    const to = stack.aws.runtime.scheduler.lastTick.getTime();
    // Every 5-minute boundary in (from, to]: one, or two when the boundary fell in the instants the test itself took.
    const expected: string[] = [];
    for (let boundary = Math.floor(from / 300_000 + 1) * 300_000; boundary <= to; boundary += 300_000) expected.push(new Date(boundary).toISOString().replace('.000Z', 'Z'));
    const fires = stack.aws.runtime.scheduler.fires.filter((delivery) => delivery.schedule === 'every-5');
    assert.deepEqual(fires.map((delivery) => [delivery.scheduledTime, delivery.error]), expected.map((time) => [time, undefined]));
    const runs = await waitForRuns(stack.documents, 'every-5', 'the fired runs to end', (found) => found.length === expected.length && found.every((run) => run.outcome === 'SUCCEEDED' || run.outcome === 'SKIPPED'));
    assert.equal(runs[0]?.scheduledTime, expected[0]);
    assert.equal(runs[0]?.trigger, 'schedule');
    for (const delivery of fires) assert.equal((await waitForExecutionEnd(world, String(delivery.executionArn))).status, 'SUCCEEDED');
  });
});
