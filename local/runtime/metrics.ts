/**
 * GetMetricData as the local AWS answers it (docs/decisions/0019-canary-analysis.md). moto 5.2.1 has no ALB metrics,
 * no percentiles (a p99 query gets no value), evaluates metric math only when the expression is a bare query id
 * (anything else answers empty values, "Complete"), and never pages. The runtime answers instead:
 *   - AWS/ApplicationELB queries with a TargetGroup dimension: synthetic target-group metrics from the tasks serving
 *     the target group (its task sets' RUNNING tasks) and how each serves (FaultInjector.degradeServing: a bad image
 *     answers 5xx and slowly), with requests in proportion to the target group's weight in the listeners' forward
 *     actions now;
 *   - any other MetricStat: moto's answer for that query (what PutMetricData stored);
 *   - metric math: arithmetic (+ - * /, parentheses, numbers) over the other queries' ids, datapoint by datapoint —
 *     the expression parser of analysis conditions, with query ids as its names. Functions (FILL, SEARCH, …) are
 *     refused with a ValidationError saying so;
 *   - pages of at most MaxDatapoints datapoints (NextToken), a query split across pages marked PartialData.
 */
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, type Action, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { evaluate, ExpressionError, namesIn, parseExpression, type Expression } from '../../functions/analysis/domain/expression.ts';
import type { TaskLifecycle } from './ecs-tasks.ts';
import { HEALTHY_SERVING } from './faults.ts';
import { isRecord, jsonError, type HttpReply } from './wire.ts';

export interface SyntheticMetricsDeps {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  lifecycle: TaskLifecycle;
  /** The clock, for tasks still serving. */
  now?: () => Date;
}

/** Requests per second one task serves at a weight of 100 % on one listener route. */
const TASK_REQUESTS_PER_SECOND = 10;
/** AWS's default and largest page. */
const MAX_DATAPOINTS = 100_800;

interface Query {
  Id: string;
  MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] }; Period?: number; Stat?: string };
  Expression?: string;
  Period?: number;
  ReturnData?: boolean;
  Label?: string;
}

/** One series: timestamps (epoch seconds) and values, oldest first. */
type Series = { timestamps: number[]; values: number[] };

export class SyntheticMetrics {
  readonly #deps: SyntheticMetricsDeps;

  constructor(deps: SyntheticMetricsDeps) {
    this.#deps = deps;
  }

  async getMetricData(input: Record<string, unknown>): Promise<HttpReply> {
    const queries = (Array.isArray(input['MetricDataQueries']) ? input['MetricDataQueries'] : []).filter(isRecord) as unknown as Query[];
    const start = Number(input['StartTime']);
    const end = Number(input['EndTime']);
    if (!(start < end)) return validation('The parameter EndTime must be greater than StartTime.');
    const computed = new Map<string, Series>();
    const world = new TargetGroupTraffic(this.#deps);
    for (const query of queries.filter((candidate) => candidate.MetricStat)) computed.set(query.Id, await this.#metricStat(query, start, end, world));
    const expressions = queries.filter((candidate) => candidate.Expression !== undefined);
    const ids = queries.map((query) => query.Id);
    const parsed = new Map<string, Expression>();
    for (const query of expressions) {
      try {
        parsed.set(query.Id, parseExpression(query.Expression ?? '', { names: ids, type: 'number' }));
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        return validation(`The local AWS evaluates metric math arithmetic only (+ - * / and parentheses over query ids); ${query.Id}: ${error.message}`);
      }
    }
    const resolve = (id: string, seen: string[] = []): Series => {
      const known = computed.get(id);
      if (known) return known;
      const expression = parsed.get(id);
      if (!expression || seen.includes(id)) return { timestamps: [], values: [] };
      const series = evaluateSeries(expression, (name) => resolve(name, [...seen, id]));
      computed.set(id, series);
      return series;
    };
    const returned = queries.filter((query) => query.ReturnData !== false).map((query) => ({ query, series: ordered(resolve(query.Id), input['ScanBy'] !== 'TimestampAscending') }));
    return page(returned, Number(input['MaxDatapoints'] ?? MAX_DATAPOINTS), typeof input['NextToken'] === 'string' ? input['NextToken'] : undefined);
  }

  async #metricStat(query: Query, start: number, end: number, world: TargetGroupTraffic): Promise<Series> {
    const stat = query.MetricStat ?? {};
    const targetGroup = stat.Metric?.Dimensions?.find((dimension) => dimension.Name === 'TargetGroup')?.Value;
    if (stat.Metric?.Namespace === 'AWS/ApplicationELB' && targetGroup) {
      return world.series(targetGroup, stat.Metric.MetricName ?? '', stat.Stat ?? 'Sum', Number(stat.Period ?? 60), start, end);
    }
    const answer = await this.#deps.cloudwatch.send(
      new GetMetricDataCommand({ MetricDataQueries: [{ ...(query as object), ReturnData: true } as never], StartTime: new Date(start * 1000), EndTime: new Date(end * 1000), ScanBy: 'TimestampAscending' }),
    );
    const result = answer.MetricDataResults?.[0];
    const points = (result?.Timestamps ?? []).map((timestamp, index) => [timestamp.getTime() / 1000, result?.Values?.[index]] as const).filter((point): point is readonly [number, number] => typeof point[1] === 'number');
    return { timestamps: points.map(([timestamp]) => timestamp), values: points.map(([, value]) => value) };
  }
}

/** What one GetMetricData call knows of the target groups: who serves each, and its share of the listeners' traffic. */
class TargetGroupTraffic {
  readonly #deps: SyntheticMetricsDeps;
  #taskSets?: Promise<Map<string, string>>;
  #shares?: Promise<Map<string, number>>;

  constructor(deps: SyntheticMetricsDeps) {
    this.#deps = deps;
  }

  async series(targetGroup: string, metricName: string, stat: string, period: number, start: number, end: number): Promise<Series> {
    const [taskSets, shares] = await Promise.all([this.#taskSetTargetGroups(), this.#weightShares()]);
    const share = [...shares].filter(([arn]) => dimensionOf(arn) === targetGroup).reduce((total, [, value]) => total + value, 0);
    const now = (this.#deps.now ?? (() => new Date()))().getTime() / 1000;
    const serving = this.#deps.lifecycle
      .tasks()
      .filter(({ record }) => dimensionOf(taskSets.get(record.startedBy) ?? '') === targetGroup && record.startedAt !== undefined)
      .map(({ record, serving: quality }) => ({
        from: (record.startedAt?.getTime() ?? 0) / 1000,
        until: ((record.stoppingAt ?? record.stoppedAt)?.getTime() ?? now * 1000) / 1000,
        quality: quality ?? HEALTHY_SERVING,
      }));
    const series: Series = { timestamps: [], values: [] };
    for (let bucket = Math.floor(start / period) * period; bucket < end; bucket += period) {
      const bucketEnd = Math.min(bucket + period, end, now);
      const active = serving.map((task) => ({ ...task, seconds: Math.max(0, Math.min(task.until, bucketEnd) - Math.max(task.from, bucket)) })).filter((task) => task.seconds > 0);
      if (active.length === 0) continue;
      const requests = active.map((task) => TASK_REQUESTS_PER_SECOND * share * task.seconds);
      const total = requests.reduce((sum, value) => sum + value, 0);
      const errors = active.reduce((sum, task, index) => sum + (requests[index] ?? 0) * task.quality.errorRate, 0);
      const value = datapoint(metricName, stat, { hosts: active.length, requests: Math.round(total), errors: errors > 0 ? Math.max(1, Math.round(errors)) : 0, active, weights: requests });
      if (value === undefined) continue;
      series.timestamps.push(bucket);
      series.values.push(value);
    }
    return series;
  }

  /** Task set id (its tasks' startedBy) → its target group ARN, for every service the runtime's tasks belong to. */
  #taskSetTargetGroups(): Promise<Map<string, string>> {
    this.#taskSets ??= (async () => {
      const services = new Map<string, { cluster: string; service: string }>();
      for (const { record } of this.#deps.lifecycle.tasks()) {
        if (record.group.startsWith('service:')) services.set(`${record.clusterArn}|${record.group}`, { cluster: record.clusterArn, service: record.group.slice('service:'.length) });
      }
      const byTaskSet = new Map<string, string>();
      for (const { cluster, service } of services.values()) {
        const described = await this.#deps.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
        for (const taskSet of described.services?.flatMap((found) => found.taskSets ?? []) ?? []) {
          const targetGroup = taskSet.loadBalancers?.[0]?.targetGroupArn;
          if (taskSet.id && targetGroup) byTaskSet.set(taskSet.id, targetGroup);
        }
      }
      return byTaskSet;
    })();
    return this.#taskSets;
  }

  /** Target group ARN → its share of traffic: the sum, over every listener route forwarding to it, of its weight share. */
  #weightShares(): Promise<Map<string, number>> {
    this.#shares ??= (async () => {
      const shares = new Map<string, number>();
      const add = (actions: Action[] | undefined) => {
        for (const action of actions ?? []) {
          if (action.Type !== 'forward') continue;
          const groups = action.ForwardConfig?.TargetGroups ?? (action.TargetGroupArn ? [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }] : []);
          const total = groups.reduce((sum, group) => sum + (group.Weight ?? 1), 0);
          for (const group of groups) if (group.TargetGroupArn && total > 0) shares.set(group.TargetGroupArn, (shares.get(group.TargetGroupArn) ?? 0) + (group.Weight ?? 1) / total);
        }
      };
      const loadBalancers = (await this.#deps.elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
      for (const loadBalancer of loadBalancers) {
        const listeners = (await this.#deps.elb.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancer.LoadBalancerArn }))).Listeners ?? [];
        for (const listener of listeners) {
          add(listener.DefaultActions);
          const rules = (await this.#deps.elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn }))).Rules ?? [];
          for (const rule of rules.filter((candidate) => !candidate.IsDefault)) add(rule.Actions);
        }
      }
      return shares;
    })();
    return this.#shares;
  }
}

interface Bucket {
  hosts: number;
  requests: number;
  errors: number;
  active: { quality: { averageMs: number; p99Ms: number } }[];
  /** Requests per active task. */
  weights: number[];
}

/** One ALB metric's datapoint for a bucket; undefined where ALB reports none (no requests, no 5xx). */
function datapoint(metricName: string, stat: string, bucket: Bucket): number | undefined {
  switch (metricName) {
    case 'RequestCount':
      return bucket.requests > 0 ? bucket.requests : undefined;
    case 'HTTPCode_Target_5XX_Count':
      return bucket.errors > 0 ? bucket.errors : undefined;
    case 'HTTPCode_Target_2XX_Count':
      return bucket.requests - bucket.errors > 0 ? bucket.requests - bucket.errors : undefined;
    case 'HealthyHostCount':
      return bucket.hosts;
    case 'UnHealthyHostCount':
      return 0;
    case 'TargetResponseTime':
      return bucket.requests > 0 ? latency(stat, bucket) : undefined;
    default:
      return undefined;
  }
}

/** Seconds, as ALB reports TargetResponseTime: the requests' mean, or a percentile of the tasks' mixture. */
function latency(stat: string, bucket: Bucket): number {
  const total = bucket.weights.reduce((sum, weight) => sum + weight, 0) || 1;
  if (stat === 'Average') return bucket.active.reduce((sum, task, index) => sum + task.quality.averageMs * (bucket.weights[index] ?? 0), 0) / total / 1000;
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  const tail = percentile ? 1 - Number(percentile[1]) / 100 : 0;
  // The tail is the slowest tasks' as soon as they carry at least the tail's share of the requests.
  const bySlowest = bucket.active.map((task, index) => ({ task, share: (bucket.weights[index] ?? 0) / total })).sort((a, b) => b.task.quality.p99Ms - a.task.quality.p99Ms);
  let covered = 0;
  for (const { task, share } of bySlowest) {
    covered += share;
    if (covered >= tail) return task.quality.p99Ms / 1000;
  }
  return (bySlowest.at(-1)?.task.quality.p99Ms ?? 0) / 1000;
}

/** Metric math, datapoint by datapoint, where every series it reads has one. */
function evaluateSeries(expression: Expression, series: (id: string) => Series): Series {
  const names = [...namesIn(expression)];
  const inputs = names.map((name) => ({ name, points: new Map(series(name).timestamps.map((timestamp, index) => [timestamp, series(name).values[index] ?? 0])) }));
  const timestamps = [...new Set(inputs.flatMap((input) => [...input.points.keys()]))].filter((timestamp) => inputs.every((input) => input.points.has(timestamp))).sort((a, b) => a - b);
  const result: Series = { timestamps: [], values: [] };
  for (const timestamp of timestamps) {
    try {
      const value = evaluate(expression, Object.fromEntries(inputs.map((input) => [input.name, input.points.get(timestamp) ?? 0]))) as number;
      if (Number.isFinite(value)) {
        result.timestamps.push(timestamp);
        result.values.push(value);
      }
    } catch {
      // NaN (0 / 0): CloudWatch drops the datapoint.
    }
  }
  return result;
}

function ordered(series: Series, descending: boolean): Series {
  return descending ? { timestamps: [...series.timestamps].reverse(), values: [...series.values].reverse() } : series;
}

/** One page of at most `max` datapoints from `offset` (the NextToken); a query cut by the page is PartialData. */
function page(returned: { query: Query; series: Series }[], max: number, token: string | undefined): HttpReply {
  const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return validation('The NextToken is not valid.');
  const limit = Math.max(1, Math.min(max, MAX_DATAPOINTS));
  const results: Record<string, unknown>[] = [];
  let position = 0;
  for (const { query, series } of returned) {
    const first = position;
    position += series.values.length;
    const from = Math.max(offset, first);
    const to = Math.min(position, offset + limit);
    if (from >= to && !(series.values.length === 0 && offset === 0)) continue;
    results.push({
      Id: query.Id,
      Label: query.Label ?? query.Id,
      Timestamps: series.timestamps.slice(from - first, Math.max(from, to) - first),
      Values: series.values.slice(from - first, Math.max(from, to) - first),
      StatusCode: to < position ? 'PartialData' : 'Complete',
    });
  }
  const next = offset + limit < position ? Buffer.from(String(offset + limit)).toString('base64') : undefined;
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ MetricDataResults: results, Messages: [], ...(next ? { NextToken: next } : {}) }),
  };
}

function validation(message: string): HttpReply {
  return jsonError('InvalidParameterValueException', message, 400, '1.0');
}

function dimensionOf(targetGroupArn: string): string {
  return targetGroupArn.split(':').slice(5).join(':');
}
