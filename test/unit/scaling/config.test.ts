import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toStepScalingPolicy } from '../../../functions/scaling/config.ts';
import { InvalidConfigError } from '../../../functions/kernel/config-errors.ts';
import { parseServiceConfig } from '../../../functions/config/service-config.ts';

const withScaling = (scaling: Record<string, unknown>) => ({ cluster: 'prod', service: 'web', scaling });
const highCpu = {
  alarmName: 'web-cpu-high',
  adjustmentType: 'ChangeInCapacity',
  stepAdjustments: [
    { metricIntervalLowerBound: 0, metricIntervalUpperBound: 20, scalingAdjustment: 1 },
    { metricIntervalLowerBound: 20, scalingAdjustment: 3 },
  ],
};

describe('the scaling section of a service configuration', () => {
  it('fills AAS defaults: cooldown 300 s, Average aggregation; and our loop defaults', () => {
    const config = parseServiceConfig(withScaling({ minCapacity: 1, maxCapacity: 10, policies: [highCpu] }));
    assert.deepEqual(config.scaling, {
      minCapacity: 1,
      maxCapacity: 10,
      evaluationIntervalSeconds: 60,
      maxEvaluations: 360,
      policies: [{ ...highCpu, cooldown: 300, metricAggregationType: 'Average' }],
    });
    assert.deepEqual(toStepScalingPolicy(config.scaling!.policies[0]!), {
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: highCpu.stepAdjustments,
      cooldownSeconds: 300,
      metricAggregationType: 'Average',
    });
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown adjustment type', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, adjustmentType: 'ChangeCapacity' }] }, 'scaling.policies.0.adjustmentType: must be one of ChangeInCapacity, PercentChangeInCapacity, ExactCapacity'],
    [
      'a gap in step bounds',
      { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: 0, metricIntervalUpperBound: 10, scalingAdjustment: 1 }, { metricIntervalLowerBound: 20, scalingAdjustment: 2 }] }] },
      'scaling.policies.0.stepAdjustments: the step bounds leave a gap between 10 and 20',
    ],
    [
      'overlapping step bounds',
      { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: 0, metricIntervalUpperBound: 30, scalingAdjustment: 1 }, { metricIntervalLowerBound: 20, scalingAdjustment: 2 }] }] },
      'scaling.policies.0.stepAdjustments: the step bounds overlap between 20 and 30',
    ],
    [
      'two open-ended steps',
      { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }, { metricIntervalLowerBound: 20, scalingAdjustment: 2 }] }] },
      'scaling.policies.0.stepAdjustments: at most one step may have an open upper bound (found 2)',
    ],
    ['min above max', { minCapacity: 5, maxCapacity: 2, policies: [highCpu] }, 'scaling.minCapacity: must not exceed maxCapacity (2)'],
    ['a negative capacity', { minCapacity: -1, maxCapacity: 2, policies: [highCpu] }, 'scaling.minCapacity: must be 0 or more'],
    ['two policies for one alarm', { minCapacity: 1, maxCapacity: 2, policies: [highCpu, highCpu] }, 'scaling.policies.1.alarmName: alarm web-cpu-high already has a policy'],
    ['no policies', { minCapacity: 1, maxCapacity: 2, policies: [] }, 'scaling.policies: must list at least one policy'],
    ['a fractional adjustment', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1.5 }] }] }, 'scaling.policies.0.stepAdjustments.0.scalingAdjustment: must be a whole number'],
    ['an unknown aggregation', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, metricAggregationType: 'Sum' }] }, 'scaling.policies.0.metricAggregationType: must be one of Average, Minimum, Maximum'],
    ['an unknown key', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, cooldownSeconds: 60 }] }, 'scaling.policies.0: Unrecognized key: "cooldownSeconds"'],
  ];
  for (const [name, scaling, problem] of invalid) {
    it(`rejects ${name}, naming the path`, () => {
      assert.throws(
        () => parseServiceConfig(withScaling(scaling)),
        (error: unknown) => error instanceof InvalidConfigError && error.problems.includes(problem),
      );
    });
  }
});
