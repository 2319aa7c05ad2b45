import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MonotonicClock,
  applyStep,
  containerArnFor,
  crashSteps,
  failToStartSteps,
  familyOf,
  isStopping,
  newTaskRecord,
  schedulerStopSteps,
  startSteps,
  userStopSteps,
  type TaskRecord,
  type TaskStep,
} from '../../../local/runtime/task-model.ts';

const task = {
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/main/abc',
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/main',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
  group: 'service:api',
  startedBy: 'ecs-svc/1',
  containers: [{ containerArn: 'arn:container/1', name: 'app', image: 'nginx' }],
};

function run(steps: TaskStep[], from?: TaskRecord): TaskRecord[] {
  const clock = new MonotonicClock();
  let record = from ?? newTaskRecord(task, clock.now(), { cpu: '256', memory: '512' });
  const history = from ? [] : [record];
  for (const step of steps) {
    record = applyStep(record, step, clock.now());
    history.push(record);
  }
  return history;
}

describe('task lifecycle sequencing', () => {
  test('start: PROVISIONING, PENDING, RUNNING with versions 1..3 and increasing timestamps', () => {
    const history = run(startSteps());
    assert.deepEqual(history.map((record) => [record.lastStatus, record.version]), [
      ['PROVISIONING', 1],
      ['PENDING', 2],
      ['RUNNING', 3],
    ]);
    const times = history.map((record) => record.updatedAt.getTime());
    assert.ok(times[0]! < times[1]! && times[1]! < times[2]!);
    const running = history[2]!;
    assert.equal(running.desiredStatus, 'RUNNING');
    assert.ok(running.startedAt && running.pullStartedAt && running.connectivityAt);
    assert.deepEqual(running.containers.map((container) => container.lastStatus), ['RUNNING']);
    assert.equal(running.containers[0]?.exitCode, undefined);
  });

  test('user stop: DEACTIVATING, STOPPING, STOPPED with UserInitiated and the reason', () => {
    const started = run(startSteps()).at(-1)!;
    const history = run(userStopSteps('maintenance'), started);
    assert.deepEqual(history.map((record) => [record.lastStatus, record.desiredStatus, record.version]), [
      ['DEACTIVATING', 'STOPPED', 4],
      ['STOPPING', 'STOPPED', 5],
      ['STOPPED', 'STOPPED', 6],
    ]);
    const stopped = history.at(-1)!;
    assert.equal(stopped.stopCode, 'UserInitiated');
    assert.equal(stopped.stoppedReason, 'maintenance');
    assert.ok(stopped.stoppedAt && stopped.stoppingAt && stopped.stoppingAt <= stopped.stoppedAt);
    assert.deepEqual(stopped.containers.map((container) => [container.lastStatus, container.exitCode]), [['STOPPED', 0]]);
    assert.ok(isStopping(history[0]!));
  });

  test('crash: the essential container exit code and EssentialContainerExited', () => {
    const started = run(startSteps()).at(-1)!;
    const stopped = run(crashSteps(137), started).at(-1)!;
    assert.equal(stopped.lastStatus, 'STOPPED');
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.stoppedReason, 'Essential container in task exited');
    assert.equal(stopped.containers[0]?.exitCode, 137);
  });

  test('failure to start goes from PROVISIONING straight to STOPPED', () => {
    const history = run(failToStartSteps('CannotPullContainerError: nope'));
    assert.deepEqual(history.map((record) => [record.lastStatus, record.version, record.stopCode]), [
      ['PROVISIONING', 1, undefined],
      ['STOPPED', 2, 'TaskFailedToStart'],
    ]);
    assert.equal(history[1]?.containers[0]?.reason, 'CannotPullContainerError: nope');
    assert.equal(history[1]?.startedAt, undefined);
  });

  test('scheduler stops carry ServiceSchedulerInitiated', () => {
    assert.ok(schedulerStopSteps('scale in').every((step) => step.stopCode === 'ServiceSchedulerInitiated'));
  });

  test('helpers', () => {
    assert.equal(familyOf(task.taskDefinitionArn), 'web');
    assert.equal(familyOf('web:2'), 'web');
    const clock = new MonotonicClock();
    const a = clock.now();
    const b = clock.now();
    assert.ok(b.getTime() > a.getTime());
    assert.equal(
      containerArnFor(task.taskArn, 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3/uuid-1', 0),
      'arn:aws:ecs:us-east-1:123456789012:container/main/abc/uuid-1',
    );
    assert.throws(() => newTaskRecord({ ...task, taskArn: undefined }, new Date()), /taskArn/);
  });
});
