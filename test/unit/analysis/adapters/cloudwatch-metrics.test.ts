import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchMetrics } from '../../../../functions/analysis/adapters/cloudwatch-metrics.ts';
import { AwsCallError, EcsThrottledError } from '../../../../functions/kernel/errors.ts';

const START = new Date('2026-12-01T10:00:00Z');
const END = new Date('2026-12-01T10:05:00Z');
const QUERIES = [{ Id: 'm0g_p99', Expression: 'm0g_x', ReturnData: true }];

describe('GetMetricData: every page', () => {
  it('follows NextToken and joins a query split across pages, keeping the last page’s status', async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch
      .on(GetMetricDataCommand, { NextToken: undefined })
      .resolves({ MetricDataResults: [{ Id: 'a', Values: [1, 2], StatusCode: 'PartialData' }, { Id: 'b', Values: [9], StatusCode: 'Complete' }], NextToken: 'page-2' })
      .on(GetMetricDataCommand, { NextToken: 'page-2' })
      .resolves({ MetricDataResults: [{ Id: 'a', Values: [3], StatusCode: 'Complete' }] });
    const { series, calls } = await new CloudWatchMetrics(cloudwatch as unknown as CloudWatchClient).getMetricData(QUERIES, START, END);
    assert.equal(calls, 2);
    assert.deepEqual(Object.fromEntries([...series].map(([id, one]) => [id, [one.values, one.statusCode]])), { a: [[1, 2, 3], 'Complete'], b: [[9], 'Complete'] });
    const first = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    assert.deepEqual(first, { MetricDataQueries: QUERIES, StartTime: START, EndTime: END, ScanBy: 'TimestampAscending', NextToken: undefined });
  });

  it('keeps CloudWatch’s messages on a query it could not answer', async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'a', Values: [], StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'no access' }] }] });
    const { series } = await new CloudWatchMetrics(cloudwatch as unknown as CloudWatchClient).getMetricData(QUERIES, START, END);
    assert.deepEqual(series.get('a'), { id: 'a', values: [], statusCode: 'Forbidden', messages: ['Forbidden: no access'] });
  });

  it('maps throttling to the retried error and a refused query to AwsCallError', async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    const failing = (name: string, status: number) => Object.assign(new CloudWatchServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name }));
    cloudwatch.on(GetMetricDataCommand).rejectsOnce(failing('Throttling', 400)).rejectsOnce(failing('InvalidParameterValueException', 400));
    const metrics = new CloudWatchMetrics(cloudwatch as unknown as CloudWatchClient);
    await assert.rejects(metrics.getMetricData(QUERIES, START, END), EcsThrottledError);
    await assert.rejects(metrics.getMetricData(QUERIES, START, END), (error: unknown) => error instanceof AwsCallError && /CloudWatch GetMetricData failed: InvalidParameterValueException/.test(error.message));
  });

  it('refuses a service that repeats its NextToken', async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [], NextToken: 'same' });
    await assert.rejects(new CloudWatchMetrics(cloudwatch as unknown as CloudWatchClient).getMetricData(QUERIES, START, END), /the same NextToken was returned twice/);
  });
});
