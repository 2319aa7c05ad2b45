import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { waitFor } from '../../../local/wait.ts';
import { getItem, useDeployedStack } from '../support.ts';
import {
  announcements,
  CLUSTER,
  createScheduleWorld,
  fire,
  fireNow,
  LOG_GROUP,
  putSchedule,
  runsOf,
  statesEntered,
  WAIT_MS,
  waitForExecutionEnd,
  waitForParkedRun,
  waitForRuns,
  waitForState,
} from './schedule-support.ts';

/** The run state machine on the local AWS: each behaviour asserted on the run records, announcements, tasks and executions. */
describe('scheduled task runs', () => {
  const stack = useDeployedStack();

  it('records a successful run with each container’s exit code and log stream, announced as succeeded', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'nightly');
    const scheduleFire = fireNow(stack, 'nightly');
    const execution = await fire(world, scheduleFire);
    assert.equal((await waitForExecutionEnd(world, execution)).status, 'SUCCEEDED');
    const [run] = await runsOf(stack.documents, 'nightly');
    assert.ok(run);
    assert.equal(run.outcome, 'SUCCEEDED');
    assert.equal(run.runId, `nightly@${scheduleFire.scheduledTime}`);
    assert.equal(run.attempt, 1);
    assert.equal(run.taskDefinitionArn, world.taskDefinition.taskDefinitionArn);
    assert.equal(run.stopCode, 'EssentialContainerExited');
    assert.ok(run.startedAt && run.stoppedAt && run.durationSeconds !== undefined);
    const taskId = run.taskArn?.split('/').pop();
    const report = run.containers.find((container) => container.name === 'report');
    assert.deepEqual(report, { name: 'report', exitCode: 0, logGroup: LOG_GROUP, logStream: `report/report/${taskId}` });
    assert.equal(run.containers.find((container) => container.name === 'sidecar')?.logStream, `report/sidecar/${taskId}`);
    const [announced] = await announcements(stack.documents, 'schedule-run-succeeded');
    assert.equal(announced?.['id'], `schedule-run-succeeded#nightly#${scheduleFire.scheduledTime}#1`);
    const states = await statesEntered(world, execution);
    assert.deepEqual(states.slice(0, 3), ['Begin', 'Route', 'Start']);
    assert.ok(states.includes('AwaitStop') && states.includes('Check') && states.includes('Finish'), states.join(' '));
  });

  it('records a non-zero exit as failed, retries it with backoff, and announces each failed attempt', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'flaky', { retries: { limit: 1, backoffSeconds: 1 } }, ['sh', '-c', 'exit 3']);
    const scheduleFire = fireNow(stack, 'flaky');
    assert.equal((await waitForExecutionEnd(world, await fire(world, scheduleFire))).status, 'SUCCEEDED');
    const runs = await runsOf(stack.documents, 'flaky');
    assert.deepEqual(runs.map((run) => [run.attempt, run.outcome]), [[1, 'FAILED'], [2, 'FAILED']]);
    for (const run of runs) {
      assert.equal(run.containers.find((container) => container.name === 'report')?.exitCode, 3);
      assert.match(run.reason ?? '', /container report exited 3/);
    }
    assert.notEqual(runs[0]?.taskArn, runs[1]?.taskArn, 'the retry ran a new task');
    const failed = await announcements(stack.documents, 'schedule-run-failed');
    assert.deepEqual(failed.map((notification) => notification['id']).sort(), [1, 2].map((attempt) => `schedule-run-failed#flaky#${scheduleFire.scheduledTime}#${attempt}`));
  });

  it('stops a run at timeoutSeconds (the local clock passes it) and records it timed out', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'slow', { timeoutSeconds: 60, retries: { limit: 2, backoffSeconds: 1 } }, ['sleep', '3600']);
    const scheduleFire = fireNow(stack, 'slow');
    const execution = await fire(world, scheduleFire);
    const parked = await waitForParkedRun(stack, 'slow', scheduleFire.scheduledTime);
    await stack.aws.runtime.clock.advance(61_000);
    assert.equal((await waitForExecutionEnd(world, execution)).status, 'SUCCEEDED');
    const runs = await runsOf(stack.documents, 'slow');
    assert.deepEqual(runs.map((run) => [run.attempt, run.outcome]), [[1, 'TIMED_OUT']], 'a timed-out run is not retried');
    assert.equal(runs[0]?.stopCode, 'UserInitiated');
    assert.match(String(runs[0]?.stoppedReason), /Timed out after 60 s/);
    const { tasks } = await world.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [String(parked.taskArn)] }));
    assert.equal(tasks?.[0]?.lastStatus, 'STOPPED');
    assert.equal((await announcements(stack.documents, 'schedule-run-timed-out')).length, 1);
  });

  it('retries a start that finds no capacity, then records the run missed once its starting deadline passed, announced', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'capacity', { startingDeadlineSeconds: 60 });
    stack.aws.runtime.faults.failPlacement({ taskDefinitionFamily: 'report' });
    const scheduleFire = fireNow(stack, 'capacity');
    const execution = await fire(world, scheduleFire);
    await waitForState(world, execution, 'WaitBeforeStart');
    await stack.aws.runtime.clock.advance(61_000);
    assert.equal((await waitForExecutionEnd(world, execution)).status, 'SUCCEEDED');
    const runs = await runsOf(stack.documents, 'capacity');
    assert.deepEqual(runs.map((run) => run.outcome), ['MISSED']);
    assert.match(runs[0]?.reason ?? '', /startingDeadlineSeconds \(60\).*RESOURCE:FARGATE/);
    assert.equal(runs[0]?.taskArn, undefined);
    const [missed] = await announcements(stack.documents, 'schedule-run-missed');
    assert.match(String(missed?.['subject']), /capacity was missed/);
    assert.ok((await statesEntered(world, execution)).filter((state) => state === 'Start').length >= 2, 'the start was tried again before the deadline');
  });

  it('runs a redelivered fire once: the second execution finds the fire claimed and ends', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'twice');
    const scheduleFire = fireNow(stack, 'twice');
    const executions = await Promise.all([fire(world, scheduleFire), fire(world, scheduleFire)]);
    for (const execution of executions) assert.equal((await waitForExecutionEnd(world, execution)).status, 'SUCCEEDED');
    const runs = await runsOf(stack.documents, 'twice');
    assert.deepEqual(runs.map((run) => [run.attempt, run.outcome]), [[1, 'SUCCEEDED']]);
    const started = await Promise.all(executions.map(async (execution) => (await statesEntered(world, execution)).includes('Start')));
    assert.deepEqual(started.sort(), [false, true], 'exactly one execution started a task');
    assert.equal((await announcements(stack.documents, 'schedule-run-succeeded')).length, 1);
  });

  it('leaves no RUNNING record when an operator stops the execution by hand: the run is failed, its task stopped, the lock released', async () => {
    const world = await createScheduleWorld(stack);
    await putSchedule(stack, world, 'manual-stop', {}, ['sleep', '3600']);
    const scheduleFire = fireNow(stack, 'manual-stop');
    const execution = await fire(world, scheduleFire);
    const parked = await waitForParkedRun(stack, 'manual-stop', scheduleFire.scheduledTime);
    assert.ok(await getItem(stack.documents, { pk: 'SCHEDULE#manual-stop', sk: 'ACTIVE' }), 'Forbid holds the overlap lock while it runs');
    await world.sfn.send(new StopExecutionCommand({ executionArn: execution, cause: 'operator' }));
    const [run] = await waitForRuns(stack.documents, 'manual-stop', 'the run ended', (runs) => runs.every((candidate) => candidate.outcome !== 'RUNNING'));
    assert.equal(run?.outcome, 'FAILED');
    assert.match(run?.reason ?? '', /ended ABORTED/);
    await waitFor(
      'the stopped run’s task to stop',
      async () => (await world.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [String(parked.taskArn)] }))).tasks?.[0]?.lastStatus === 'STOPPED',
      WAIT_MS,
    );
    assert.equal(await getItem(stack.documents, { pk: 'SCHEDULE#manual-stop', sk: 'ACTIVE' }), undefined);
    assert.equal((await announcements(stack.documents, 'schedule-run-failed')).length, 1);
  });
});
