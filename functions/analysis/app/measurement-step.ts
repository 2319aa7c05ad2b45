import { AnalysisFailedError, AnalysisInconclusiveError, AwsCallError } from '../../kernel/errors.ts';
import type { AnalysisStore, RunRef, StoredMeasurement } from '../adapters/analysis-store.ts';
import type { CloudWatchMetrics } from '../adapters/cloudwatch-metrics.ts';
import {
  analysisNotification,
  applyMeasurement,
  failureReason,
  inconclusiveReason,
  newRun,
  nextMeasurementAt,
  type AnalysisMode,
  type AnalysisRun,
  type ResolvedAnalysis,
} from '../domain/analysis-run.ts';
import { measuredValue, measurementQueries, type MeasuredValue } from '../domain/queries.ts';
import { judge, needsBaseline, type MetricResult } from '../domain/verdict.ts';

/**
 * The measurement step the deploy's check runs in a step that analyses (docs/decisions/0019-canary-analysis.md): takes
 * the measurement that is due (one GetMetricData call for every metric, green and baseline), records it with the
 * step's run, and answers what the step does — go on, wait until the next measurement, pause for approval — or throws
 * AnalysisFailedError (the deploy rolls back at once) or AnalysisInconclusiveError (a pause nobody approved in time).
 * Safe to repeat: a retried check finds the measurement recorded and takes no second one.
 */

export interface AnalyseRequest {
  ref: RunRef;
  step: { name: string; mode: AnalysisMode; startedAt: string; /** background: the bake's end */ endsAt?: string };
  analysis: ResolvedAnalysis;
  /** An operator approved this step's inconclusive analysis (`harbormaster approve`, the Slack button). */
  approved: boolean;
  notify: string[];
}

/**
 * `proceed`: the analysis step is over (it passed, or an operator approved it); `continue`: a background analysis has
 * no objection, and its next measurement is due in `waitSeconds`, if any; `await`: wait that long (for approval when
 * `waitKind` is approval).
 */
export type AnalysisOutcome =
  | { next: 'proceed'; note?: string }
  | { next: 'continue'; waitSeconds?: number; note?: string }
  | { next: 'await'; waitSeconds: number; waitKind?: 'approval' };

export interface MeasurementStepDependencies {
  metrics: CloudWatchMetrics;
  store: AnalysisStore;
  now?: () => Date;
}

/** Optimistic rounds against a concurrent invocation of the same check (a retry whose first attempt still runs). */
const MAX_ROUNDS = 3;

export class MeasurementStep {
  private readonly deps: MeasurementStepDependencies;
  private readonly now: () => Date;

  constructor(deps: MeasurementStepDependencies) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
  }

  async analyse(request: AnalyseRequest): Promise<AnalysisOutcome> {
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      const stored = await this.deps.store.run(request.ref);
      const outcome = await this.decide(request, stored.run ?? newRun(request.step.name, request.step.mode), stored.version);
      if (outcome !== 'conflict') return outcome;
    }
    throw new AwsCallError(`The analysis of ${request.step.name} kept changing under deployment ${request.ref.deploymentId}'s check`);
  }

  private async decide(request: AnalyseRequest, run: AnalysisRun, version: number): Promise<AnalysisOutcome | 'conflict'> {
    const now = this.now();
    const over = (note?: string): AnalysisOutcome => (request.step.mode === 'step' ? { next: 'proceed', ...(note ? { note } : {}) } : { next: 'continue', ...(note ? { note } : {}) });
    if (run.resolution) return over();
    if (run.phase === 'Inconclusive') return this.paused(request, run, version, now, over);
    if (run.phase === 'Successful') return over();
    const schedule = {
      mode: request.step.mode,
      stepStartedAt: request.step.startedAt,
      ...(request.step.endsAt ? { bakeEndsAt: request.step.endsAt } : {}),
      intervalSeconds: request.analysis.config.intervalMinutes * 60,
      initialDelaySeconds: request.analysis.config.initialDelayMinutes * 60,
      count: request.analysis.config.count,
    };
    const due = nextMeasurementAt(run, schedule);
    if (due === undefined) return over();
    if (due > now.getTime()) return this.waitUntil(request, due, now);

    const measured = await this.measure(request, run, now);
    const after = applyMeasurement(run, measured.results, now, request.analysis.config);
    const announcement = { deploymentId: request.ref.deploymentId, cluster: request.ref.cluster, service: request.ref.service, run: after, at: now.toISOString(), notify: request.notify };
    if (after.phase === 'Failed') {
      const reason = failureReason(after, request.analysis.config);
      if ((await this.deps.store.save(request.ref, after, version, { measurement: measured, notification: analysisNotification('analysis-failed', { ...announcement, reason }) })) === 'conflict') return 'conflict';
      throw new AnalysisFailedError(reason);
    }
    if (after.phase === 'Inconclusive') {
      const paused = { ...after, pausedAt: now.toISOString() };
      const reason = inconclusiveReason(paused, request.analysis.config);
      const saved = await this.deps.store.save(request.ref, paused, version, {
        measurement: measured,
        notification: analysisNotification('analysis-inconclusive', { ...announcement, run: paused, reason }),
      });
      if (saved === 'conflict') return 'conflict';
      return { next: 'await', waitSeconds: Math.max(1, request.analysis.approval.timeoutSeconds), waitKind: 'approval' };
    }
    if ((await this.deps.store.save(request.ref, after, version, { measurement: measured })) === 'conflict') return 'conflict';
    if (after.phase === 'Successful') return over();
    const next = nextMeasurementAt(after, schedule);
    return next === undefined ? over() : this.waitUntil(request, next, now);
  }

  /** An inconclusive run waits for approval, at most the approval timeout, then does what approvalTimeoutAction says. */
  private async paused(request: AnalyseRequest, run: AnalysisRun, version: number, now: Date, over: (note?: string) => AnalysisOutcome): Promise<AnalysisOutcome | 'conflict'> {
    const remaining = Date.parse(run.pausedAt ?? now.toISOString()) + request.analysis.approval.timeoutSeconds * 1000 - now.getTime();
    if (request.approved) {
      if ((await this.deps.store.save(request.ref, { ...run, resolution: 'approved' }, version)) === 'conflict') return 'conflict';
      return over('inconclusive analysis approved by an operator');
    }
    if (remaining > 0) return { next: 'await', waitSeconds: Math.max(1, Math.ceil(remaining / 1000)), waitKind: 'approval' };
    const reason = inconclusiveReason(run, request.analysis.config);
    if (request.analysis.approval.onTimeout === 'rollback') throw new AnalysisInconclusiveError(`${reason}; nobody approved within ${request.analysis.approval.timeoutSeconds} s`);
    if ((await this.deps.store.save(request.ref, { ...run, resolution: 'approval-timed-out' }, version)) === 'conflict') return 'conflict';
    return over('inconclusive analysis: approval timed out; proceeding as configured');
  }

  private waitUntil(request: AnalyseRequest, due: number, now: Date): AnalysisOutcome {
    const waitSeconds = Math.max(1, Math.ceil((due - now.getTime()) / 1000));
    return request.step.mode === 'step' ? { next: 'await', waitSeconds } : { next: 'continue', waitSeconds };
  }

  /** One GetMetricData call (and its pages) for every metric on green and, where needed, on blue. */
  private async measure(request: AnalyseRequest, run: AnalysisRun, now: Date): Promise<StoredMeasurement> {
    const { config, green, blue } = request.analysis;
    const plan = config.metrics.map((metric) => ({ metric, sides: needsBaseline(metric) ? [green, blue] : [green] }));
    const from = new Date(now.getTime() - config.lookbackMinutes * 60_000);
    let results: MetricResult[];
    let calls = 0;
    try {
      const answer = await this.deps.metrics.getMetricData(measurementQueries(plan), from, now);
      calls = answer.calls;
      results = plan.map(({ metric, sides }, index) => {
        const values = sides.map((side) => measuredValue(metric, index, side, answer.series));
        return judge(metric, values[0] ?? { kind: 'noData' }, values[1]);
      });
    } catch (error) {
      // Throttling and 5xx are retried by the machine (they never count); a refused query is this measurement's error.
      if (!(error instanceof AwsCallError)) throw error;
      const failed: MeasuredValue = { kind: 'error', message: error.message };
      results = plan.map(({ metric, sides }) => judge(metric, failed, sides.length > 1 ? failed : undefined));
    }
    return {
      deploymentId: request.ref.deploymentId,
      step: request.step.name,
      stepIndex: request.ref.stepIndex,
      index: run.measurements + 1,
      measuredAt: now.toISOString(),
      from: from.toISOString(),
      to: now.toISOString(),
      results,
      calls,
    };
  }
}
