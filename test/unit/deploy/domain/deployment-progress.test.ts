import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDeploymentNow, isBake, parkedWaitOf } from '../../../../functions/deploy/domain/deployment-progress.ts';

const SINCE = '2026-11-20T10:00:00.000Z';
const parked = (kind: string, step: string, extra: Record<string, unknown> = {}) => ({
  status: 'IN_PROGRESS',
  wait: { taskToken: 'token-1', kind, step, registeredAt: SINCE },
  ...extra,
});

describe('describeDeploymentNow', () => {
  const cases: Array<[string, Record<string, unknown>, string, string?]> = [
    ['a deployment not begun', { status: 'STARTING' }, 'is starting (its execution has not begun)'],
    ['one preparing', { status: 'IN_PROGRESS' }, 'is preparing the green revision'],
    ['green coming up', parked('stabilize', 'green-stable', { greenWeight: 0 }), "is waiting for green's tasks to run (step green-stable)"],
    ['the approval gate', parked('approval', 'approval'), `is waiting for approval since ${SINCE}`, 'is waiting for approval'],
    ['a canary bake', parked('shift', 'traffic-25', { greenWeight: 25 }), 'is baking at step traffic-25 (green 25 %)'],
    ['the final bake', parked('promote', 'promote', { greenWeight: 100 }), 'is baking at step promote (green 100 %)'],
    ['between waits', { status: 'IN_PROGRESS', currentStep: 'traffic-100', greenWeight: 100, wait: null }, 'is at step traffic-100 (green 100 %)'],
    ['an ended one, with the reason', { status: 'ROLLED_BACK', endedAt: SINCE, reason: 'DeploymentAbortedError: An operator aborted the deployment', wait: { taskToken: 'stale', kind: 'shift', step: 'traffic-25' } }, `ended ROLLED_BACK at ${SINCE}: DeploymentAbortedError: An operator aborted the deployment`, 'ended ROLLED_BACK: DeploymentAbortedError: An operator aborted the deployment'],
    ['a success', { status: 'SUCCEEDED', endedAt: SINCE }, `ended SUCCEEDED at ${SINCE}`],
  ];
  for (const [name, deployment, expected, withoutTimes] of cases) {
    it(`says what ${name} does`, () => {
      assert.equal(describeDeploymentNow(deployment), expected);
      if (withoutTimes) assert.equal(describeDeploymentNow(deployment, { since: false }), withoutTimes);
    });
  }
});

describe('parkedWaitOf', () => {
  it('is the wait of a running deployment only', () => {
    assert.deepEqual(parkedWaitOf(parked('shift', 'traffic-25')), { taskToken: 'token-1', kind: 'shift', step: 'traffic-25', registeredAt: SINCE });
    assert.equal(parkedWaitOf({ status: 'SUCCEEDED', wait: { taskToken: 'stale', kind: 'shift', step: 'traffic-25' } }), undefined, 'an ended deployment waits no more');
    assert.equal(parkedWaitOf({ status: 'IN_PROGRESS', wait: null }), undefined);
    assert.equal(parkedWaitOf(undefined), undefined);
  });

  it('counts traffic steps as bakes, not green coming up or the gate', () => {
    assert.deepEqual(['shift', 'promote', 'stabilize', 'approval', 'pre-traffic'].map((kind) => isBake({ kind })), [true, true, false, false, false]);
  });
});
