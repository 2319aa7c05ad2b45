import type { AnalysisConfig, AnalysisMetric } from '../config.ts';
import { evaluate, ExpressionEvaluationError, namesIn, parseCondition } from './expression.ts';
import { unitOf, type MeasuredValue } from './queries.ts';

/**
 * Verdict rules (Argo Rollouts' analysis semantics, with Harbormaster's differences): each measurement of a metric is
 * Successful, Failed, Inconclusive or Error; a metric's measurements in one step add up to its phase, against the
 * limits; the gating metrics' phases add up to the step's. Pure.
 *
 * One measurement:
 *   - green (or, when the condition needs it, blue) could not be measured → Error;
 *   - no datapoints → the metric's `noData` policy: fail (default; Argo passes, argo-rollouts #4147), inconclusive, pass;
 *   - failureCondition holds → Failed; successCondition holds → Successful;
 *   - neither holds: Failed when only successCondition is given, Successful when only failureCondition is, else
 *     Inconclusive.
 * A metric's phase: more failures than failureLimit → Failed; more errors in a row than consecutiveErrorLimit → Error
 * (it fails the analysis too); more inconclusive measurements than inconclusiveLimit → Inconclusive; `count`
 * measurements taken → Successful (Error when none of them could be taken); else Running. dryRun metrics never gate.
 */

export type MeasurementVerdict = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
export type Phase = 'Running' | 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** One metric's result in one measurement, as history records it. */
export interface MetricResult {
  metric: string;
  verdict: MeasurementVerdict;
  /** Green's value (absent: no data or an error). */
  value?: number;
  /** Blue's value, when measured. */
  baseline?: number;
  /** Which side had no datapoints. */
  noData?: 'green' | 'baseline';
  error?: string;
  /** The conditions as written, e.g. `success: result <= baseline * 1.5`. */
  condition: string;
  unit?: string;
  dryRun: boolean;
}

/** Whether blue is measured too: asked for, or a condition uses `baseline`. */
export function needsBaseline(metric: Pick<AnalysisMetric, 'baseline' | 'successCondition' | 'failureCondition'>): boolean {
  return metric.baseline || conditionsUseBaseline(metric);
}

function conditionsUseBaseline(metric: Pick<AnalysisMetric, 'successCondition' | 'failureCondition'>): boolean {
  return [metric.successCondition, metric.failureCondition].some((condition) => condition !== undefined && namesIn(parseCondition(condition)).has('baseline'));
}

export function describeConditions(metric: Pick<AnalysisMetric, 'successCondition' | 'failureCondition'>): string {
  return [metric.successCondition && `success: ${metric.successCondition}`, metric.failureCondition && `failure: ${metric.failureCondition}`].filter(Boolean).join('; ');
}

export function judge(metric: AnalysisMetric, green: MeasuredValue, baseline?: MeasuredValue): MetricResult {
  const unit = unitOf(metric);
  const base = { metric: metric.name, condition: describeConditions(metric), dryRun: metric.dryRun, ...(unit ? { unit } : {}) };
  const values = {
    ...(green.kind === 'value' ? { value: green.value } : {}),
    ...(baseline?.kind === 'value' ? { baseline: baseline.value } : {}),
  };
  const needed = conditionsUseBaseline(metric);
  if (green.kind === 'error') return { ...base, ...values, verdict: 'Error', error: green.message };
  if (needed && baseline?.kind === 'error') return { ...base, ...values, verdict: 'Error', error: `baseline: ${baseline.message}` };
  if (green.kind === 'noData') return { ...base, ...values, verdict: NO_DATA_VERDICT[metric.noData], noData: 'green' };
  if (needed && baseline?.kind !== 'value') return { ...base, ...values, verdict: NO_DATA_VERDICT[metric.noData], noData: 'baseline' };
  const bindings = { result: green.value, ...(baseline?.kind === 'value' ? { baseline: baseline.value } : {}) };
  try {
    const holds = (condition: string | undefined) => (condition === undefined ? undefined : evaluate(parseCondition(condition), bindings) === true);
    const failed = holds(metric.failureCondition);
    const succeeded = holds(metric.successCondition);
    const verdict: MeasurementVerdict = failed ? 'Failed' : succeeded ? 'Successful' : succeeded === false && failed === undefined ? 'Failed' : failed === false && succeeded === undefined ? 'Successful' : 'Inconclusive';
    return { ...base, ...values, verdict };
  } catch (error) {
    if (!(error instanceof ExpressionEvaluationError)) throw error;
    return { ...base, ...values, verdict: 'Error', error: error.message };
  }
}

const NO_DATA_VERDICT: Record<AnalysisMetric['noData'], MeasurementVerdict> = { fail: 'Failed', inconclusive: 'Inconclusive', pass: 'Successful' };

/** One metric's measurements in one step, counted. */
export interface Tally {
  measurements: number;
  successful: number;
  failed: number;
  inconclusive: number;
  errors: number;
  consecutiveErrors: number;
}

export const EMPTY_TALLY: Tally = { measurements: 0, successful: 0, failed: 0, inconclusive: 0, errors: 0, consecutiveErrors: 0 };

export function tally(previous: Tally, verdict: MeasurementVerdict): Tally {
  return {
    measurements: previous.measurements + 1,
    successful: previous.successful + (verdict === 'Successful' ? 1 : 0),
    failed: previous.failed + (verdict === 'Failed' ? 1 : 0),
    inconclusive: previous.inconclusive + (verdict === 'Inconclusive' ? 1 : 0),
    errors: previous.errors + (verdict === 'Error' ? 1 : 0),
    consecutiveErrors: verdict === 'Error' ? previous.consecutiveErrors + 1 : 0,
  };
}

export type Limits = Pick<AnalysisConfig, 'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit'>;

/** `count`: the measurements an explicit step takes; undefined in the background, which runs as long as the bake. */
export function metricPhase(counted: Tally, limits: Limits, count: number | undefined): Phase {
  if (counted.failed > limits.failureLimit) return 'Failed';
  if (counted.consecutiveErrors > limits.consecutiveErrorLimit) return 'Error';
  if (counted.inconclusive > limits.inconclusiveLimit) return 'Inconclusive';
  if (count !== undefined && counted.measurements >= count) return counted.errors === counted.measurements ? 'Error' : 'Successful';
  return 'Running';
}

/** The step's phase from its gating metrics' (dryRun ones never gate), and the metric that decided it. */
export function runPhase(metrics: { name: string; dryRun: boolean; phase: Phase }[]): { phase: Phase; decidedBy?: string } {
  const gating = metrics.filter((metric) => !metric.dryRun);
  for (const phase of ['Failed', 'Error', 'Inconclusive', 'Running'] as const) {
    const decider = gating.find((metric) => metric.phase === phase);
    if (decider) return { phase: phase === 'Error' ? 'Failed' : phase, decidedBy: decider.name };
  }
  return { phase: 'Successful' };
}

/**
 * A result in words: `p99-latency green 812 ms vs blue 240 ms (success: result <= baseline * 1.5)`,
 * `http-5xx-rate green 25.00 % (…)`, `error-rate: no data for green`.
 */
export function describeResult(result: MetricResult): string {
  if (result.error !== undefined) return `${result.metric}: ${result.error}`;
  const side = (role: string, value: number | undefined) => (value === undefined ? `${role} no data` : `${role} ${formatValue(value, result.unit)}`);
  const values = result.baseline !== undefined || result.noData === 'baseline' ? `${side('green', result.value)} vs ${side('blue', result.baseline)}` : side('green', result.value);
  return `${result.metric} ${values} (${result.condition})`;
}

export function formatValue(value: number, unit: string | undefined): string {
  if (unit === 'ratio') return `${(value * 100).toFixed(2)} %`;
  const rounded = Math.abs(value) >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toPrecision(3);
  return unit ? `${rounded} ${unit}` : rounded;
}
