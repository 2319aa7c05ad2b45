import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { compareTaskVersions, parseTaskStateChange, taskFailure } from '../../../../functions/ingestion/domain/task-state.ts';
import { taskArn, taskStateChange } from '../../../fixtures/aws-events.ts';

describe('parseTaskStateChange', () => {
  it('reads the documented example into a task state', () => {
    const task = parseTaskStateChange(taskStateChange());
    assert.equal(task.taskArn, taskArn());
    assert.equal(task.cluster, 'prod');
    assert.equal(task.service, 'web');
    assert.equal(task.family, 'web');
    assert.equal(task.revision, 42);
    assert.equal(task.lastStatus, 'RUNNING');
    assert.equal(task.version, 3);
    assert.equal(task.updatedAt, '2026-11-20T10:00:04.500Z');
    assert.deepEqual(task.containers[0], {
      name: 'web',
      lastStatus: 'RUNNING',
      image: task.containers[0]?.image,
      imageDigest: task.containers[0]?.imageDigest,
    });
    assert.equal('stopCode' in task, false, 'absent optional fields stay absent');
  });

  it('leaves service unset for a standalone task (group family:x)', () => {
    const task = parseTaskStateChange(taskStateChange({ group: 'family:web', startedBy: undefined }));
    assert.equal(task.service, undefined);
    assert.equal(task.group, 'family:web');
  });

  it('falls back to the event time when detail.updatedAt is missing', () => {
    const task = parseTaskStateChange(taskStateChange({ updatedAt: undefined }));
    assert.equal(task.updatedAt, '2026-11-20T10:00:05.000Z');
  });

  const malformed: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
    ['missing version', { version: undefined }, {}, /detail\.version must be a non-negative integer/],
    ['string version', { version: '3' }, {}, /detail\.version/],
    ['negative version', { version: -1 }, {}, /detail\.version/],
    ['unknown status', { lastStatus: 'EXPLODED' }, {}, /detail\.lastStatus must be an ECS task status \(got "EXPLODED"\)/],
    ['cluster ARN of another type', { clusterArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web' }, {}, /detail\.clusterArn must be an ECS cluster ARN/],
    ['task definition ARN without revision', { taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web' }, {}, /family:revision/],
    ['containers not an array', { containers: {} }, {}, /detail\.containers must be an array/],
    ['container without name', { containers: [{ lastStatus: 'RUNNING' }] }, {}, /detail\.containers\[0\]\.name/],
    ['bad updatedAt', { updatedAt: 'yesterday' }, {}, /detail\.updatedAt must be an ISO-8601 timestamp/],
    ['wrong detail-type', {}, { 'detail-type': 'ECS Service Action' }, /only accepts "ECS Task State Change" from aws\.ecs/],
    ['wrong source', {}, { source: 'custom.ecs' }, /only accepts/],
    ['detail not an object', {}, { detail: 'x' }, /event\.detail must be an object/],
    ['no id', {}, { id: '' }, /event\.id must be a non-empty string/],
  ];
  for (const [name, detail, extra, message] of malformed) {
    it(`rejects an event with ${name}`, () => {
      assert.throws(() => parseTaskStateChange(taskStateChange(detail, extra)), (error: unknown) => {
        assert.ok(error instanceof MalformedEventError);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  for (const value of [null, 'text', 42, [], {}]) {
    it(`rejects ${JSON.stringify(value)} as an event`, () => {
      assert.throws(() => parseTaskStateChange(value), MalformedEventError);
    });
  }
});

describe('compareTaskVersions', () => {
  const cases: Array<[string, number | undefined, number, string]> = [
    ['first event for a task', undefined, 1, 'apply'],
    ['next version', 3, 4, 'apply'],
    ['a version that skipped some', 3, 9, 'apply'],
    ['the same version again (redelivery)', 3, 3, 'duplicate'],
    ['an older version arriving late', 5, 2, 'stale'],
    ['version 0 after nothing', undefined, 0, 'apply'],
  ];
  for (const [name, stored, incoming, verdict] of cases) {
    it(`${name}: stored ${stored}, incoming ${incoming} → ${verdict}`, () => {
      assert.equal(compareTaskVersions(stored, incoming), verdict);
    });
  }
});

describe('taskFailure', () => {
  const stopped = (detail: Record<string, unknown>) =>
    parseTaskStateChange(taskStateChange({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', version: 6, stoppedAt: '2026-11-20T10:05:00Z', ...detail }));
  const container = (exitCode: number | undefined, reason?: string) => [{ name: 'web', lastStatus: 'STOPPED', exitCode, reason }];

  const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
    ['a running task', { lastStatus: 'RUNNING', desiredStatus: 'RUNNING', stoppedAt: undefined }, undefined],
    ['a clean user stop', { stopCode: 'UserInitiated', stoppedReason: 'Scaling in', containers: container(0) }, undefined],
    ['a deployment replacing the task', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task replaced', containers: container(0) }, undefined],
    [
      'an essential container crash',
      { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: container(1) },
      'EssentialContainerExited: Essential container in task exited; container web exited with code 1',
    ],
    [
      'an image that cannot be pulled',
      { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied', containers: container(undefined) },
      'TaskFailedToStart: CannotPullContainerError: pull access denied',
    ],
    [
      'a user stop of a task whose container had crashed',
      { stopCode: 'UserInitiated', stoppedReason: 'Stopped by operator', containers: container(137, 'OutOfMemoryError: Container killed due to memory usage') },
      'UserInitiated: Stopped by operator; container web exited with code 137 (OutOfMemoryError: Container killed due to memory usage)',
    ],
    ['a Spot interruption', { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.', containers: container(undefined) }, 'SpotInterruption: Your Spot Task was interrupted.'],
  ];
  for (const [name, detail, expected] of cases) {
    it(`${name} → ${expected ?? 'not a failure'}`, () => {
      assert.equal(taskFailure(stopped(detail)), expected);
    });
  }

});
