import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisMetricSchema } from '../../../../functions/analysis/config.ts';
import { loadBalancerDimension, measuredValue, measurementQueries, reduceSeries, targetGroupDimension, type MeasuredSide, type MetricSeries } from '../../../../functions/analysis/domain/queries.ts';

const green: MeasuredSide = { role: 'green', targetGroup: 'targetgroup/web-b/2453ed029918f21f', loadBalancer: 'app/web/50dc6c495c0c9188' };
const blue: MeasuredSide = { role: 'baseline', targetGroup: 'targetgroup/web-a/73e2d6bc24d8a067', loadBalancer: 'app/web/50dc6c495c0c9188' };
const series = (id: string, values: number[], statusCode = 'Complete'): [string, MetricSeries] => [id, { id, values, statusCode }];

describe('GetMetricData queries of one measurement', () => {
  it('derives the CloudWatch dimensions from the ARNs', () => {
    assert.equal(targetGroupDimension('arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-a/73e2d6bc24d8a067'), 'targetgroup/web-a/73e2d6bc24d8a067');
    assert.equal(loadBalancerDimension('arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2'), 'app/web/50dc6c495c0c9188');
  });

  it('asks for built-ins per target group, ids unique per metric and side', () => {
    const p99 = analysisMetricSchema.parse({ name: 'latency', builtin: 'p99-latency', successCondition: 'result <= baseline * 1.5' });
    const queries = measurementQueries([{ metric: p99, sides: [green, blue] }]);
    assert.deepEqual(
      queries.map((query) => [query.Id, query.MetricStat?.Metric.MetricName, query.MetricStat?.Stat, query.MetricStat?.Metric.Dimensions.map((dimension) => dimension.Value).join(' ')]),
      [
        ['m0g_p99', 'TargetResponseTime', 'p99', `${green.targetGroup} ${green.loadBalancer}`],
        ['m0b_p99', 'TargetResponseTime', 'p99', `${blue.targetGroup} ${blue.loadBalancer}`],
      ],
    );
  });

  it('substitutes placeholders and renames ids inside metric math, leaving quoted text alone', () => {
    const math = analysisMetricSchema.parse({
      name: 'error-rate',
      successCondition: 'result <= 1',
      queries: [
        { id: 'errors', returnData: false, metricStat: { metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: [{ name: 'TargetGroup', value: '{{targetGroup}}' }, { name: 'LoadBalancer', value: '{{loadBalancer}}' }] }, period: 60, stat: 'Sum' } },
        { id: 'requests', returnData: false, metricStat: { metric: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: [{ name: 'TargetGroup', value: '{{targetGroup}}' }] }, period: 60, stat: 'Sum' } },
        { id: 'rate', expression: "100 * FILL(errors, 0) / requests + 0 * SUM(SEARCH('errors {{targetGroup}}', 'Sum'))" },
      ],
    });
    const [errors, , rate] = measurementQueries([{ metric: math, sides: [green] }]);
    assert.deepEqual(errors?.MetricStat?.Metric.Dimensions, [{ Name: 'TargetGroup', Value: green.targetGroup }, { Name: 'LoadBalancer', Value: green.loadBalancer }]);
    assert.equal(errors?.ReturnData, false);
    assert.equal(rate?.Expression, `100 * FILL(m0g_errors, 0) / m0g_requests + 0 * SUM(SEARCH('errors ${green.targetGroup}', 'Sum'))`);
    assert.equal(rate?.ReturnData, true);
  });
});

describe('one value per metric and side', () => {
  const rate = analysisMetricSchema.parse({ name: 'errors', builtin: 'http-5xx-rate', successCondition: 'result <= 0.01' });
  const cases: Array<[string, [string, MetricSeries][], unknown]> = [
    ['5xx over requests, summed over the window', [series('m0g_errors', [2, 3]), series('m0g_requests', [50, 50])], { kind: 'value', value: 0.05 }],
    ['no 5xx datapoints: ALB reports none for a minute without errors', [series('m0g_requests', [50, 50])], { kind: 'value', value: 0 }],
    ['no requests: no data, not 0 %', [series('m0g_errors', []), series('m0g_requests', [])], { kind: 'noData' }],
    ['a query CloudWatch could not answer', [series('m0g_errors', [], 'Forbidden'), series('m0g_requests', [50])], { kind: 'error', message: 'CloudWatch answered Forbidden for m0g_errors' }],
  ];
  for (const [name, answer, expected] of cases) {
    it(name, () => assert.deepEqual(measuredValue(rate, 0, green, new Map(answer)), expected));
  }

  it('p99 in milliseconds, the worst minute of the window', () => {
    const p99 = analysisMetricSchema.parse({ name: 'latency', builtin: 'p99-latency', successCondition: 'result <= 500' });
    assert.deepEqual(measuredValue(p99, 0, green, new Map([series('m0g_p99', [0.12, 0.812])])), { kind: 'value', value: 812 });
  });

  const reductions: Array<[Parameters<typeof reduceSeries>[1], number]> = [['average', 2], ['maximum', 4], ['minimum', 1], ['sum', 6], ['latest', 1]];
  for (const [reduce, expected] of reductions) {
    it(`reduces queries' datapoints: ${reduce}`, () => assert.deepEqual(reduceSeries({ id: 'q', values: [1, 4, 1], statusCode: 'Complete' }, reduce), { kind: 'value', value: expected }));
  }
});
