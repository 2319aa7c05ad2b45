import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aggregate,
  decideScaling,
  roundPercentChange,
  selectStep,
  stepPolicyProblems,
  thresholdSide,
  type ScalingCooldowns,
  type ScalingInput,
  type StepAdjustment,
  type StepScalingPolicy,
} from '../../../../functions/scaling/domain/step-scaling.ts';

/**
 * Named cases for AAS step scaling. "AWS doc" cases reproduce the worked examples of the AWS documentation:
 * StepAdjustment API reference, StepScalingPolicyConfiguration API reference, and the Application Auto Scaling
 * User Guide ("Step scaling policies for Application Auto Scaling": step adjustments and adjustment types).
 */

const step = (lower: number | undefined, upper: number | undefined, scalingAdjustment: number): StepAdjustment => ({
  ...(lower === undefined ? {} : { metricIntervalLowerBound: lower }),
  ...(upper === undefined ? {} : { metricIntervalUpperBound: upper }),
  scalingAdjustment,
});

const policy = (overrides: Partial<StepScalingPolicy> & Pick<StepScalingPolicy, 'stepAdjustments'>): StepScalingPolicy => ({
  adjustmentType: 'ChangeInCapacity',
  cooldownSeconds: 300,
  metricAggregationType: 'Average',
  ...overrides,
});

const NOW = new Date('2026-11-24T12:00:00.000Z');
const at = (secondsFromNow: number) => new Date(NOW.getTime() + secondsFromNow * 1000).toISOString();

// AWS doc (User Guide, step adjustments): threshold 50 for both alarms, PercentChangeInCapacity.
const docScaleOut = policy({ adjustmentType: 'PercentChangeInCapacity', stepAdjustments: [step(0, 10, 0), step(10, 20, 10), step(20, undefined, 30)] });
const docScaleIn = policy({ adjustmentType: 'PercentChangeInCapacity', stepAdjustments: [step(-10, 0, 0), step(-20, -10, -10), step(undefined, -20, -30)] });

function decide(overrides: Partial<ScalingInput> & Pick<ScalingInput, 'policy' | 'metric' | 'currentCapacity'>) {
  return decideScaling({
    limits: { minCapacity: 0, maxCapacity: 100 },
    threshold: 50,
    comparisonOperator: overrides.policy.stepAdjustments.some((s) => (s.metricIntervalUpperBound ?? 1) <= 0) ? 'LessThanThreshold' : 'GreaterThanOrEqualToThreshold',
    cooldowns: {},
    now: NOW,
    ...overrides,
  });
}

const capacityAfter = (decision: ReturnType<typeof decideScaling>) => (decision.action === 'scale' ? decision.to : decision.from);

describe('selectStep: which step applies, inclusive/exclusive bounds', () => {
  // AWS doc (StepAdjustment): threshold 50; [0, 10] means 50 <= metric < 60; [-10, 0] means 40 < metric <= 50.
  const upper = [step(0, 10, 1), step(10, undefined, 2)];
  const lower = [step(-10, 0, -1), step(undefined, -10, -2)];
  const cases: Array<[string, StepAdjustment[], number, string, number | undefined]> = [
    ['AWS doc: 50 is in [0, 10] above the threshold (lower bound inclusive)', upper, 50, 'GreaterThanOrEqualToThreshold', 1],
    ['AWS doc: 59.99 is in [0, 10]', upper, 59.99, 'GreaterThanOrEqualToThreshold', 1],
    ['AWS doc: 60 is not in [0, 10] (upper bound exclusive above), it is in [10, +∞]', upper, 60, 'GreaterThanOrEqualToThreshold', 2],
    ['AWS doc: 50 is in [-10, 0] below the threshold (upper bound inclusive)', lower, 50, 'LessThanOrEqualToThreshold', -1],
    ['AWS doc: 40.01 is in [-10, 0]', lower, 40.01, 'LessThanThreshold', -1],
    ['AWS doc: 40 is not in [-10, 0] (lower bound exclusive below), it is in [-∞, -10]', lower, 40, 'LessThanThreshold', -2],
    ['a metric below the threshold matches no scale-out step', upper, 49, 'GreaterThanThreshold', undefined],
    ['a metric above the threshold matches no scale-in step', lower, 51, 'LessThanThreshold', undefined],
  ];
  for (const [name, steps, metric, operator, expected] of cases) {
    it(name, () => {
      const side = thresholdSide(metric, 50, operator);
      assert.equal(selectStep(steps, metric - 50, side)?.scalingAdjustment, expected);
    });
  }
});

describe('roundPercentChange: AAS rounding of PercentChangeInCapacity', () => {
  const cases: Array<[string, number, number]> = [
    ['AWS doc: values greater than 1 round down (12.7 → 12)', 12.7, 12],
    ['AWS doc: values between 0 and 1 round to 1 (0.67 → 1)', 0.67, 1],
    ['AWS doc: values between 0 and -1 round to -1 (-0.58 → -1)', -0.58, -1],
    ['AWS doc: values less than -1 round towards zero (-6.67 → -6)', -6.67, -6],
    ['integers stay as they are (3)', 3, 3],
    ['exactly 1 stays 1', 1, 1],
    ['exactly -1 stays -1', -1, -1],
    ['zero stays zero', 0, 0],
  ];
  for (const [name, change, expected] of cases) it(name, () => assert.equal(roundPercentChange(change), expected));
});

describe('decideScaling: adjustment types, magnitudes and limits', () => {
  const cases: Array<[string, Parameters<typeof decide>[0], number]> = [
    // AWS doc (User Guide): capacity 10; the capacity is kept while 40 < metric < 60.
    ['AWS doc: metric 55 is in the 0% scale-out step, capacity stays 10', { policy: docScaleOut, metric: 55, currentCapacity: 10 }, 10],
    ['AWS doc: metric 45 is in the 0% scale-in step, capacity stays 10', { policy: docScaleIn, metric: 45, currentCapacity: 10 }, 10],
    ['AWS doc: metric 60 adds 10% of 10 → 11', { policy: docScaleOut, metric: 60, currentCapacity: 10 }, 11],
    ['AWS doc: metric 70 after that adds 30% of 11 (3.3 → 3) → 14', { policy: docScaleOut, metric: 70, currentCapacity: 11 }, 14],
    ['AWS doc: metric 40 removes 10% of 14 (1.4 → 1) → 13', { policy: docScaleIn, metric: 40, currentCapacity: 14 }, 13],
    ['AWS doc: metric 30 removes 30% of 13 (3.9 → 3) → 10', { policy: docScaleIn, metric: 30, currentCapacity: 13 }, 10],
    [
      'AWS doc (MinAdjustmentMagnitude): 25% of 4 tasks is 1, a minimum magnitude of 2 adds 2 → 6',
      { policy: policy({ adjustmentType: 'PercentChangeInCapacity', minAdjustmentMagnitude: 2, stepAdjustments: [step(0, undefined, 25)] }), metric: 60, currentCapacity: 4 },
      6,
    ],
    [
      'MinAdjustmentMagnitude also applies to scale-in: -10% of 5 is -1, minimum 2 removes 2 → 3',
      { policy: policy({ adjustmentType: 'PercentChangeInCapacity', minAdjustmentMagnitude: 2, stepAdjustments: [step(undefined, 0, -10)] }), metric: 40, currentCapacity: 5 },
      3,
    ],
    ['AWS doc (adjustment types): 10% of 10 adds 1 → 11', { policy: policy({ adjustmentType: 'PercentChangeInCapacity', stepAdjustments: [step(0, undefined, 10)] }), metric: 51, currentCapacity: 10 }, 11],
    ['a small percentage of a small capacity still adds 1 (5% of 3 → 1)', { policy: policy({ adjustmentType: 'PercentChangeInCapacity', stepAdjustments: [step(0, undefined, 5)] }), metric: 51, currentCapacity: 3 }, 4],
    ['ChangeInCapacity adds the step adjustment', { policy: policy({ stepAdjustments: [step(0, 10, 1), step(10, undefined, 3)] }), metric: 65, currentCapacity: 2 }, 5],
    ['ExactCapacity sets the capacity', { policy: policy({ adjustmentType: 'ExactCapacity', stepAdjustments: [step(0, undefined, 8)] }), metric: 51, currentCapacity: 2 }, 8],
    ['ExactCapacity can scale in', { policy: policy({ adjustmentType: 'ExactCapacity', stepAdjustments: [step(undefined, 0, 1)] }), metric: 40, currentCapacity: 4 }, 1],
    ['scale-out is clamped to the maximum', { policy: policy({ stepAdjustments: [step(0, undefined, 10)] }), metric: 60, currentCapacity: 4, limits: { minCapacity: 1, maxCapacity: 6 } }, 6],
    ['scale-in is clamped to the minimum', { policy: policy({ stepAdjustments: [step(undefined, 0, -10)] }), metric: 40, currentCapacity: 4, limits: { minCapacity: 2, maxCapacity: 6 } }, 2],
    ['at the maximum nothing happens', { policy: policy({ stepAdjustments: [step(0, undefined, 1)] }), metric: 60, currentCapacity: 6, limits: { minCapacity: 1, maxCapacity: 6 } }, 6],
    ['at the minimum nothing happens', { policy: policy({ stepAdjustments: [step(undefined, 0, -1)] }), metric: 40, currentCapacity: 1, limits: { minCapacity: 1, maxCapacity: 6 } }, 1],
    ['a scale-in never raises a capacity that is below the minimum', { policy: policy({ stepAdjustments: [step(undefined, 0, -1)] }), metric: 40, currentCapacity: 0, limits: { minCapacity: 2, maxCapacity: 6 } }, 0],
    ['a metric outside every step changes nothing', { policy: policy({ stepAdjustments: [step(0, undefined, 1)] }), metric: 40, currentCapacity: 3 }, 3],
    ['0% of 0 tasks changes nothing', { policy: policy({ adjustmentType: 'PercentChangeInCapacity', stepAdjustments: [step(0, undefined, 50)] }), metric: 60, currentCapacity: 0 }, 0],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.equal(capacityAfter(decide(input)), expected));

  it('explains why nothing happened', () => {
    const decision = decide({ policy: policy({ stepAdjustments: [step(0, undefined, 1)] }), metric: 60, currentCapacity: 6, limits: { minCapacity: 1, maxCapacity: 6 } });
    assert.equal(decision.action, 'none');
    assert.equal(decision.reason, 'step [0, +∞] +1 for metric 60 (threshold 50): capacity 6 is already at or above the maximum 6');
  });
});

describe('decideScaling: cooldowns', () => {
  const scaleOut = policy({ stepAdjustments: [step(0, 10, 2), step(10, undefined, 3)], cooldownSeconds: 300 });
  const scaleIn = policy({ stepAdjustments: [step(-10, 0, -1), step(undefined, -10, -2)], cooldownSeconds: 600 });
  const outCooldown = (baseCapacity: number, endsIn = 120): ScalingCooldowns => ({ scaleOut: { endsAt: at(endsIn), baseCapacity } });
  const inCooldown = (endsIn = 120): ScalingCooldowns => ({ scaleIn: { endsAt: at(endsIn) } });

  const cases: Array<[string, Parameters<typeof decide>[0], number, ScalingCooldowns]> = [
    ['a scale-out starts a scale-out cooldown from the capacity before it', { policy: scaleOut, metric: 55, currentCapacity: 10 }, 12, { scaleOut: { endsAt: at(300), baseCapacity: 10 } }],
    [
      'AWS doc (Cooldown): +2 then, during the cooldown, a step of +3 adds only 1',
      { policy: scaleOut, metric: 65, currentCapacity: 12, cooldowns: outCooldown(10) },
      13,
      { scaleOut: { endsAt: at(300), baseCapacity: 10 } },
    ],
    ['during a scale-out cooldown the same step again adds nothing', { policy: scaleOut, metric: 55, currentCapacity: 12, cooldowns: outCooldown(10) }, 12, outCooldown(10)],
    ['during a scale-out cooldown a smaller step adds nothing', { policy: scaleOut, metric: 55, currentCapacity: 13, cooldowns: outCooldown(10) }, 13, outCooldown(10)],
    ['after the scale-out cooldown the step applies to the current capacity', { policy: scaleOut, metric: 55, currentCapacity: 12, cooldowns: outCooldown(10, -1) }, 14, { scaleOut: { endsAt: at(300), baseCapacity: 12 } }],
    ['a scale-in starts a scale-in cooldown and ends a scale-out cooldown', { policy: scaleIn, metric: 45, currentCapacity: 12, cooldowns: outCooldown(10) }, 11, { scaleIn: { endsAt: at(600) } }],
    ['scale-in waits for its cooldown', { policy: scaleIn, metric: 30, currentCapacity: 11, cooldowns: inCooldown() }, 11, inCooldown()],
    ['scale-in goes ahead once its cooldown ended', { policy: scaleIn, metric: 30, currentCapacity: 11, cooldowns: inCooldown(-1) }, 9, { scaleIn: { endsAt: at(600) } }],
    ['a scale-out during a scale-in cooldown goes ahead at once and cancels that cooldown', { policy: scaleOut, metric: 55, currentCapacity: 9, cooldowns: inCooldown() }, 11, { scaleOut: { endsAt: at(300), baseCapacity: 9 } }],
    ['a cooldown that ends exactly now is over', { policy: scaleIn, metric: 45, currentCapacity: 11, cooldowns: inCooldown(0) }, 10, { scaleIn: { endsAt: at(600) } }],
  ];
  for (const [name, input, expected, cooldowns] of cases) {
    it(name, () => {
      const decision = decide(input);
      assert.equal(capacityAfter(decision), expected);
      assert.deepEqual(decision.cooldowns, cooldowns);
    });
  }

  it('says which cooldown held a scale-out back', () => {
    const decision = decide({ policy: scaleOut, metric: 55, currentCapacity: 12, cooldowns: outCooldown(10) });
    assert.match(decision.reason, /scale-out cooldown until 2026-11-24T12:02:00.000Z; capacity 12 already covers this step from 10/);
  });
});

describe('aggregate: MetricAggregationType over the most recent datapoints', () => {
  const cases: Array<[string, number[], 'Average' | 'Minimum' | 'Maximum', number | undefined]> = [
    ['Average', [60, 70, 80], 'Average', 70],
    ['Minimum', [60, 70, 80], 'Minimum', 60],
    ['Maximum', [60, 70, 80], 'Maximum', 80],
    ['no datapoints', [], 'Average', undefined],
  ];
  for (const [name, values, type, expected] of cases) it(name, () => assert.equal(aggregate(values, type), expected));
});

describe('stepPolicyProblems: AAS validation of step adjustments', () => {
  const valid: Array<[string, StepScalingPolicy]> = [
    ['AWS doc scale-out policy', docScaleOut],
    ['AWS doc scale-in policy', docScaleIn],
    ['one open-ended step', policy({ stepAdjustments: [step(0, undefined, 1)] })],
    ['steps given in any order', policy({ stepAdjustments: [step(20, undefined, 3), step(0, 20, 1)] })],
    ['steps on both sides of the threshold', policy({ stepAdjustments: [step(undefined, -5, -1), step(-5, 5, 0), step(5, undefined, 1)] })],
    ['PercentChangeInCapacity with a MinAdjustmentMagnitude', policy({ adjustmentType: 'PercentChangeInCapacity', minAdjustmentMagnitude: 2, stepAdjustments: [step(0, undefined, 25)] })],
  ];
  for (const [name, candidate] of valid) it(`accepts ${name}`, () => assert.deepEqual(stepPolicyProblems(candidate), []));

  const invalid: Array<[string, Pick<StepScalingPolicy, 'adjustmentType' | 'stepAdjustments' | 'minAdjustmentMagnitude'>, string]> = [
    ['no steps', policy({ stepAdjustments: [] }), 'at least one step adjustment is required'],
    ['a gap between steps', policy({ stepAdjustments: [step(0, 10, 1), step(15, undefined, 2)] }), 'the step bounds leave a gap between 10 and 15'],
    ['overlapping steps', policy({ stepAdjustments: [step(0, 10, 1), step(5, undefined, 2)] }), 'the step bounds overlap between 5 and 10'],
    ['two open lower bounds', policy({ stepAdjustments: [step(undefined, 0, -1), step(undefined, -10, -2)] }), 'at most one step may have an open lower bound (found 2)'],
    ['two open upper bounds', policy({ stepAdjustments: [step(0, undefined, 1), step(10, undefined, 2)] }), 'at most one step may have an open upper bound (found 2)'],
    ['a step open at both ends', policy({ stepAdjustments: [step(undefined, undefined, 1)] }), 'step 1: the lower and upper bound cannot both be open (null)'],
    ['an upper bound not above the lower bound', policy({ stepAdjustments: [step(10, 10, 1), step(10, undefined, 2)] }), 'step 1: the upper bound (10) must be greater than the lower bound (10)'],
    ['a negative lower bound without an open lower bound', policy({ stepAdjustments: [step(-10, 0, -1)] }), 'a step has a negative lower bound, so one step must have an open lower bound'],
    ['a positive upper bound without an open upper bound', policy({ stepAdjustments: [step(0, 10, 1)] }), 'a step has a positive upper bound, so one step must have an open upper bound'],
    ['a negative ExactCapacity', policy({ adjustmentType: 'ExactCapacity', stepAdjustments: [step(0, undefined, -1)] }), 'step 1: ExactCapacity needs a non-negative scalingAdjustment (got -1)'],
    [
      'MinAdjustmentMagnitude with ChangeInCapacity',
      policy({ minAdjustmentMagnitude: 2, stepAdjustments: [step(0, undefined, 1)] }),
      'minAdjustmentMagnitude applies only to PercentChangeInCapacity (adjustmentType is ChangeInCapacity)',
    ],
  ];
  for (const [name, candidate, problem] of invalid) it(`rejects ${name}`, () => assert.ok(stepPolicyProblems(candidate).includes(problem), stepPolicyProblems(candidate).join('; ')));
});
