/**
 * Step scaling with the semantics of Application Auto Scaling (AAS), as pure functions.
 *
 * Sources (AWS documentation):
 * - "Step scaling policies for Application Auto Scaling" / "How step scaling for Application Auto Scaling works"
 *   (step adjustments relative to the breach threshold, adjustment types and percent rounding, cooldown period).
 * - API reference: StepAdjustment (bounds, inclusive/exclusive rules, validation rules) and
 *   StepScalingPolicyConfiguration (AdjustmentType, Cooldown, MetricAggregationType, MinAdjustmentMagnitude).
 */

export const ADJUSTMENT_TYPES = ['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity'] as const;
export type AdjustmentType = (typeof ADJUSTMENT_TYPES)[number];

export const METRIC_AGGREGATION_TYPES = ['Average', 'Minimum', 'Maximum'] as const;
export type MetricAggregationType = (typeof METRIC_AGGREGATION_TYPES)[number];

/** Bounds are relative to the alarm threshold; an absent bound is infinite (AAS: null). */
export interface StepAdjustment {
  metricIntervalLowerBound?: number;
  metricIntervalUpperBound?: number;
  scalingAdjustment: number;
}

export interface StepScalingPolicy {
  adjustmentType: AdjustmentType;
  stepAdjustments: StepAdjustment[];
  /** Only with PercentChangeInCapacity: the smallest change a scaling activity makes. */
  minAdjustmentMagnitude?: number;
  cooldownSeconds: number;
  metricAggregationType: MetricAggregationType;
}

export interface CapacityLimits {
  minCapacity: number;
  maxCapacity: number;
}

/**
 * Problems with a policy, worded like AAS's own validation; empty when the policy is valid.
 * Rules (StepAdjustment API reference): bounds may not overlap or leave a gap; at most one open lower and one open
 * upper bound; a negative lower bound needs an open lower bound and a positive upper bound an open upper bound;
 * a step cannot be open at both ends; upper must exceed lower. ExactCapacity needs non-negative adjustments and
 * MinAdjustmentMagnitude applies only to PercentChangeInCapacity.
 */
export function stepPolicyProblems(policy: Pick<StepScalingPolicy, 'adjustmentType' | 'stepAdjustments' | 'minAdjustmentMagnitude'>): string[] {
  const problems: string[] = [];
  const steps = policy.stepAdjustments;
  if (steps.length === 0) problems.push('at least one step adjustment is required');
  steps.forEach((step, index) => {
    const { metricIntervalLowerBound: lower, metricIntervalUpperBound: upper } = step;
    if (lower === undefined && upper === undefined) problems.push(`step ${index + 1}: the lower and upper bound cannot both be open (null)`);
    if (lower !== undefined && upper !== undefined && upper <= lower) {
      problems.push(`step ${index + 1}: the upper bound (${upper}) must be greater than the lower bound (${lower})`);
    }
    if (policy.adjustmentType === 'ExactCapacity' && step.scalingAdjustment < 0) {
      problems.push(`step ${index + 1}: ExactCapacity needs a non-negative scalingAdjustment (got ${step.scalingAdjustment})`);
    }
  });
  const openLower = steps.filter((step) => step.metricIntervalLowerBound === undefined).length;
  const openUpper = steps.filter((step) => step.metricIntervalUpperBound === undefined).length;
  if (openLower > 1) problems.push(`at most one step may have an open lower bound (found ${openLower})`);
  if (openUpper > 1) problems.push(`at most one step may have an open upper bound (found ${openUpper})`);
  if (openLower === 0 && steps.some((step) => (step.metricIntervalLowerBound ?? 0) < 0)) {
    problems.push('a step has a negative lower bound, so one step must have an open lower bound');
  }
  if (openUpper === 0 && steps.some((step) => (step.metricIntervalUpperBound ?? 0) > 0)) {
    problems.push('a step has a positive upper bound, so one step must have an open upper bound');
  }
  if (problems.length === 0) problems.push(...gapsAndOverlaps(steps));
  if (policy.minAdjustmentMagnitude !== undefined && policy.adjustmentType !== 'PercentChangeInCapacity') {
    problems.push(`minAdjustmentMagnitude applies only to PercentChangeInCapacity (adjustmentType is ${policy.adjustmentType})`);
  }
  return problems;
}

function gapsAndOverlaps(steps: StepAdjustment[]): string[] {
  const sorted = [...steps].sort((a, b) => (a.metricIntervalLowerBound ?? -Infinity) - (b.metricIntervalLowerBound ?? -Infinity));
  const problems: string[] = [];
  for (let index = 1; index < sorted.length; index += 1) {
    const previousUpper = (sorted[index - 1] as StepAdjustment).metricIntervalUpperBound ?? Infinity;
    const lower = (sorted[index] as StepAdjustment).metricIntervalLowerBound ?? -Infinity;
    if (lower > previousUpper) problems.push(`the step bounds leave a gap between ${previousUpper} and ${lower}`);
    if (lower < previousUpper) problems.push(`the step bounds overlap between ${lower} and ${previousUpper}`);
  }
  return problems;
}

/**
 * Which side of the threshold the metric is on decides which bounds are inclusive. Exactly at the threshold,
 * the alarm's direction decides: a GreaterThan… alarm breaches upwards, so the metric counts as above.
 */
export type ThresholdSide = 'above' | 'below';

export function thresholdSide(metric: number, threshold: number, comparisonOperator: string): ThresholdSide {
  if (metric !== threshold) return metric > threshold ? 'above' : 'below';
  return comparisonOperator.startsWith('GreaterThan') ? 'above' : 'below';
}

/**
 * The step whose interval holds `metric - threshold`. Above the threshold the lower bound is inclusive and the
 * upper exclusive (threshold + lower <= metric < threshold + upper); below it, the reverse.
 */
export function selectStep(steps: StepAdjustment[], difference: number, side: ThresholdSide): StepAdjustment | undefined {
  return steps.find((step) => {
    const lower = step.metricIntervalLowerBound ?? -Infinity;
    const upper = step.metricIntervalUpperBound ?? Infinity;
    return side === 'above' ? lower <= difference && difference < upper : lower < difference && difference <= upper;
  });
}

/**
 * AAS rounding of a percentage change: above 1 rounds down (12.7 → 12), between 0 and 1 becomes 1, between
 * -1 and 0 becomes -1, below -1 rounds towards zero (-6.67 → -6).
 */
export function roundPercentChange(change: number): number {
  if (change > 1) return Math.floor(change);
  if (change > 0) return 1;
  if (change >= -1) return change === 0 ? 0 : -1;
  return Math.ceil(change);
}

/** The capacity a step asks for, from a starting capacity, before the min/max clamp. */
export function requestedCapacity(policy: StepScalingPolicy, step: StepAdjustment, capacity: number): number {
  switch (policy.adjustmentType) {
    case 'ExactCapacity':
      return step.scalingAdjustment;
    case 'ChangeInCapacity':
      return capacity + step.scalingAdjustment;
    case 'PercentChangeInCapacity': {
      let change = roundPercentChange((capacity * step.scalingAdjustment) / 100);
      const minimum = policy.minAdjustmentMagnitude;
      if (minimum !== undefined && Math.abs(change) < minimum) change = Math.sign(step.scalingAdjustment) * minimum;
      return capacity + change;
    }
  }
}

export function aggregate(values: number[], aggregation: MetricAggregationType): number | undefined {
  if (values.length === 0) return undefined;
  if (aggregation === 'Minimum') return Math.min(...values);
  if (aggregation === 'Maximum') return Math.max(...values);
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Cooldowns in effect for one service, as stored between evaluations. Times are ISO-8601. */
export interface ScalingCooldowns {
  /** Started by the last scale-out; `baseCapacity` is the capacity before the first scale-out of this cooldown. */
  scaleOut?: { endsAt: string; baseCapacity: number };
  /** Started by the last scale-in. */
  scaleIn?: { endsAt: string };
}

export interface ScalingInput {
  policy: StepScalingPolicy;
  limits: CapacityLimits;
  threshold: number;
  comparisonOperator: string;
  /** The aggregated metric value. */
  metric: number;
  /** The service's desired count: AAS's current capacity of an ECS service. */
  currentCapacity: number;
  cooldowns: ScalingCooldowns;
  now: Date;
}

/** What kept a step from changing the capacity: a cooldown in effect, or the min/max capacity. */
export type ScalingHold = 'cooldown' | 'limit';

export type ScalingDecision =
  | { action: 'scale'; direction: 'out' | 'in'; step: StepAdjustment; from: number; to: number; reason: string; cooldowns: ScalingCooldowns }
  | { action: 'none'; step?: StepAdjustment; heldBy?: ScalingHold; from: number; reason: string; cooldowns: ScalingCooldowns };

/**
 * What AAS would do for one alarm evaluation: the step for the metric's distance from the threshold, the capacity
 * it asks for, the cooldown rules, then the min/max clamp.
 *
 * Cooldowns (StepScalingPolicyConfiguration.Cooldown): during a scale-out cooldown the capacity added since it
 * began counts as current, so only a larger step scales out, and only by the difference; scale-in is blocked
 * until its cooldown ends; a scale-out cancels a scale-in cooldown. A scale-in also ends a scale-out cooldown,
 * since the capacity that cooldown accounted for was just removed (AWS does not document this case).
 */
export function decideScaling(input: ScalingInput): ScalingDecision {
  const { policy, limits, metric, threshold, currentCapacity: from, now } = input;
  const cooldowns = activeCooldowns(input.cooldowns, now);
  const none = (reason: string, step?: StepAdjustment, heldBy?: ScalingHold): ScalingDecision => ({ action: 'none', from, reason, cooldowns, ...(step ? { step } : {}), ...(heldBy ? { heldBy } : {}) });

  const side = thresholdSide(metric, threshold, input.comparisonOperator);
  const step = selectStep(policy.stepAdjustments, metric - threshold, side);
  if (!step) return none(`metric ${metric} is ${describeDifference(metric - threshold)} the threshold ${threshold}, outside every step`);
  const describe = `step ${describeStep(step, policy.adjustmentType)} for metric ${metric} (threshold ${threshold})`;

  const requested = requestedCapacity(policy, step, from);
  if (requested === from) return none(`${describe} leaves capacity at ${from}`, step);

  if (requested > from) {
    const base = cooldowns.scaleOut?.baseCapacity;
    const requestedInCooldown = base === undefined ? requested : requestedCapacity(policy, step, base);
    if (requestedInCooldown <= from) {
      return none(`${describe}: scale-out cooldown until ${cooldowns.scaleOut?.endsAt}; capacity ${from} already covers this step from ${base}`, step, 'cooldown');
    }
    const target = clamp(requestedInCooldown, limits);
    if (target <= from) return none(`${describe}: capacity ${from} is already at or above the maximum ${limits.maxCapacity}`, step, 'limit');
    const endsAt = addSeconds(now, policy.cooldownSeconds);
    return {
      action: 'scale',
      direction: 'out',
      step,
      from,
      to: target,
      reason: `${describe}: scale out from ${from} to ${target}${base === undefined ? '' : ` (cooldown: counted from ${base})`}`,
      cooldowns: { scaleOut: { endsAt, baseCapacity: base ?? from } },
    };
  }

  if (cooldowns.scaleIn) return none(`${describe}: scale-in cooldown until ${cooldowns.scaleIn.endsAt}`, step, 'cooldown');
  const target = clamp(requested, limits);
  if (target >= from) return none(`${describe}: capacity ${from} is already at or below the minimum ${limits.minCapacity}`, step, 'limit');
  return {
    action: 'scale',
    direction: 'in',
    step,
    from,
    to: target,
    reason: `${describe}: scale in from ${from} to ${target}`,
    cooldowns: { scaleIn: { endsAt: addSeconds(now, policy.cooldownSeconds) } },
  };
}

/** Drops cooldowns that have ended, so the stored state only ever holds ones in effect. */
export function activeCooldowns(cooldowns: ScalingCooldowns, now: Date): ScalingCooldowns {
  const active: ScalingCooldowns = {};
  if (cooldowns.scaleOut && Date.parse(cooldowns.scaleOut.endsAt) > now.getTime()) active.scaleOut = cooldowns.scaleOut;
  if (cooldowns.scaleIn && Date.parse(cooldowns.scaleIn.endsAt) > now.getTime()) active.scaleIn = cooldowns.scaleIn;
  return active;
}

function clamp(capacity: number, limits: CapacityLimits): number {
  return Math.min(limits.maxCapacity, Math.max(limits.minCapacity, capacity));
}

function addSeconds(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

function describeDifference(difference: number): string {
  if (difference === 0) return 'at';
  return `${Math.abs(difference)} ${difference > 0 ? 'above' : 'below'}`;
}

export function describeStep(step: StepAdjustment, adjustmentType: AdjustmentType): string {
  const lower = step.metricIntervalLowerBound ?? '-∞';
  const upper = step.metricIntervalUpperBound ?? '+∞';
  const amount = step.scalingAdjustment;
  const change =
    adjustmentType === 'ExactCapacity' ? `set ${amount}` : `${amount >= 0 ? '+' : ''}${amount}${adjustmentType === 'PercentChangeInCapacity' ? '%' : ''}`;
  return `[${lower}, ${upper}] ${change}`;
}
