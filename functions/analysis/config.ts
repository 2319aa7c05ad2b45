import { z } from 'zod';
import { ExpressionError, parseCondition } from './domain/expression.ts';

/**
 * The `analysis` part of a service's deploy configuration (docs/decisions/0019-canary-analysis.md): named metrics,
 * each a CloudWatch GetMetricData query (metric math included) or a built-in per target group, measured for green and,
 * when asked, for blue as the baseline, and judged by `successCondition` / `failureCondition` written in a small
 * expression language over `result` and `baseline`. Durations are minutes, and fractions are allowed, as in the rest of
 * the deploy section. A pure schema module: functions/deploy/config.ts composes it.
 */

const MAX_METRICS = 10;
const MAX_QUERIES = 20;
const MAX_COUNT = 100;
const MAX_LIMIT = 100;
const MAX_INTERVAL_MINUTES = 60;
const MAX_LOOKBACK_MINUTES = 24 * 60;
const MAX_AFTER_STEPS = 10;

/** ALB target-group metrics Harbormaster knows how to query for green and blue (functions/analysis/domain/queries.ts). */
export const BUILTIN_METRICS = ['http-5xx-rate', 'p99-latency', 'unhealthy-hosts'] as const;
export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];

const queryId = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_]{0,99}$/, 'must start with a lowercase letter and use letters, digits and _ (CloudWatch query ids)');
const period = z
  .number()
  .int('must be a whole number of seconds')
  .refine((seconds) => [1, 5, 10, 20, 30].includes(seconds) || (seconds >= 60 && seconds % 60 === 0), 'must be 1, 5, 10, 20, 30 or a multiple of 60 seconds (CloudWatch periods)');
const condition = z
  .string()
  .max(500)
  .superRefine((source, context) => {
    try {
      parseCondition(source);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      context.addIssue({ code: 'custom', message: error.message });
    }
  });

const dimensionSchema = z
  .object({
    name: z.string().min(1).max(255),
    value: z.string().min(1).max(1024).meta({ description: '`{{targetGroup}}` and `{{loadBalancer}}` stand for the measured side’s target group and the load balancer (their CloudWatch dimension values).' }),
  })
  .strict();

const querySchema = z
  .object({
    id: queryId.meta({ description: 'The query’s id, which expressions of the same metric refer to.' }),
    metricStat: z
      .optional(
        z
          .object({
            metric: z
              .object({
                namespace: z.string().min(1).max(255),
                metricName: z.string().min(1).max(255),
                dimensions: z.array(dimensionSchema).max(30).default([]),
              })
              .strict(),
            period: period.meta({ description: 'Seconds per datapoint.' }),
            stat: z.string().regex(/^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d{1,2})?|tm\d{1,2}|IQM)$/, 'must be a CloudWatch statistic (Sum, Average, p99, …)'),
            unit: z.optional(z.string().min(1).max(32)),
          })
          .strict(),
      )
      .meta({ description: 'One metric and statistic (GetMetricData MetricStat).' }),
    expression: z
      .optional(z.string().min(1).max(2048))
      .meta({ description: 'Metric math over the other queries’ ids (GetMetricData Expression); `{{targetGroup}}`/`{{loadBalancer}}` are substituted here too.' }),
    period: z.optional(period).meta({ description: 'Seconds per datapoint of an expression.' }),
    returnData: z.optional(z.boolean()).meta({ description: 'false for a query that only feeds an expression; exactly one query of a metric returns its result.' }),
  })
  .strict()
  .superRefine((query, context) => {
    if ((query.metricStat === undefined) === (query.expression === undefined)) {
      context.addIssue({ code: 'custom', message: 'a query has either metricStat or expression (exactly one)' });
    }
    if (query.metricStat && query.period !== undefined) context.addIssue({ code: 'custom', path: ['period'], message: 'give a metricStat query its period inside metricStat' });
  });

export const analysisMetricSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1–40 lowercase letters, digits or -, starting with a letter')
      .meta({ description: 'The metric’s name in history, status and announcements.' }),
    builtin: z
      .optional(z.enum(BUILTIN_METRICS))
      .meta({
        description:
          'A metric of the measured side’s target group: `http-5xx-rate` (HTTPCode_Target_5XX_Count / RequestCount over the lookback, a fraction), `p99-latency` (TargetResponseTime p99, in ms), `unhealthy-hosts` (UnHealthyHostCount, maximum).',
      }),
    queries: z
      .optional(z.array(querySchema).min(1).max(MAX_QUERIES))
      .meta({ description: 'GetMetricData queries (MetricStat or metric math); the one that returns data is the metric’s result.' }),
    reduce: z
      .optional(z.enum(['average', 'maximum', 'minimum', 'sum', 'latest']))
      .meta({ description: 'How the datapoints of the lookback become one value, for queries (default average); built-ins reduce their own way.' }),
    unit: z.optional(z.string().min(1).max(16)).meta({ description: 'Shown after values (e.g. ms); built-ins have their own.' }),
    baseline: z.boolean().default(false).meta({ description: 'Also measure blue (the baseline) and show it; implied when a condition uses `baseline`.' }),
    successCondition: z.optional(condition).meta({ description: 'When this holds the measurement succeeds, e.g. `result <= 0.01` or `result <= baseline * 1.5`.' }),
    failureCondition: z.optional(condition).meta({ description: 'When this holds the measurement fails; with both conditions, neither holding is inconclusive.' }),
    noData: z
      .enum(['fail', 'inconclusive', 'pass'])
      .default('fail')
      .meta({ description: 'What a measurement with no datapoints (for green, or for blue when the condition needs it) counts as. Default fail: an empty answer proves nothing.' }),
    dryRun: z.boolean().default(false).meta({ description: 'Measured, recorded and shown, but never passes, pauses or rolls back a deploy.' }),
  })
  .strict()
  .superRefine((metric, context) => {
    if ((metric.builtin === undefined) === (metric.queries === undefined)) context.addIssue({ code: 'custom', message: 'a metric has either builtin or queries (exactly one)' });
    if (metric.successCondition === undefined && metric.failureCondition === undefined) context.addIssue({ code: 'custom', message: 'a metric needs a successCondition, a failureCondition or both' });
    if (metric.builtin && metric.reduce) context.addIssue({ code: 'custom', path: ['reduce'], message: 'built-in metrics reduce their own way; reduce is for queries' });
    if (!metric.queries) return;
    const returning = metric.queries.filter((query) => query.returnData !== false);
    if (returning.length !== 1) context.addIssue({ code: 'custom', path: ['queries'], message: `exactly one query must return data (set returnData: false on the others); ${returning.length} do` });
    const ids = metric.queries.map((query) => query.id);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) context.addIssue({ code: 'custom', path: ['queries', index, 'id'], message: `query id ${id} is used twice` });
    });
  });
export type AnalysisMetric = z.infer<typeof analysisMetricSchema>;

const minutes = (max: number, label: string) => z.number().min(0, 'must be 0 or more minutes').max(max, `must be at most ${max} minutes (${label})`);

export const analysisConfigSchema = z
  .object({
    afterSteps: z
      .array(z.string().min(1).max(64))
      .max(MAX_AFTER_STEPS)
      .default([])
      .meta({ description: 'An explicit analysis step right after each of these plan steps (and their bakes), e.g. traffic-25: `count` measurements decide whether the deploy goes on.' }),
    duringBakes: z.boolean().default(false).meta({ description: 'Also measure in the background through every bake, every interval.' }),
    intervalMinutes: minutes(MAX_INTERVAL_MINUTES, '1 h')
      .positive('must be more than 0 minutes')
      .default(1)
      .meta({ description: 'Time between two measurements, in minutes; each one costs 3 state transitions and one GetMetricData call (more for long answers).' }),
    count: z.number().int().min(1).max(MAX_COUNT).default(3).meta({ description: 'Measurements of an explicit analysis step.' }),
    initialDelayMinutes: minutes(MAX_INTERVAL_MINUTES, '1 h').default(0).meta({ description: 'Wait before the first measurement of a step, in minutes (metrics arrive late).' }),
    lookbackMinutes: minutes(MAX_LOOKBACK_MINUTES, 'a day')
      .positive('must be more than 0 minutes')
      .default(5)
      .meta({ description: 'How far back each measurement reads datapoints, in minutes.' }),
    failureLimit: z.number().int().min(0).max(MAX_LIMIT).default(0).meta({ description: 'Failed measurements tolerated per metric and step; one more fails the analysis and rolls back at once.' }),
    inconclusiveLimit: z.number().int().min(0).max(MAX_LIMIT).default(0).meta({ description: 'Inconclusive measurements tolerated per metric and step; one more pauses the deploy for approval.' }),
    consecutiveErrorLimit: z
      .number()
      .int()
      .min(0)
      .max(MAX_LIMIT)
      .default(4)
      .meta({ description: 'Measurements in a row that could not be taken (a query CloudWatch refused, an answer that is not a number) tolerated per metric; one more fails the analysis.' }),
    metrics: z.array(analysisMetricSchema).min(1, 'must name at least one metric').max(MAX_METRICS, `must name at most ${MAX_METRICS} metrics`),
  })
  .strict()
  .superRefine((analysis, context) => {
    if (analysis.afterSteps.length === 0 && !analysis.duringBakes) {
      context.addIssue({ code: 'custom', message: 'analysis runs nowhere: name afterSteps (e.g. [traffic-25]) or set duringBakes: true' });
    }
    const names = analysis.metrics.map((metric) => metric.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) context.addIssue({ code: 'custom', path: ['metrics', index, 'name'], message: `metric name ${name} is used twice` });
    });
    analysis.afterSteps.forEach((step, index) => {
      if (analysis.afterSteps.indexOf(step) !== index) context.addIssue({ code: 'custom', path: ['afterSteps', index], message: `${step} is named twice` });
    });
  });

export type AnalysisConfig = z.infer<typeof analysisConfigSchema>;
