import type { AnalysisMetric, BuiltinMetric } from '../config.ts';

/**
 * What one measurement asks CloudWatch (one GetMetricData call for every metric and side) and how its answer becomes
 * one value per metric and side. Pure; shapes follow GetMetricData's (MetricDataQuery, MetricDataResult), in plain types.
 */

/** Green (the new revision) or blue (the baseline): a target group behind the service's load balancer. */
export interface MeasuredSide {
  role: 'green' | 'baseline';
  /** The CloudWatch TargetGroup dimension: `targetgroup/<name>/<id>`. */
  targetGroup: string;
  /** The CloudWatch LoadBalancer dimension: `app/<name>/<id>`. */
  loadBalancer: string;
}

export interface MetricDataQuery {
  Id: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }; Period: number; Stat: string; Unit?: string };
  Expression?: string;
  Period?: number;
  ReturnData: boolean;
}

/** One query's datapoints over the window (every page joined), oldest first. */
export interface MetricSeries {
  id: string;
  values: number[];
  statusCode: string;
  messages?: string[];
}

export type MeasuredValue = { kind: 'value'; value: number } | { kind: 'noData' } | { kind: 'error'; message: string };

/** `arn:…:targetgroup/web-a/73e2d6bc24d8a067` → `targetgroup/web-a/73e2d6bc24d8a067`. */
export function targetGroupDimension(targetGroupArn: string): string {
  return targetGroupArn.split(':').slice(5).join(':');
}

/** `arn:…:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2` → `app/web/50dc6c495c0c9188`. */
export function loadBalancerDimension(listenerArn: string): string {
  const resource = listenerArn.split(':').slice(5).join(':');
  return resource.split('/').slice(1, 4).join('/');
}

const ALB = 'AWS/ApplicationELB';
const ALB_PERIOD = 60;

interface BuiltinDefinition {
  queries: (side: MeasuredSide) => MetricDataQuery[];
  value: (series: (id: string) => MetricSeries | undefined) => MeasuredValue;
  unit: string;
}

function albQuery(id: string, side: MeasuredSide, metricName: string, stat: string): MetricDataQuery {
  const Dimensions = [
    { Name: 'TargetGroup', Value: side.targetGroup },
    { Name: 'LoadBalancer', Value: side.loadBalancer },
  ];
  return { Id: id, MetricStat: { Metric: { Namespace: ALB, MetricName: metricName, Dimensions }, Period: ALB_PERIOD, Stat: stat }, ReturnData: true };
}

/**
 * The built-ins. ALB reports HTTPCode_Target_5XX_Count only for minutes that had a 5xx, so a missing 5xx datapoint is
 * 0, while no RequestCount datapoint means green served nothing: no data, not a 0 % error rate.
 */
const BUILTINS: Record<BuiltinMetric, BuiltinDefinition> = {
  'http-5xx-rate': {
    queries: (side) => [albQuery('errors', side, 'HTTPCode_Target_5XX_Count', 'Sum'), albQuery('requests', side, 'RequestCount', 'Sum')],
    value: (series) => {
      const requests = series('requests');
      const errors = series('errors');
      const failed = [requests, errors].find((one) => one && one.statusCode !== 'Complete');
      if (failed) return seriesError(failed);
      const total = sum(requests?.values ?? []);
      return total > 0 ? { kind: 'value', value: sum(errors?.values ?? []) / total } : { kind: 'noData' };
    },
    unit: 'ratio',
  },
  'p99-latency': {
    // TargetResponseTime is in seconds; the built-in speaks milliseconds.
    queries: (side) => [albQuery('p99', side, 'TargetResponseTime', 'p99')],
    value: (series) => scaled(reduceSeries(series('p99'), 'maximum'), 1000),
    unit: 'ms',
  },
  'unhealthy-hosts': {
    queries: (side) => [albQuery('unhealthy', side, 'UnHealthyHostCount', 'Maximum')],
    value: (series) => reduceSeries(series('unhealthy'), 'maximum'),
    unit: 'hosts',
  },
};

/** The display unit of a metric's values. */
export function unitOf(metric: Pick<AnalysisMetric, 'builtin' | 'unit'>): string | undefined {
  return metric.builtin ? BUILTINS[metric.builtin].unit : metric.unit;
}

/** `m<metric index><g|b>_<id>`: query ids unique across the metrics and sides of one GetMetricData call. */
function prefix(metricIndex: number, side: MeasuredSide): string {
  return `m${metricIndex}${side.role === 'green' ? 'g' : 'b'}_`;
}

/** Every query of one measurement: each metric for each side it is measured on. */
export function measurementQueries(metrics: { metric: AnalysisMetric; sides: MeasuredSide[] }[]): MetricDataQuery[] {
  return metrics.flatMap(({ metric, sides }, index) => sides.flatMap((side) => metricQueries(metric, index, side)));
}

function metricQueries(metric: AnalysisMetric, index: number, side: MeasuredSide): MetricDataQuery[] {
  const ids = prefix(index, side);
  if (metric.builtin) return BUILTINS[metric.builtin].queries(side).map((query) => ({ ...query, Id: `${ids}${query.Id}` }));
  const own = (metric.queries ?? []).map((query) => query.id);
  return (metric.queries ?? []).map((query) => {
    const returnData = query.returnData !== false;
    if (query.metricStat) {
      const { metric: stat, period, unit } = query.metricStat;
      return {
        Id: `${ids}${query.id}`,
        MetricStat: {
          Metric: { Namespace: stat.namespace, MetricName: stat.metricName, Dimensions: stat.dimensions.map((dimension) => ({ Name: dimension.name, Value: substitute(dimension.value, side) })) },
          Period: period,
          Stat: query.metricStat.stat,
          ...(unit ? { Unit: unit } : {}),
        },
        ReturnData: returnData,
      };
    }
    return { Id: `${ids}${query.id}`, Expression: prefixIds(substitute(query.expression ?? '', side), own, ids), ...(query.period ? { Period: query.period } : {}), ReturnData: returnData };
  });
}

/** The metric's value on one side, from the measurement's answer. */
export function measuredValue(metric: AnalysisMetric, index: number, side: MeasuredSide, series: ReadonlyMap<string, MetricSeries>): MeasuredValue {
  const ids = prefix(index, side);
  const lookup = (id: string) => series.get(`${ids}${id}`);
  if (metric.builtin) return BUILTINS[metric.builtin].value(lookup);
  const result = (metric.queries ?? []).find((query) => query.returnData !== false);
  return reduceSeries(result ? lookup(result.id) : undefined, metric.reduce ?? 'average');
}

export function reduceSeries(series: MetricSeries | undefined, reduce: NonNullable<AnalysisMetric['reduce']>): MeasuredValue {
  if (!series) return { kind: 'noData' };
  if (series.statusCode !== 'Complete') return seriesError(series);
  const values = series.values.filter((value) => Number.isFinite(value));
  if (values.length === 0) return { kind: 'noData' };
  switch (reduce) {
    case 'average':
      return { kind: 'value', value: sum(values) / values.length };
    case 'maximum':
      return { kind: 'value', value: Math.max(...values) };
    case 'minimum':
      return { kind: 'value', value: Math.min(...values) };
    case 'sum':
      return { kind: 'value', value: sum(values) };
    case 'latest':
      return { kind: 'value', value: values[values.length - 1] ?? 0 };
  }
}

function seriesError(series: MetricSeries): MeasuredValue {
  return { kind: 'error', message: `CloudWatch answered ${series.statusCode} for ${series.id}${series.messages?.length ? `: ${series.messages.join('; ')}` : ''}` };
}

function scaled(value: MeasuredValue, factor: number): MeasuredValue {
  return value.kind === 'value' ? { kind: 'value', value: value.value * factor } : value;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function substitute(text: string, side: MeasuredSide): string {
  return text.replaceAll('{{targetGroup}}', side.targetGroup).replaceAll('{{loadBalancer}}', side.loadBalancer);
}

/** Renames the metric's own query ids inside an expression, leaving quoted text (SEARCH strings) alone. */
function prefixIds(expression: string, ids: string[], idPrefix: string): string {
  return expression.replace(/'[^']*'|"[^"]*"|\b[a-z][a-zA-Z0-9_]*\b/g, (token) => (ids.includes(token) ? `${idPrefix}${token}` : token));
}
