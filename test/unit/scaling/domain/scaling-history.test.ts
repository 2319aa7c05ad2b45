import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failedActivity, noActionActivity, scalingActivity, type ScalingEvaluation } from '../../../../functions/scaling/domain/scaling-activity.ts';
import { scalingHistoryEntry } from '../../../../functions/scaling/domain/scaling-history.ts';
import { decideScaling, type ScalingInput } from '../../../../functions/scaling/domain/step-scaling.ts';

const evaluation: ScalingEvaluation = { cluster: 'prod', service: 'web', alarmName: 'web-cpu-high', executionName: 'web-cpu-high-abc', evaluation: 2, evaluatedAt: '2026-11-24T12:00:00.000Z' };
const input = (changes: Partial<ScalingInput>): ScalingInput => ({
  policy: { adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 2 }], cooldownSeconds: 300, metricAggregationType: 'Average' },
  limits: { minCapacity: 1, maxCapacity: 6 },
  threshold: 70,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  metric: 80,
  currentCapacity: 2,
  cooldowns: {},
  now: new Date(evaluation.evaluatedAt),
  ...changes,
});
const decided = (changes: Partial<ScalingInput>) => scalingHistoryEntry(scalingActivity(evaluation, decideScaling(input(changes)), { metric: changes.metric ?? 80, threshold: 70, adjustmentType: 'ChangeInCapacity' }));

describe('scalingHistoryEntry', () => {
  it('a scale-out: the step chosen and the desired count before and after', () => {
    assert.deepEqual(decided({}), {
      at: '2026-11-24T12:00:00.000Z',
      alarmName: 'web-cpu-high',
      executionName: 'web-cpu-high-abc',
      evaluation: 2,
      metric: 80,
      threshold: 70,
      step: '[0, +∞] +2',
      fromCapacity: 2,
      toCapacity: 4,
      outcome: 'scaled',
      reason: 'step [0, +∞] +2 for metric 80 (threshold 70): scale out from 2 to 4',
    });
  });

  const outcomes: Array<[string, Partial<ScalingInput>, string]> = [
    ['a step held back by a scale-out cooldown', { currentCapacity: 4, cooldowns: { scaleOut: { endsAt: '2026-11-24T12:02:00.000Z', baseCapacity: 2 } } }, 'cooldown'],
    ['a step held back by a scale-in cooldown', { metric: 60, policy: { adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalUpperBound: 0, scalingAdjustment: -1 }], cooldownSeconds: 300, metricAggregationType: 'Average' }, cooldowns: { scaleIn: { endsAt: '2026-11-24T12:02:00.000Z' } } }, 'cooldown'],
    ['a step held back by the maximum capacity', { currentCapacity: 6 }, 'at-limit'],
    ['a metric outside every step', { metric: 60 }, 'no-action'],
  ];
  for (const [name, changes, outcome] of outcomes) {
    it(name, () => {
      const entry = decided(changes);
      assert.equal(entry.outcome, outcome);
      assert.equal(entry.toCapacity, null, 'the desired count did not change');
    });
  }

  it('an evaluation that could not decide, and one that failed', () => {
    assert.deepEqual(
      [noActionActivity(evaluation, 'no datapoints', { fromCapacity: 3, threshold: 70 }), failedActivity(evaluation, 'EcsServiceNotFoundError: gone')].map(scalingHistoryEntry).map(({ outcome, metric, step, fromCapacity }) => [outcome, metric, step, fromCapacity]),
      [
        ['no-action', null, null, 3],
        ['failed', null, null, null],
      ],
    );
  });
});
