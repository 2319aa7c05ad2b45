import type { AnalysisConfig } from '../../analysis/config.ts';
import { bakeSeconds, planTrafficShift, describePlan as describeTrafficSteps, type ShiftStrategy, type TrafficStep } from './traffic-shift.ts';

/**
 * A blue/green deploy as a declarative list of steps (argo-rollouts style) that the state machine maps over one at a
 * time: after each step's action, green is checked until the step's wait is over (or it fails and rolls back).
 *   stabilize    green's tasks all RUNNING (bounded by the stability timeout)
 *   pre-traffic  test listener → green, then the pre-traffic hook (only when configured)
 *   approval     pause for an operator (only when configured), bounded by its timeout
 *   shift…       production weights per strategy, each followed by its bake
 *   promote      green becomes the primary task set, then the final bake
 *   analysis     an explicit analysis step after a named step (docs/decisions/0019): `count` measurements decide
 * With `duringBakes`, every bake also measures in the background (`analysis: 'background'`).
 * A step that is not done yet waits for the events that end it (docs/decisions/0013-deploy-waits.md); the machine
 * also checks on its own every `checkEverySeconds`, in case an event was lost.
 */

export interface DeployStep {
  kind: 'stabilize' | 'pre-traffic' | 'approval' | 'analysis' | TrafficStep['kind'];
  name: string;
  greenWeight: number;
  blueWeight: number;
  /** Bake (shift/promote) or timeout (stabilize, approval) in whole seconds. */
  seconds: number;
  /**
   * The longest wait between two checks of this step: the stability check interval while green comes up, the bake
   * check interval during a bake; the approval gate waits for its timeout (an operator's control call resumes it).
   */
  checkEverySeconds: number;
  /** What the end of the approval gate's timeout does. */
  onTimeout?: 'rollback' | 'proceed';
  /** The step measures: it is an explicit analysis step, or a bake measured in the background. */
  analysis?: 'step' | 'background';
}

export interface PlanInput {
  strategy: ShiftStrategy;
  finalBakeMinutes: number;
  greenStableTimeoutMinutes: number;
  preTraffic: boolean;
  manualApproval: boolean;
  checkIntervalSeconds: number;
  bakeCheckMinutes: number;
  approvalTimeoutMinutes: number;
  approvalTimeoutAction: 'rollback' | 'proceed';
  analysis?: Pick<AnalysisConfig, 'afterSteps' | 'duringBakes' | 'intervalMinutes' | 'initialDelayMinutes' | 'count'>;
}

/** The plan a service's deploy configuration (functions/deploy/config.ts) calls for. */
export function planDeployFor(
  config: Omit<PlanInput, 'preTraffic'> & {
    loadBalancer: { test?: unknown };
    preTrafficHook?: unknown;
  },
): DeployStep[] {
  return planDeploy({
    strategy: config.strategy,
    finalBakeMinutes: config.finalBakeMinutes,
    greenStableTimeoutMinutes: config.greenStableTimeoutMinutes,
    preTraffic: config.loadBalancer.test !== undefined || config.preTrafficHook !== undefined,
    manualApproval: config.manualApproval,
    checkIntervalSeconds: config.checkIntervalSeconds,
    bakeCheckMinutes: config.bakeCheckMinutes,
    approvalTimeoutMinutes: config.approvalTimeoutMinutes,
    approvalTimeoutAction: config.approvalTimeoutAction,
    ...(config.analysis ? { analysis: config.analysis } : {}),
  });
}

export function planDeploy(input: PlanInput): DeployStep[] {
  const steps: DeployStep[] = [
    {
      kind: 'stabilize',
      name: 'green-stable',
      greenWeight: 0,
      blueWeight: 100,
      seconds: bakeSeconds(input.greenStableTimeoutMinutes),
      checkEverySeconds: input.checkIntervalSeconds,
    },
  ];
  // A step with nothing to wait for proceeds at its first check; should that check's answer be lost, the next comes
  // one stability check interval later.
  if (input.preTraffic) steps.push({ kind: 'pre-traffic', name: 'pre-traffic', greenWeight: 0, blueWeight: 100, seconds: 0, checkEverySeconds: input.checkIntervalSeconds });
  if (input.manualApproval) {
    const timeout = bakeSeconds(input.approvalTimeoutMinutes);
    steps.push({ kind: 'approval', name: 'approval', greenWeight: 0, blueWeight: 100, seconds: timeout, checkEverySeconds: timeout, onTimeout: input.approvalTimeoutAction });
  }
  const bakeCheck = Math.max(1, bakeSeconds(input.bakeCheckMinutes));
  for (const step of planTrafficShift(input.strategy, input.finalBakeMinutes)) {
    steps.push({
      kind: step.kind,
      name: step.name,
      greenWeight: step.greenWeight,
      blueWeight: step.blueWeight,
      seconds: step.bakeSeconds,
      checkEverySeconds: step.bakeSeconds > 0 ? bakeCheck : input.checkIntervalSeconds,
      ...(input.analysis?.duringBakes && step.bakeSeconds > 0 ? { analysis: 'background' as const } : {}),
    });
  }
  return input.analysis ? withAnalysisSteps(steps, input.analysis) : steps;
}

/**
 * An analysis step after each step `afterSteps` names, at that step's weights. Its `seconds` is how long its
 * measurements take as planned (the first after `initialDelay`, then one every `interval`); the measurements, not the
 * clock, end it.
 */
function withAnalysisSteps(steps: DeployStep[], analysis: NonNullable<PlanInput['analysis']>): DeployStep[] {
  const interval = Math.max(1, bakeSeconds(analysis.intervalMinutes));
  return steps.flatMap((step) => {
    if (!analysis.afterSteps.includes(step.name)) return [step];
    const measuring = bakeSeconds(analysis.initialDelayMinutes) + interval * (analysis.count - 1);
    return [step, { kind: 'analysis', name: `analysis-${step.name}`, greenWeight: step.greenWeight, blueWeight: step.blueWeight, seconds: measuring, checkEverySeconds: interval, analysis: 'step' }];
  });
}

/** Measurements a deploy takes at most as planned: every explicit analysis step's count, every background bake's. */
export function plannedMeasurements(steps: DeployStep[], analysis: Pick<AnalysisConfig, 'intervalMinutes' | 'initialDelayMinutes' | 'count'>): number {
  const interval = Math.max(1, bakeSeconds(analysis.intervalMinutes));
  const delay = bakeSeconds(analysis.initialDelayMinutes);
  return steps.reduce((total, step) => {
    if (step.analysis === 'step') return total + analysis.count;
    if (step.analysis === 'background') return total + (step.seconds > delay ? Math.ceil((step.seconds - delay) / interval) : 0);
    return total;
  }, 0);
}

/** The dry-run text: one line per step. */
export function describeDeployPlan(steps: DeployStep[]): string[] {
  return steps.map((step, index) => {
    const number = `${index + 1}.`;
    switch (step.kind) {
      case 'stabilize':
        return `${number} create the green task set and wait until all its tasks run (at most ${step.seconds} s)`;
      case 'pre-traffic':
        return `${number} route the test listener to green and run the pre-traffic checks`;
      case 'approval':
        return `${number} wait for an operator to approve (at most ${step.seconds} s, then ${step.onTimeout === 'proceed' ? 'proceed' : 'roll back'})`;
      case 'analysis':
        return `${number} analyse green at ${step.greenWeight}% (measurements over ${step.seconds} s; failed: roll back, inconclusive: wait for approval)`;
      default:
        return `${number} ${describeTrafficSteps([{ ...step, kind: step.kind, bakeSeconds: step.seconds }])[0]}${step.analysis === 'background' ? ', analysed in the background' : ''}`;
    }
  });
}
