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
 *           - { metricIntervalLowerBound: 20, scalingAdjustment: 3 }
 */

const capacity = z.int('must be a whole number').min(0, 'must be 0 or more');

const stepAdjustmentSchema = z
  .object({
    metricIntervalLowerBound: z.optional(z.number()),
    metricIntervalUpperBound: z.optional(z.number()),
    scalingAdjustment: z.int('must be a whole number'),
  })
  .strict();

const policySchema = z
  .object({
    /** The CloudWatch alarm whose ALARM state runs this policy. */
    alarmName: z.string().min(1, 'must name a CloudWatch alarm').max(255),
    adjustmentType: z.enum(ADJUSTMENT_TYPES, { error: `must be one of ${ADJUSTMENT_TYPES.join(', ')}` }),
    stepAdjustments: z.array(stepAdjustmentSchema),
    minAdjustmentMagnitude: z.optional(z.int('must be a whole number').min(1, 'must be 1 or more')),
    /** Seconds; AAS's default for ECS services is 300. */
    cooldown: z.int('must be a whole number of seconds').min(0).default(300),
    metricAggregationType: z.enum(METRIC_AGGREGATION_TYPES, { error: `must be one of ${METRIC_AGGREGATION_TYPES.join(', ')}` }).default('Average'),
  })
  .strict()
  .superRefine((policy, context) => {
    for (const problem of stepPolicyProblems(policy)) context.addIssue({ code: 'custom', message: problem, path: ['stepAdjustments'] });
  });

export const scalingConfigSchema = z
  .object({
    minCapacity: capacity,
    maxCapacity: capacity,
    /** How often a policy is evaluated again while its alarm stays in ALARM (AAS keeps acting; EventBridge does not repeat). */
    evaluationIntervalSeconds: z.int('must be a whole number of seconds').min(1).max(3600).default(60),
    /** Upper bound on evaluations per alarm transition, so a stuck alarm cannot loop forever. */
    maxEvaluations: z.int('must be a whole number').min(1).max(1000).default(360),
    policies: z.array(policySchema).min(1, 'must list at least one policy'),
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
