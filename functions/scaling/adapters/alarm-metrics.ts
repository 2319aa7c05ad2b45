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
    const period = alarm.Period ?? alarm.Metrics?.find((query) => query.MetricStat)?.MetricStat?.Period ?? 60;
    const window = period * Math.max(1, alarm.EvaluationPeriods ?? 1);
    const queries: MetricDataQuery[] = alarm.Metrics?.length
      ? alarm.Metrics
      : [
          {
            Id: 'alarm_metric',
            MetricStat: {
              Metric: { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions?.map(({ Name, Value }) => ({ Name, Value })) },
              Period: period,
              Stat: alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average',
              ...(alarm.Unit ? { Unit: alarm.Unit as never } : {}),
            },
            ReturnData: true,
          },
        ];
    const pages = paginateGetMetricData(
      { client: this.cloudwatch },
      { MetricDataQueries: queries, StartTime: new Date(now.getTime() - window * 1000), EndTime: now },
    );
    const results = await collectPages(`GetMetricData ${alarm.AlarmName ?? '(unnamed)'}`, pages, (page) => page.MetricDataResults, async (_what, read) => {
      try {
        return await read();
      } catch (error) {
        throw new MetricReadError(`Could not read the metric of alarm ${alarm.AlarmName ?? '(unnamed)'}`, { cause: error });
      }
    });
    const returned = results.find((result) => queries.find((query) => query.Id === result.Id)?.ReturnData !== false)?.Id;
    return returned === undefined ? [] : valuesOf(results, returned);
  }
}

/**
 * A query's datapoints over all pages: GetMetricData pages by datapoints (MaxDatapoints, default 100,800), so one
 * query's values may be split across pages, each page repeating its Id.
 */
export function valuesOf(results: Pick<MetricDataResult, 'Id' | 'Values'>[], id: string): number[] {
  return results.filter((result) => result.Id === id).flatMap((result) => result.Values ?? []);
}
