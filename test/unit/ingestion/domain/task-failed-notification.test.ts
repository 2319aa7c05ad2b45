import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { taskFailedNotification } from '../../../../functions/ingestion/domain/task-failed-notification.ts';
import { parseTaskStateChange } from '../../../../functions/ingestion/domain/task-state.ts';
import { taskArn, taskStateChange } from '../../../fixtures/aws-events.ts';

const crashed = (detail: Record<string, unknown> = {}) =>
  parseTaskStateChange(
    taskStateChange({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: '2026-11-20T10:05:00Z',
      containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 1 }],
      ...detail,
    }),
  );

describe('taskFailedNotification', () => {
  it('announces a crashed service task, keyed by task so redeliveries rewrite one announcement', () => {
    const notification = taskFailedNotification(crashed());
    assert.equal(notification?.id, `task-failed#${taskArn()}`);
    assert.equal(notification?.service, 'web');
    assert.equal(
      notification?.subject,
      'A task of service web in cluster prod failed: EssentialContainerExited: Essential container in task exited; container web exited with code 1',
    );
    assert.equal(notification?.details['stoppedAt'], '2026-11-20T10:05:00.000Z');
    assert.equal(notification?.details['stopCode'], 'EssentialContainerExited');
    assert.deepEqual(notification?.details['exitCodes'], { web: 1 });
  });

  it('names the task definition of a standalone task', () => {
    const notification = taskFailedNotification(crashed({ group: 'family:web', startedBy: undefined }));
    assert.match(notification?.subject ?? '', /^Task web:42 in cluster prod failed/);
    assert.equal(notification?.service, undefined);
    assert.equal(notification?.details['startedBy'], null);
  });

  it('announces nothing for a task that is running or stopped cleanly', () => {
    assert.equal(taskFailedNotification(parseTaskStateChange(taskStateChange())), undefined);
    assert.equal(taskFailedNotification(crashed({ stopCode: 'UserInitiated', containers: [{ name: 'web', exitCode: 0 }] })), undefined);
  });
});
