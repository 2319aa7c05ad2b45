import type { Notification } from '../../kernel/notifications.ts';
import type { AnalysisConfig } from '../config.ts';
import { loadBalancerDimension, targetGroupDimension, type MeasuredSide } from './queries.ts';
import { describeResult, EMPTY_TALLY, metricPhase, runPhase, tally, type MetricResult, type Phase, type Tally } from './verdict.ts';

/**
 * One step's analysis: an explicit analysis step (`count` measurements, `interval` apart, after `initialDelay`) or the
 * background measurements of a bake (every `interval` until the bake ends). What is due next, what a measurement
 * changes, and what the step does about it — go on, wait for the next measurement, pause for approval, or fail. Pure.
 */

export type AnalysisMode = 'step' | 'background';

export interface AnalysisRun {
  step: string;
  mode: AnalysisMode;
  measurements: number;
  lastMeasuredAt?: string;
  tallies: Record<string, Tally>;
  phase: Phase;
  /** The metric whose phase decided the step's (Failed, Inconclusive). */
  decidedBy?: string;
  /** The newest measurement's results. */
  latest: MetricResult[];
  /** When an Inconclusive run paused the deploy for approval. */
  pausedAt?: string;
  /** How a pause ended: an operator approved, or the approval timeout proceeded as configured. */
  resolution?: 'approved' | 'approval-timed-out';
}

export function newRun(step: string, mode: AnalysisMode): AnalysisRun {
  return { step, mode, measurements: 0, tallies: {}, phase: 'Running', latest: [] };
}

export interface AnalysisSchedule {
  mode: AnalysisMode;
  stepStartedAt: string;
  /** Background: when the bake ends; no measurement is due from then on. */
  bakeEndsAt?: string;
  intervalSeconds: number;
  initialDelaySeconds: number;
  count: number;
}

/** When the next measurement is due (ms since the epoch), or undefined when the run takes no more. */
export function nextMeasurementAt(run: AnalysisRun, schedule: AnalysisSchedule): number | undefined {
  if (run.phase !== 'Running' || run.resolution) return undefined;
  if (schedule.mode === 'step' && run.measurements >= schedule.count) return undefined;
  const next = run.lastMeasuredAt ? Date.parse(run.lastMeasuredAt) + schedule.intervalSeconds * 1000 : Date.parse(schedule.stepStartedAt) + schedule.initialDelaySeconds * 1000;
  if (schedule.bakeEndsAt !== undefined && next >= Date.parse(schedule.bakeEndsAt)) return undefined;
  return next;
}

/** The run after one more measurement: tallies, the step's phase and the metric that decided it. */
export function applyMeasurement(run: AnalysisRun, results: MetricResult[], measuredAt: Date, config: AnalysisConfig): AnalysisRun {
  const tallies = Object.fromEntries(results.map((result) => [result.metric, tally(run.tallies[result.metric] ?? EMPTY_TALLY, result.verdict)]));
  const count = run.mode === 'step' ? config.count : undefined;
  const phases = results.map((result) => ({ name: result.metric, dryRun: result.dryRun, phase: metricPhase(tallies[result.metric] ?? EMPTY_TALLY, config, count) }));
  const { phase, decidedBy } = runPhase(phases);
  return {
    ...run,
    measurements: run.measurements + 1,
    lastMeasuredAt: measuredAt.toISOString(),
    tallies,
    phase,
    ...(decidedBy ? { decidedBy } : {}),
    latest: results,
  };
}

/** Why a run failed, naming the metric and its value: the rollback's reason and the announcement's. */
export function failureReason(run: AnalysisRun, config: Pick<AnalysisConfig, 'failureLimit' | 'consecutiveErrorLimit'>): string {
  const metric = run.decidedBy ?? '';
  const counted = run.tallies[metric] ?? EMPTY_TALLY;
  const result = run.latest.find((candidate) => candidate.metric === metric);
  const what = result ? describeResult(result) : metric;
  if (counted.failed > config.failureLimit) {
    return `Analysis of ${run.step} failed: ${what}; ${counted.failed} of ${counted.measurements} measurements failed (failureLimit ${config.failureLimit})`;
  }
  if (counted.consecutiveErrors > config.consecutiveErrorLimit) {
    return `Analysis of ${run.step} failed: ${what}; ${counted.consecutiveErrors} measurements in a row could not be taken (consecutiveErrorLimit ${config.consecutiveErrorLimit})`;
  }
  return `Analysis of ${run.step} failed: ${what}; none of its ${counted.measurements} measurements could be taken`;
}

export function inconclusiveReason(run: AnalysisRun, config: Pick<AnalysisConfig, 'inconclusiveLimit'>): string {
  const metric = run.decidedBy ?? '';
  const counted = run.tallies[metric] ?? EMPTY_TALLY;
  const result = run.latest.find((candidate) => candidate.metric === metric);
  return `Analysis of ${run.step} is inconclusive: ${result ? describeResult(result) : metric}; ${counted.inconclusive} of ${counted.measurements} measurements inconclusive (inconclusiveLimit ${config.inconclusiveLimit})`;
}

export interface AnalysisAnnouncement {
  deploymentId: string;
  cluster: string;
  service: string;
  run: AnalysisRun;
  reason: string;
  at: string;
  notify: string[];
}

/** `analysis-failed` (the deploy rolls back) or `analysis-inconclusive` (it waits for approval), once per step. */
export function analysisNotification(kind: 'analysis-failed' | 'analysis-inconclusive', input: AnalysisAnnouncement): Notification {
  const { deploymentId, cluster, service, run } = input;
  return {
    id: `${kind}#${deploymentId}#${run.step}`,
    kind,
    subject: `${cluster}/${service}: ${input.reason}${kind === 'analysis-inconclusive' ? ' — waiting for approval (harbormaster approve)' : ''}`,
    cluster,
    service,
    details: { deploymentId, step: run.step, metric: run.decidedBy ?? null, results: run.latest, routes: input.notify },
    createdAt: input.at,
  };
}

/** The analysis as a deploy runs it: the configuration as deployed, and green's and blue's target groups. */
export interface ResolvedAnalysis {
  config: AnalysisConfig;
  green: MeasuredSide;
  blue: MeasuredSide;
  /** An inconclusive analysis waits for approval as the approval gate does: this long, then this. */
  approval: { timeoutSeconds: number; onTimeout: 'rollback' | 'proceed' };
}

/** Green and blue for the deploy that brings green up on `greenTargetGroupArn` behind the production listener. */
export function resolveAnalysis(
  config: AnalysisConfig,
  target: { listenerArn: string; greenTargetGroupArn: string; blueTargetGroupArn: string; approvalTimeoutMinutes: number; approvalTimeoutAction: 'rollback' | 'proceed' },
): ResolvedAnalysis {
  const loadBalancer = loadBalancerDimension(target.listenerArn);
  return {
    config,
    approval: { timeoutSeconds: Math.round(target.approvalTimeoutMinutes * 60), onTimeout: target.approvalTimeoutAction },
    green: { role: 'green', targetGroup: targetGroupDimension(target.greenTargetGroupArn), loadBalancer },
    blue: { role: 'baseline', targetGroup: targetGroupDimension(target.blueTargetGroupArn), loadBalancer },
  };
}
