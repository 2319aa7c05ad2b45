import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AlarmMetrics, type AlarmDefinition } from '../adapters/alarm-metrics.ts';
import { sharedDocumentClient, sharedEcsClient } from '../../kernel/aws/clients.ts';
import { ConfigStore } from '../../config/index.ts';
import { EcsServiceCapacity } from '../adapters/ecs-service.ts';
import { ScalingStore } from '../adapters/scaling-store.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { toStepScalingPolicy, type ScalingConfig } from '../config.ts';
import {
  failedActivity,
  noActionActivity,
  scalingActivity,
  scalingNotifications,
  type ScalingActivity,
  type ScalingEvaluation,
  type ScalingOutcome,
} from '../domain/scaling-activity.ts';
import { aggregate, decideScaling } from '../domain/step-scaling.ts';
import { stepThreshold, type DescribedAlarm } from '../domain/alarm-state.ts';

/**
 * One evaluation of the step-scaling state machine (functions/scaling/step-scaling.asl.json): read the policy, the
 * service's desired count, the metric and the cooldowns; decide; record the activity (and the cooldowns it starts)
 * in one transaction; then set the desired count. The state machine calls it again with `failure` set when an
 * evaluation failed for good, to record that failure and announce it.
 */

/** The state machine's state when it invokes this function. */
export interface ScalingStepInput {
  alarmName: string;
  cluster: string;
  service: string;
  evaluation: number;
  /** From the alarm event's reasonData; used by the first evaluation only. */
  recentDatapoints?: number[];
  stamp: { evaluatedAt: string; executionName: string };
  describe?: DescribedAlarm & { alarms: AlarmDefinition[] };
  /** Set by the state machine's Catch: { Error, Cause }. */
  failure?: { Error?: string; Cause?: string };
}

/** The next loop state: evaluate again after `waitSeconds`, unless `done`. */
export interface ScalingStepResult {
  alarmName: string;
  cluster: string;
  service: string;
  evaluation: number;
  waitSeconds: number;
  done: boolean;
  outcome: ScalingOutcome;
}

export interface ScalingStepDependencies {
  configs: ConfigStore;
  scaling: ScalingStore;
  capacity: EcsServiceCapacity;
  metrics: AlarmMetrics;
  logger: Logger;
  now?: () => Date;
}

export function scalingStepHandler(deps: ScalingStepDependencies) {
  const now = deps.now ?? (() => new Date());

  async function step(input: ScalingStepInput): Promise<ScalingStepResult | ScalingActivity> {
    const evaluation: ScalingEvaluation = {
      cluster: input.cluster,
      service: input.service,
      alarmName: input.alarmName,
      executionName: input.stamp.executionName,
      evaluation: input.evaluation,
      // Step Functions' entered time, in the table's one timestamp format (a retry normalises it the same way).
      evaluatedAt: new Date(input.stamp.evaluatedAt).toISOString(),
    };
    if (input.failure) return recordFailure(evaluation, input.failure);

    const scaling = (await deps.configs.getServiceConfig(input.cluster, input.service))?.config.scaling;
    const next = (outcome: ScalingOutcome, stop = false): ScalingStepResult => ({
      alarmName: input.alarmName,
      cluster: input.cluster,
      service: input.service,
      evaluation: input.evaluation + 1,
      waitSeconds: scaling?.evaluationIntervalSeconds ?? 60,
      done: stop || scaling === undefined || input.evaluation >= scaling.maxEvaluations,
      outcome,
    });

    // An alarm that can never size a step is answered once: evaluating it again could not change that.
    const sizing = stepThreshold(input.alarmName, input.describe);
    const unusable = 'reason' in sizing;
    // A retried evaluation (the function or its answer failed after recording) repeats what it decided.
    const recorded = await deps.scaling.getActivity(evaluation);
    if (recorded) {
      if (recorded.outcome === 'scaled' && recorded.toCapacity !== undefined) await deps.capacity.setDesiredCount(input.cluster, input.service, recorded.toCapacity);
      return next(recorded.outcome, unusable);
    }

    const policy = scaling?.policies.find((candidate) => candidate.alarmName === input.alarmName);
    if (!scaling || !policy) {
      const activity = noActionActivity(evaluation, `the configuration of ${input.cluster}/${input.service} has no scaling policy for alarm ${input.alarmName} (any more)`);
      await deps.scaling.recordActivity(activity, scalingNotifications(activity, { limitReached: false }));
      return next('no-action', true);
    }
    const activity = await decide(evaluation, input, scaling, policy, sizing);
    deps.logger.info('Scaling evaluation', { ...activity });
    if (activity.outcome === 'scaled' && activity.toCapacity !== undefined) await deps.capacity.setDesiredCount(input.cluster, input.service, activity.toCapacity);
    return next(activity.outcome, unusable);
  }

  async function decide(
    evaluation: ScalingEvaluation,
    input: ScalingStepInput,
    scaling: ScalingConfig,
    policy: ScalingConfig['policies'][number],
    sizing: ReturnType<typeof stepThreshold>,
  ): Promise<ScalingActivity> {
    const limitReached = input.evaluation >= scaling.maxEvaluations;
    const alarm = input.describe?.alarms[0] ?? {};
    const record = async (activity: ScalingActivity, cooldowns?: Parameters<ScalingStore['recordActivity']>[2]) => {
      const written = await deps.scaling.recordActivity(activity, scalingNotifications(activity, { limitReached }), cooldowns);
      // Recorded concurrently by a retry of this same evaluation: that record is the decision.
      return written === 'written' ? activity : ((await deps.scaling.getActivity(evaluation)) ?? activity);
    };
    if ('reason' in sizing) return record(noActionActivity(evaluation, sizing.reason));
    const { threshold } = sizing;

    const currentCapacity = await deps.capacity.desiredCount(input.cluster, input.service);
    const datapoints = input.evaluation === 1 && input.recentDatapoints ? input.recentDatapoints : await deps.metrics.recentDatapoints(alarm, now());
    const metric = aggregate(datapoints, policy.metricAggregationType);
    if (metric === undefined) {
      return record(noActionActivity(evaluation, `no datapoints of the alarm's metric in its last evaluation window`, { fromCapacity: currentCapacity, threshold }));
    }

    const stored = await deps.scaling.getCooldowns(input.cluster, input.service);
    const decision = decideScaling({
      policy: toStepScalingPolicy(policy),
      limits: scaling,
      threshold,
      comparisonOperator: alarm.ComparisonOperator ?? 'GreaterThanOrEqualToThreshold',
      metric,
      currentCapacity,
      cooldowns: stored.cooldowns,
      now: new Date(evaluation.evaluatedAt),
    });
    const activity = scalingActivity(evaluation, decision, { metric, threshold, adjustmentType: policy.adjustmentType });
    return record(activity, decision.action === 'scale' ? { next: decision.cooldowns, expectedRevision: stored.revision } : undefined);
  }

  async function recordFailure(evaluation: ScalingEvaluation, failure: NonNullable<ScalingStepInput['failure']>): Promise<ScalingActivity> {
    const recorded = await deps.scaling.getActivity(evaluation);
    const activity = failedActivity(evaluation, `${failure.Error ?? 'Error'}: ${causeMessage(failure.Cause)}`, recorded ?? {});
    await deps.scaling.recordFailure(activity, scalingNotifications(activity, { limitReached: false }));
    deps.logger.error('Scaling evaluation failed', { ...activity });
    return activity;
  }

  return middy<ScalingStepInput, ScalingStepResult | ScalingActivity, Error, Context>(step).use(injectLambdaContext(deps.logger));
}

/** Lambda errors reach the Catch as a JSON Cause with `errorMessage`; other task errors as plain text. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no details';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

const tables = readTableNames(process.env);
export const handler = scalingStepHandler({
  configs: new ConfigStore(sharedDocumentClient(), tables.state),
  scaling: new ScalingStore(sharedDocumentClient(), tables),
  capacity: new EcsServiceCapacity(sharedEcsClient()),
  metrics: new AlarmMetrics(new CloudWatchClient({})),
  logger: new Logger({ serviceName: 'harbormaster' }),
});
