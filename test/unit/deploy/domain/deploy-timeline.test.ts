import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentEvents } from '../../../../functions/deploy/domain/deploy-timeline.ts';

const deployment = {
  deploymentId: 'web-1a2b',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:abc',
  trigger: 'image-push',
  requestedAt: '2026-11-20T10:00:00.000Z',
  status: 'ROLLED_BACK',
  endedAt: '2026-11-20T10:09:00.000Z',
  reason: 'Alarm web-5xx is in ALARM',
};
const steps = [
  { index: 0, name: 'register-revision', startedAt: '2026-11-20T10:00:01.000Z', endedAt: '2026-11-20T10:00:02.000Z', outcome: 'SUCCEEDED' },
  { index: 1, name: 'green-stable', kind: 'stabilize', greenWeight: 0, blueWeight: 100, startedAt: '2026-11-20T10:00:02.000Z', endedAt: '2026-11-20T10:01:00.000Z', outcome: 'SUCCEEDED' },
  { index: 2, name: 'canary-10', kind: 'shift', greenWeight: 10, blueWeight: 90, startedAt: '2026-11-20T10:01:00.000Z', endedAt: '2026-11-20T10:03:00.000Z', outcome: 'SUCCEEDED', note: 'bake skipped (fast track)' },
  { index: 99, name: 'rollback', greenWeight: 0, blueWeight: 100, startedAt: '2026-11-20T10:08:00.000Z', endedAt: '2026-11-20T10:08:30.000Z', outcome: 'SUCCEEDED', reason: 'Alarm web-5xx is in ALARM' },
];

describe('deploymentEvents', () => {
  it('a request, each step when it ended, and the outcome', () => {
    assert.deepEqual(
      deploymentEvents(deployment, steps).map((event) => [event.id, event.at, event.type, event.severity, event.message]),
      [
        ['deploy#web-1a2b#requested', '2026-11-20T10:00:00.000Z', 'DEPLOY_REQUESTED', 'info', `${deployment.image} (image-push)`],
        ['deploy#web-1a2b#step#0', '2026-11-20T10:00:02.000Z', 'DEPLOY_STEP', 'info', 'register-revision SUCCEEDED'],
        ['deploy#web-1a2b#step#1', '2026-11-20T10:01:00.000Z', 'DEPLOY_STEP', 'info', 'green-stable SUCCEEDED, green 0%'],
        ['deploy#web-1a2b#step#2', '2026-11-20T10:03:00.000Z', 'DEPLOY_STEP', 'info', 'canary-10 SUCCEEDED, green 10%: bake skipped (fast track)'],
        ['deploy#web-1a2b#step#99', '2026-11-20T10:08:30.000Z', 'DEPLOY_STEP', 'warn', 'rollback SUCCEEDED, green 0%: Alarm web-5xx is in ALARM'],
        ['deploy#web-1a2b#ended', '2026-11-20T10:09:00.000Z', 'DEPLOY_ROLLED_BACK', 'error', 'Alarm web-5xx is in ALARM'],
      ],
    );
  });

  it('a deployment still running has no outcome yet; a rollback to a revision names it', () => {
    const running = { deploymentId: 'web-3c4d', taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', trigger: 'rollback', requestedAt: '2026-11-20T11:00:00.000Z', status: 'IN_PROGRESS' };
    const events = deploymentEvents(running, []);
    assert.deepEqual(events.map((event) => [event.type, event.message, event.subject]), [['DEPLOY_REQUESTED', `${running.taskDefinitionArn} (rollback)`, 'web-3c4d']]);
  });
});
