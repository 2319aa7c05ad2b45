import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisMetricSchema, analysisConfigSchema, type AnalysisMetric } from '../../../../functions/analysis/config.ts';
import { applyMeasurement, failureReason, inconclusiveReason, newRun, nextMeasurementAt } from '../../../../functions/analysis/domain/analysis-run.ts';
import type { MeasuredValue } from '../../../../functions/analysis/domain/queries.ts';
import { describeResult, judge, metricPhase, needsBaseline, runPhase, tally, EMPTY_TALLY, type MeasurementVerdict, type Phase } from '../../../../functions/analysis/domain/verdict.ts';

const metric = (fields: Record<string, unknown>): AnalysisMetric => analysisMetricSchema.parse({ name: 'm', builtin: 'p99-latency', ...fields });
const value = (number: number): MeasuredValue => ({ kind: 'value', value: number });
const NO_DATA: MeasuredValue = { kind: 'noData' };
const ERROR: MeasuredValue = { kind: 'error', message: 'GetMetricData failed: InvalidParameterValue' };

describe('one measurement: judge', () => {
  const cases: Array<[string, Record<string, unknown>, MeasuredValue, MeasuredValue | undefined, MeasurementVerdict]> = [
    ['success holds', { successCondition: 'result <= 500' }, value(120), undefined, 'Successful'],
    ['only success, it fails', { successCondition: 'result <= 500' }, value(812), undefined, 'Failed'],
    ['only failure, it holds', { failureCondition: 'result > 500' }, value(812), undefined, 'Failed'],
    ['only failure, it does not hold', { failureCondition: 'result > 500' }, value(120), undefined, 'Successful'],
    ['both, neither holds', { successCondition: 'result <= 200', failureCondition: 'result > 500' }, value(300), undefined, 'Inconclusive'],
    ['both, failure wins when both hold', { successCondition: 'result > 0', failureCondition: 'result > 500' }, value(812), undefined, 'Failed'],
    ['baseline comparison passes', { successCondition: 'result <= baseline * 1.5' }, value(300), value(240), 'Successful'],
    ['baseline comparison fails', { successCondition: 'result <= baseline * 1.5' }, value(812), value(240), 'Failed'],
    ['no data, default fail', { successCondition: 'result <= 500' }, NO_DATA, undefined, 'Failed'],
    ['no data, inconclusive', { successCondition: 'result <= 500', noData: 'inconclusive' }, NO_DATA, undefined, 'Inconclusive'],
    ['no data, pass', { successCondition: 'result <= 500', noData: 'pass' }, NO_DATA, undefined, 'Successful'],
    ['no baseline data, default fail', { successCondition: 'result <= baseline * 1.5' }, value(300), NO_DATA, 'Failed'],
    ['no baseline data, inconclusive', { successCondition: 'result <= baseline * 1.5', noData: 'inconclusive' }, value(300), NO_DATA, 'Inconclusive'],
    ['baseline shown only: its absence does not matter', { successCondition: 'result <= 500', baseline: true }, value(300), NO_DATA, 'Successful'],
    ['green could not be measured', { successCondition: 'result <= 500' }, ERROR, undefined, 'Error'],
    ['baseline could not be measured', { successCondition: 'result <= baseline' }, value(1), ERROR, 'Error'],
    ['0 / 0 decides nothing', { successCondition: 'result / baseline <= 2' }, value(0), value(0), 'Error'],
  ];
  for (const [name, fields, green, baseline, verdict] of cases) {
    it(`${name} → ${verdict}`, () => assert.equal(judge(metric(fields), green, baseline).verdict, verdict));
  }

  it('records values, conditions and which side had no data', () => {
    assert.deepEqual(judge(metric({ successCondition: 'result <= baseline * 1.5' }), value(300), NO_DATA), {
      metric: 'm',
      condition: 'success: result <= baseline * 1.5',
      dryRun: false,
      unit: 'ms',
      value: 300,
      verdict: 'Failed',
      noData: 'baseline',
    });
  });

  it('says what failed with the values, in the metric’s unit', () => {
    assert.equal(describeResult(judge(metric({ successCondition: 'result <= baseline * 1.5' }), value(812), value(240))), 'm green 812 ms vs blue 240 ms (success: result <= baseline * 1.5)');
    assert.equal(describeResult(judge(metric({ builtin: 'http-5xx-rate', successCondition: 'result <= 0.01' }), value(0.25))), 'm green 25.00 % (success: result <= 0.01)');
    assert.equal(describeResult(judge(metric({ successCondition: 'result <= baseline' }), value(1), NO_DATA)), 'm green 1 ms vs blue no data (success: result <= baseline)');
  });

  it('measures blue when asked, or when a condition needs it', () => {
    assert.equal(needsBaseline(metric({ successCondition: 'result <= 1' })), false);
    assert.equal(needsBaseline(metric({ successCondition: 'result <= 1', baseline: true })), true);
    assert.equal(needsBaseline(metric({ failureCondition: 'result > baseline' })), true);
  });
});

describe('a metric’s phase: limits', () => {
  const limits = { failureLimit: 1, inconclusiveLimit: 0, consecutiveErrorLimit: 2 };
  const after = (verdicts: MeasurementVerdict[]) => verdicts.reduce(tally, EMPTY_TALLY);
  const cases: Array<[string, MeasurementVerdict[], number | undefined, Phase]> = [
    ['no measurement yet', [], 3, 'Running'],
    ['one failure within failureLimit 1', ['Failed'], 3, 'Running'],
    ['two failures over failureLimit 1', ['Failed', 'Successful', 'Failed'], 3, 'Failed'],
    ['count reached with a tolerated failure', ['Successful', 'Failed', 'Successful'], 3, 'Successful'],
    ['one inconclusive over inconclusiveLimit 0', ['Successful', 'Inconclusive'], 3, 'Inconclusive'],
    ['errors in a row up to the limit', ['Error', 'Error'], 5, 'Running'],
    ['errors in a row over the limit', ['Error', 'Error', 'Error'], 5, 'Error'],
    ['a success resets the errors in a row', ['Error', 'Error', 'Successful', 'Error', 'Error'], 6, 'Running'],
    ['count reached but nothing could be measured', ['Error', 'Error'], 2, 'Error'],
    ['background: no count, runs until the bake ends', ['Successful', 'Successful', 'Successful'], undefined, 'Running'],
    ['failure beats inconclusive', ['Inconclusive', 'Failed', 'Failed'], 5, 'Failed'],
  ];
  for (const [name, verdicts, count, phase] of cases) {
    it(`${name} → ${phase}`, () => assert.equal(metricPhase(after(verdicts), limits, count), phase));
  }
});

describe('the step’s phase: gating metrics only', () => {
  const cases: Array<[string, { name: string; dryRun: boolean; phase: Phase }[], { phase: Phase; decidedBy?: string }]> = [
    ['all successful', [{ name: 'a', dryRun: false, phase: 'Successful' }, { name: 'b', dryRun: false, phase: 'Successful' }], { phase: 'Successful' }],
    ['one still running', [{ name: 'a', dryRun: false, phase: 'Successful' }, { name: 'b', dryRun: false, phase: 'Running' }], { phase: 'Running', decidedBy: 'b' }],
    ['a failure decides', [{ name: 'a', dryRun: false, phase: 'Inconclusive' }, { name: 'b', dryRun: false, phase: 'Failed' }], { phase: 'Failed', decidedBy: 'b' }],
    ['errors fail the analysis', [{ name: 'a', dryRun: false, phase: 'Error' }], { phase: 'Failed', decidedBy: 'a' }],
    ['inconclusive pauses', [{ name: 'a', dryRun: false, phase: 'Inconclusive' }, { name: 'b', dryRun: false, phase: 'Successful' }], { phase: 'Inconclusive', decidedBy: 'a' }],
    ['a failing dry-run metric never gates', [{ name: 'shadow', dryRun: true, phase: 'Failed' }, { name: 'b', dryRun: false, phase: 'Successful' }], { phase: 'Successful' }],
  ];
  for (const [name, metrics, expected] of cases) {
    it(`${name} → ${expected.phase}`, () => assert.deepEqual(runPhase(metrics), expected));
  }
});

describe('an analysis run: schedule and reasons', () => {
  const config = analysisConfigSchema.parse({
    afterSteps: ['traffic-25'],
    intervalMinutes: 0.5,
    initialDelayMinutes: 1,
    count: 2,
    metrics: [
      { name: 'p99-latency', builtin: 'p99-latency', successCondition: 'result <= baseline * 1.5' },
      { name: 'shadow', builtin: 'http-5xx-rate', successCondition: 'result <= 0', dryRun: true },
    ],
  });
  const started = '2026-12-01T10:00:00.000Z';
  const at = (seconds: number) => new Date(Date.parse(started) + seconds * 1000);
  const schedule = { mode: 'step' as const, stepStartedAt: started, intervalSeconds: 30, initialDelaySeconds: 60, count: 2 };
  const result = (name: string, verdict: MeasurementVerdict, green?: number) => ({ metric: name, verdict, condition: 'success: result <= baseline * 1.5', dryRun: name === 'shadow', unit: 'ms', ...(green === undefined ? {} : { value: green, baseline: 240 }) });

  it('measures after the initial delay, then every interval, count times', () => {
    const run = newRun('analysis-traffic-25', 'step');
    assert.equal(nextMeasurementAt(run, schedule), at(60).getTime());
    const once = applyMeasurement(run, [result('p99-latency', 'Successful', 300), result('shadow', 'Failed')], at(61), config);
    assert.equal(once.phase, 'Running');
    assert.equal(nextMeasurementAt(once, schedule), at(91).getTime());
    const twice = applyMeasurement(once, [result('p99-latency', 'Successful', 310), result('shadow', 'Failed')], at(91), config);
    assert.equal(twice.phase, 'Successful', 'the failing dry-run metric did not gate');
    assert.equal(nextMeasurementAt(twice, schedule), undefined);
  });

  it('in the background, measures until the bake ends', () => {
    const background = { ...schedule, mode: 'background' as const, bakeEndsAt: at(120).toISOString() };
    const run = applyMeasurement(newRun('traffic-25', 'background'), [result('p99-latency', 'Successful', 300)], at(100), config);
    assert.equal(nextMeasurementAt(run, background), undefined, 'the next (at 130 s) would come after the bake');
  });

  it('names the metric and its failing value', () => {
    const failed = applyMeasurement(newRun('analysis-traffic-25', 'step'), [result('p99-latency', 'Failed', 812)], at(60), config);
    assert.equal(failed.phase, 'Failed');
    assert.equal(failureReason(failed, config), 'Analysis of analysis-traffic-25 failed: p99-latency green 812 ms vs blue 240 ms (success: result <= baseline * 1.5); 1 of 1 measurements failed (failureLimit 0)');
    const inconclusive = applyMeasurement(newRun('traffic-25', 'background'), [result('p99-latency', 'Inconclusive', 300)], at(60), config);
    assert.match(inconclusiveReason(inconclusive, config), /^Analysis of traffic-25 is inconclusive: p99-latency green 300 ms vs blue 240 ms .*; 1 of 1 measurements inconclusive \(inconclusiveLimit 0\)$/);
  });
});
