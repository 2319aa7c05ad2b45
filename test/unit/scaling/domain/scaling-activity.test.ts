import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failedActivity, noActionActivity, scalingNotifications, type ScalingActivity, type ScalingEvaluation } from '../../../../functions/scaling/domain/scaling-activity.ts';

const evaluation = (n: number): ScalingEvaluation => ({
  cluster: 'prod',
  service: 'web',
  alarmName: 'web-cpu-high',
  executionName: 'web-cpu-high-abc',
  evaluation: n,
  evaluatedAt: '2026-11-20T10:00:05.000Z',
});
const scaled = (n: number): ScalingActivity => ({ ...evaluation(n), outcome: 'scaled', reason: 'step [0, +∞] +1', fromCapacity: 2, toCapacity: 3 });

describe('scalingNotifications', () => {
  const cases: Array<[string, ScalingActivity, boolean, string[]]> = [
    ['a scale action is announced', scaled(3), false, ['scale-activity#web-cpu-high-abc#3']],
    ['the first evaluation is announced even without action: each alarm gets an answer', noActionActivity(evaluation(1), 'cooldown'), false, ['scale-activity#web-cpu-high-abc#1']],
    ['a later evaluation without action is only recorded', noActionActivity(evaluation(2), 'cooldown'), false, []],
    ['a failure is announced', failedActivity(evaluation(2), 'EcsServiceNotFoundError: gone'), false, ['scale-failed#web-cpu-high-abc#2']],
    ['reaching the evaluation limit is announced once per execution', noActionActivity(evaluation(5), 'cooldown'), true, ['scaling-limit-reached#web-cpu-high-abc']],
  ];
  for (const [name, activity, limitReached, ids] of cases) {
    it(name, () => assert.deepEqual(scalingNotifications(activity, { limitReached }).map((notification) => notification.id), ids));
  }

  it('says what happened, with the details an operator needs', () => {
    const [notification] = scalingNotifications(scaled(1), { limitReached: false });
    assert.equal(notification?.subject, 'Alarm web-cpu-high: prod/web scaled from 2 to 3 (step [0, +∞] +1)');
    assert.equal(notification?.createdAt, '2026-11-20T10:00:05.000Z');
    assert.deepEqual(notification?.details, {
      alarmName: 'web-cpu-high',
      executionName: 'web-cpu-high-abc',
      evaluation: 1,
      outcome: 'scaled',
      reason: 'step [0, +∞] +1',
      metric: null,
      threshold: null,
      step: null,
      fromCapacity: 2,
      toCapacity: 3,
    });
  });
});
