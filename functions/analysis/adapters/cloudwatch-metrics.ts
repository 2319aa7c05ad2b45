import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery as SdkMetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { callAws, pagesOf } from '../../kernel/aws/calls.ts';
import type { MetricDataQuery, MetricSeries } from '../domain/queries.ts';

/**
 * GetMetricData with every page read: CloudWatch cuts a long answer into pages (NextToken) and may split one query's
 * datapoints across them, marking it PartialData on all but its last page. The series come back joined, oldest
 * first, with the last page's status. Throttling and 5xx become the kernel's named errors (callAws), which the deploy
 * machine retries; anything else is AwsCallError, which a measurement records as an error.
 */
export class CloudWatchMetrics {
  private readonly cloudwatch: CloudWatchClient;

  constructor(cloudwatch: CloudWatchClient) {
    this.cloudwatch = cloudwatch;
  }

  /** Every query's datapoints in [start, end); `calls` counts the GetMetricData calls (pages) it took. */
  async getMetricData(queries: MetricDataQuery[], start: Date, end: Date): Promise<{ series: Map<string, MetricSeries>; calls: number }> {
    const series = new Map<string, MetricSeries>();
    let calls = 0;
    await callAws('CloudWatch GetMetricData', async () => {
      const pages = pagesOf((NextToken) => {
        calls += 1;
        return this.cloudwatch.send(
          new GetMetricDataCommand({ MetricDataQueries: queries as SdkMetricDataQuery[], StartTime: start, EndTime: end, ScanBy: 'TimestampAscending', NextToken }),
        );
      });
      for await (const page of pages) {
        for (const result of page.MetricDataResults ?? []) {
          const id = result.Id ?? '';
          const joined = series.get(id) ?? { id, values: [], statusCode: 'Complete' };
          joined.values.push(...(result.Values ?? []));
          joined.statusCode = result.StatusCode ?? 'Complete';
          const messages = (result.Messages ?? []).map((message) => [message.Code, message.Value].filter(Boolean).join(': '));
          if (messages.length > 0) joined.messages = [...(joined.messages ?? []), ...messages];
          series.set(id, joined);
        }
      }
    });
    return { series, calls };
  }
}
