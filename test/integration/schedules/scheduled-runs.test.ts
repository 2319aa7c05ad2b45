import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDeployedStack } from '../support.ts';
import { announcements, createScheduleWorld, fire, fireNow, LOG_GROUP, putSchedule, runsOf, statesEntered, waitForExecutionEnd } from './schedule-support.ts';

/** The run state machine on the local AWS: each behaviour asserted on the run records, announcements and executions. */
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
});
