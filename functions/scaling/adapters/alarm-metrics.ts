import { paginateGetMetricData, type CloudWatchClient, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { collectPages } from '../../kernel/aws/calls.ts';

/** The parts of a DescribeAlarms MetricAlarm a scaling evaluation needs (AWS casing, as Step Functions passes it). */
export interface AlarmDefinition {
  AlarmName?: string;
  StateValue?: string;
  Threshold?: number;
  ComparisonOperator?: string;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name?: string; Value?: string }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Unit?: string;
  Period?: number;
  EvaluationPeriods?: number;
  Metrics?: MetricDataQuery[];
}

export class MetricReadError extends Error {
  override readonly name = 'MetricReadError';
}

/**
 * The alarm's metric over its evaluation window (Period × EvaluationPeriods up to now), as the alarm defines it:
 * its single metric and statistic, or its metric queries. AAS aggregates these most recent datapoints.
 */
export class AlarmMetrics {
  private readonly cloudwatch: CloudWatchClient;

  constructor(cloudwatch: CloudWatchClient) {
    this.cloudwatch = cloudwatch;
  }

  async recentDatapoints(alarm: AlarmDefinition, now: Date): Promise<number[]> {
    const window = periodOf(alarm) * Math.max(1, alarm.EvaluationPeriods ?? 1);
    return (await this.datapoints(alarm, new Date(now.getTime() - window * 1000), now)).values;
  }

  /** The alarm's metric from `from` to `to`, oldest first, with the time of each datapoint (the dashboard's chart). */
  async series(alarm: AlarmDefinition, from: Date, to: Date): Promise<{ at: string; value: number }[]> {
    const { values, timestamps } = await this.datapoints(alarm, from, to);
    return values.map((value, index) => ({ at: timestamps[index]?.toISOString() ?? '', value })).filter((point) => point.at !== '').sort((a, b) => a.at.localeCompare(b.at));
  }

  private async datapoints(alarm: AlarmDefinition, from: Date, to: Date): Promise<{ values: number[]; timestamps: Date[] }> {
    const queries = metricQueries(alarm);
    const pages = paginateGetMetricData({ client: this.cloudwatch }, { MetricDataQueries: queries, StartTime: from, EndTime: to });
    const results = await collectPages(`GetMetricData ${alarm.AlarmName ?? '(unnamed)'}`, pages, (page) => page.MetricDataResults, async (_what, read) => {
      try {
        return await read();
      } catch (error) {
        throw new MetricReadError(`Could not read the metric of alarm ${alarm.AlarmName ?? '(unnamed)'}`, { cause: error });
      }
    });
    const returned = results.find((result) => queries.find((query) => query.Id === result.Id)?.ReturnData !== false)?.Id;
    if (returned === undefined) return { values: [], timestamps: [] };
    const mine = results.filter((result) => result.Id === returned);
    return { values: valuesOf(mine, returned), timestamps: mine.flatMap((result) => result.Timestamps ?? []) };
  }
}

function periodOf(alarm: AlarmDefinition): number {
  return alarm.Period ?? alarm.Metrics?.find((query) => query.MetricStat)?.MetricStat?.Period ?? 60;
}

/** The alarm's single metric and statistic as one query, or its own metric queries. */
function metricQueries(alarm: AlarmDefinition): MetricDataQuery[] {
  if (alarm.Metrics?.length) return alarm.Metrics;
  return [
    {
      Id: 'alarm_metric',
      MetricStat: {
        Metric: { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions?.map(({ Name, Value }) => ({ Name, Value })) },
        Period: periodOf(alarm),
        Stat: alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average',
        ...(alarm.Unit ? { Unit: alarm.Unit as never } : {}),
      },
      ReturnData: true,
    },
  ];
}

/**
 * A query's datapoints over all pages: GetMetricData pages by datapoints (MaxDatapoints, default 100,800), so one
 * query's values may be split across pages, each page repeating its Id.
 */
export function valuesOf(results: Pick<MetricDataResult, 'Id' | 'Values'>[], id: string): number[] {
  return results.filter((result) => result.Id === id).flatMap((result) => result.Values ?? []);
}
