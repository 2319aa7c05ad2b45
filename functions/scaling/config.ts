import { z } from 'zod';
import { ADJUSTMENT_TYPES, METRIC_AGGREGATION_TYPES, stepPolicyProblems, type StepScalingPolicy } from './domain/step-scaling.ts';

/**
 * The `scaling` section of a service configuration: capacity limits and one step scaling policy per CloudWatch alarm,
 * validated the way Application Auto Scaling validates PutScalingPolicy (functions/scaling/domain/step-scaling.ts).
 *
 *   scaling:
 *     minCapacity: 1
 *     maxCapacity: 10
 *     policies:
 *       - alarmName: web-cpu-high
 *         adjustmentType: ChangeInCapacity
 *         cooldown: 300
 *         stepAdjustments:
 *           - { metricIntervalLowerBound: 0, metricIntervalUpperBound: 20, scalingAdjustment: 1 }
 *           - { metricIntervalLowerBound: 20, metricIntervalUpperBound: null, scalingAdjustment: 3 }   # null or absent: open
 */

/** ECS runs at most 5,000 tasks per service (its "Tasks per service" quota). */
const MAX_CAPACITY = 5000;
/** AAS: at most 20 step adjustments per step scaling policy (its default quota). */
const MAX_STEP_ADJUSTMENTS = 20;
/**
 * Each policy's alarm has a lookup item written with the configuration in one transaction of at most 100 items
 * (functions/config/lookup-items.ts); 40 keeps a change that replaces every alarm within it. AAS allows 50.
 */
const MAX_POLICIES = 40;
const ONE_DAY_SECONDS = 86_400;

const capacity = z.int('must be a whole number').min(0, 'must be 0 or more').max(MAX_CAPACITY, `must be at most ${MAX_CAPACITY} tasks`);

/** A bound relative to the alarm threshold; absent or null (how AAS writes it) is an open bound. */
const metricBound = z.nullish(z.number('must be a number, or null for an open bound'));

const stepAdjustmentSchema = z
  .object({
    metricIntervalLowerBound: metricBound.meta({ description: 'Where the step starts, as the metric minus the alarm threshold; absent or null: no lower bound. Inclusive above the threshold, exclusive below it.' }),
    metricIntervalUpperBound: metricBound.meta({ description: 'Where the step ends, as the metric minus the alarm threshold; absent or null: no upper bound. Exclusive above the threshold, inclusive below it.' }),
    scalingAdjustment: z
      .int('must be a whole number')
      .min(-10_000, 'must be -10000 or more')
      .max(10_000, 'must be at most 10000')
      .meta({ description: 'What the step does, read as adjustmentType says: tasks to add (negative: remove), a percentage of the current count, or the new count.' }),
  })
  .strict()
  // The decision functions and the stored configuration know open bounds as absent, never null.
  .transform(({ metricIntervalLowerBound: lower, metricIntervalUpperBound: upper, scalingAdjustment }) => ({
    ...(lower === null || lower === undefined ? {} : { metricIntervalLowerBound: lower }),
    ...(upper === null || upper === undefined ? {} : { metricIntervalUpperBound: upper }),
    scalingAdjustment,
  }));

const policySchema = z
  .object({
    alarmName: z.string().min(1, 'must name a CloudWatch alarm').max(255).meta({ description: 'The CloudWatch alarm whose ALARM state runs this policy; it needs a static threshold (not composite or anomaly detection).' }),
    adjustmentType: z
      .enum(ADJUSTMENT_TYPES, { error: `must be one of ${ADJUSTMENT_TYPES.join(', ')}` })
      .meta({ description: 'How scalingAdjustment is read: a change in tasks, a change in percent of the current count, or the new count.' }),
    stepAdjustments: z
      .array(stepAdjustmentSchema)
      .max(MAX_STEP_ADJUSTMENTS, `must list at most ${MAX_STEP_ADJUSTMENTS} step adjustments (AAS's quota)`)
      .meta({ description: 'At least one step; the steps may neither overlap nor leave a gap, and the one that holds the metric’s distance from the alarm threshold applies.' }),
    minAdjustmentMagnitude: z
      .optional(z.int('must be a whole number').min(1, 'must be 1 or more').max(MAX_CAPACITY, `must be at most ${MAX_CAPACITY} tasks`))
      .meta({ description: 'Only with PercentChangeInCapacity: the fewest tasks a scaling action adds or removes.' }),
    cooldown: z
      .int('must be a whole number of seconds')
      .min(0, 'must be 0 or more seconds')
      .max(ONE_DAY_SECONDS, `must be at most ${ONE_DAY_SECONDS} seconds (1 day)`)
      .default(300)
      .meta({ description: 'How long a scaling action’s cooldown lasts, in seconds: after a scale-out only a larger step scales out further, after a scale-in the next scale-in waits. 300 is AAS’s default for ECS services.' }),
    metricAggregationType: z
      .enum(METRIC_AGGREGATION_TYPES, { error: `must be one of ${METRIC_AGGREGATION_TYPES.join(', ')}` })
      .default('Average')
      .meta({ description: 'How the data points of the alarm’s last evaluation window are combined into the metric value the steps are measured on.' }),
  })
  .strict()
  .superRefine((policy, context) => {
    for (const problem of stepPolicyProblems(policy)) context.addIssue({ code: 'custom', message: problem, path: ['stepAdjustments'] });
  });

export const scalingConfigSchema = z
  .object({
    minCapacity: capacity.meta({ description: 'The fewest tasks scaling leaves the service with; at most maxCapacity.' }),
    maxCapacity: capacity.meta({ description: 'The most tasks scaling gives the service.' }),
    // AAS keeps acting while an alarm stays in ALARM; EventBridge reports the transition only once.
    evaluationIntervalSeconds: z
      .int('must be a whole number of seconds')
      .min(1, 'must be at least 1 second')
      .max(3600, 'must be at most 3600 seconds (1 h)')
      .default(60)
      .meta({ description: 'How often a policy is evaluated again while its alarm stays in ALARM, in seconds.' }),
    maxEvaluations: z
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .default(360)
      .meta({ description: 'The most evaluations per alarm transition, so a stuck alarm cannot scale for ever.' }),
    policies: z
      .array(policySchema)
      .min(1, 'must list at least one policy')
      .max(MAX_POLICIES, `must list at most ${MAX_POLICIES} policies (their alarm lookups are stored with the configuration in one transaction)`)
      .meta({ description: 'One step scaling policy per CloudWatch alarm, each alarm named once.' }),
  })
  .strict()
  .superRefine((scaling, context) => {
    if (scaling.minCapacity > scaling.maxCapacity) {
      context.addIssue({ code: 'custom', message: `must not exceed maxCapacity (${scaling.maxCapacity})`, path: ['minCapacity'] });
    }
    const seen = new Set<string>();
    scaling.policies.forEach((policy, index) => {
      if (seen.has(policy.alarmName)) context.addIssue({ code: 'custom', message: `alarm ${policy.alarmName} already has a policy`, path: ['policies', index, 'alarmName'] });
      seen.add(policy.alarmName);
    });
  });

export type ScalingConfig = z.infer<typeof scalingConfigSchema>;
export type ScalingPolicyConfig = ScalingConfig['policies'][number];

/** The configured policy in the shape the decision function takes. */
export function toStepScalingPolicy(policy: ScalingPolicyConfig): StepScalingPolicy {
  return {
    adjustmentType: policy.adjustmentType,
    stepAdjustments: policy.stepAdjustments,
    ...(policy.minAdjustmentMagnitude === undefined ? {} : { minAdjustmentMagnitude: policy.minAdjustmentMagnitude }),
    cooldownSeconds: policy.cooldown,
    metricAggregationType: policy.metricAggregationType,
  };
}
