import { planTrafficShift, describePlan as describeTrafficSteps, type ShiftStrategy, type TrafficStep } from './traffic-shift.ts';

/**
 * A blue/green deploy as a declarative list of steps (argo-rollouts style) that the state machine maps over one at a
 * time: after each step's action, green is checked until the step's wait is over (or it fails and rolls back).
 *   stabilize    green's tasks all RUNNING (bounded by the stability timeout)
 *   pre-traffic  test listener → green, then the pre-traffic hook (only when configured)
 *   approval     pause for an operator (only when configured)
 *   shift…       production weights per strategy, each followed by its bake
 *   promote      green becomes the primary task set, then the final bake
 */

export interface DeployStep {
  kind: 'stabilize' | 'pre-traffic' | 'approval' | TrafficStep['kind'];
  name: string;
  greenWeight: number;
  blueWeight: number;
  /** Bake (shift/promote) or timeout (stabilize) in whole seconds. */
  seconds: number;
}

export interface PlanInput {
  strategy: ShiftStrategy;
  finalBakeMinutes: number;
  greenStableTimeoutMinutes: number;
  preTraffic: boolean;
  manualApproval: boolean;
}

/** The plan a service's deploy configuration (functions/deploy/config.ts) calls for. */
export function planDeployFor(config: {
  strategy: ShiftStrategy;
  finalBakeMinutes: number;
  greenStableTimeoutMinutes: number;
  loadBalancer: { test?: unknown };
  preTrafficHook?: unknown;
  manualApproval: boolean;
}): DeployStep[] {
  return planDeploy({
    strategy: config.strategy,
    finalBakeMinutes: config.finalBakeMinutes,
    greenStableTimeoutMinutes: config.greenStableTimeoutMinutes,
    preTraffic: config.loadBalancer.test !== undefined || config.preTrafficHook !== undefined,
    manualApproval: config.manualApproval,
  });
}

export function planDeploy(input: PlanInput): DeployStep[] {
  const steps: DeployStep[] = [
    { kind: 'stabilize', name: 'green-stable', greenWeight: 0, blueWeight: 100, seconds: Math.round(input.greenStableTimeoutMinutes * 60) },
  ];
  if (input.preTraffic) steps.push({ kind: 'pre-traffic', name: 'pre-traffic', greenWeight: 0, blueWeight: 100, seconds: 0 });
  if (input.manualApproval) steps.push({ kind: 'approval', name: 'approval', greenWeight: 0, blueWeight: 100, seconds: 0 });
  for (const step of planTrafficShift(input.strategy, input.finalBakeMinutes)) {
    steps.push({ kind: step.kind, name: step.name, greenWeight: step.greenWeight, blueWeight: step.blueWeight, seconds: step.bakeSeconds });
  }
  return steps;
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
        return `${number} wait for an operator to approve`;
      default:
        return `${number} ${describeTrafficSteps([{ ...step, kind: step.kind, bakeSeconds: step.seconds }])[0]}`;
    }
  });
}
