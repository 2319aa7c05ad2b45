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
    [
      'two steps open above, one written with null',
      { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: 0, metricIntervalUpperBound: null, scalingAdjustment: 1 }, { metricIntervalLowerBound: 20, scalingAdjustment: 2 }] }] },
      'scaling.policies.0.stepAdjustments: at most one step may have an open upper bound (found 2)',
    ],
    ['a bound that is text', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: '0', scalingAdjustment: 1 }] }] }, 'scaling.policies.0.stepAdjustments.0.metricIntervalLowerBound: must be a number, or null for an open bound'],
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

describe('open step bounds', () => {
  // AAS API reference, StepAdjustment: "A null value indicates negative infinity" (lower) / "positive infinity" (upper).
  it('accepts null as an open bound, as AAS writes it, and stores it as absent', () => {
    const steps = [
      { metricIntervalLowerBound: null, metricIntervalUpperBound: -10, scalingAdjustment: -2 },
      { metricIntervalLowerBound: -10, metricIntervalUpperBound: 0, scalingAdjustment: -1 },
    ];
    const config = parseServiceConfig(withScaling({ minCapacity: 1, maxCapacity: 10, policies: [{ ...highCpu, alarmName: 'web-cpu-low', stepAdjustments: steps }] }));
    assert.deepEqual(config.scaling?.policies[0]?.stepAdjustments, [
      { metricIntervalUpperBound: -10, scalingAdjustment: -2 },
      { metricIntervalLowerBound: -10, metricIntervalUpperBound: 0, scalingAdjustment: -1 },
    ]);
    const upperOpen = parseServiceConfig(withScaling({ minCapacity: 1, maxCapacity: 10, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: 0, metricIntervalUpperBound: null, scalingAdjustment: 1 }] }] }));
    assert.deepEqual(upperOpen.scaling?.policies[0]?.stepAdjustments, [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }]);
  });
});

describe('upper bounds of the scaling section', () => {
  const policies = (count: number) => Array.from({ length: count }, (_, index) => ({ ...highCpu, alarmName: `alarm-${index}` }));
  const steps = (count: number) => Array.from({ length: count }, (_, index) => ({ metricIntervalLowerBound: index, ...(index < count - 1 ? { metricIntervalUpperBound: index + 1 } : {}), scalingAdjustment: 1 }));
  const bounds: Array<[string, Record<string, unknown>, string]> = [
    ['maxCapacity', { minCapacity: 1, maxCapacity: 5001, policies: [highCpu] }, 'scaling.maxCapacity: must be at most 5000 tasks'],
    ['minCapacity', { minCapacity: 5001, maxCapacity: 5001, policies: [highCpu] }, 'scaling.minCapacity: must be at most 5000 tasks'],
    ['evaluationIntervalSeconds', { minCapacity: 1, maxCapacity: 2, evaluationIntervalSeconds: 3601, policies: [highCpu] }, 'scaling.evaluationIntervalSeconds: must be at most 3600 seconds (1 h)'],
    ['maxEvaluations', { minCapacity: 1, maxCapacity: 2, maxEvaluations: 1001, policies: [highCpu] }, 'scaling.maxEvaluations: must be at most 1000'],
    ['policies', { minCapacity: 1, maxCapacity: 2, policies: policies(41) }, 'scaling.policies: must list at most 40 policies (their alarm lookups are stored with the configuration in one transaction)'],
    ['cooldown', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, cooldown: 86_401 }] }, 'scaling.policies.0.cooldown: must be at most 86400 seconds (1 day)'],
    ['stepAdjustments', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: steps(21) }] }, "scaling.policies.0.stepAdjustments: must list at most 20 step adjustments (AAS's quota)"],
    ['scalingAdjustment', { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 10_001 }] }] }, 'scaling.policies.0.stepAdjustments.0.scalingAdjustment: must be at most 10000'],
    [
      'minAdjustmentMagnitude',
      { minCapacity: 1, maxCapacity: 2, policies: [{ ...highCpu, adjustmentType: 'PercentChangeInCapacity', minAdjustmentMagnitude: 5001 }] },
      'scaling.policies.0.minAdjustmentMagnitude: must be at most 5000 tasks',
    ],
  ];
  for (const [field, scaling, problem] of bounds) {
    it(`refuses ${field} above its limit, naming the field and the limit`, () => {
      assert.throws(
        () => parseServiceConfig(withScaling(scaling)),
        (error: unknown) => error instanceof InvalidConfigError && error.problems.includes(problem),
      );
    });
  }
  it('accepts every field at its limit', () => {
    const atLimits = { minCapacity: 5000, maxCapacity: 5000, evaluationIntervalSeconds: 3600, maxEvaluations: 1000, policies: [...policies(39), { ...highCpu, cooldown: 86_400, stepAdjustments: steps(20) }] };
    assert.doesNotThrow(() => parseServiceConfig(withScaling(atLimits)));
  });
});

