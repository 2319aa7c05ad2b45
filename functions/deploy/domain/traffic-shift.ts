/**
 * The traffic-shift plan of a blue/green deploy: a list of steps the state machine walks one by one. Each step sets
 * the production weights (or makes green the primary task set) and then bakes: it waits, checking rollback alarms
 * and green's tasks, before the next step. Pure; no SDK.
 *
 * Worked examples (weights are green/blue percentages of production traffic):
 *   all-at-once, final bake 5 min             → 100/0 (no bake), promote (bake 300 s)
 *   canary 10 % for 15 min, no final bake      → 10/90 (bake 900 s), 100/0, promote
 *   linear 30 % every 2 min, final bake 1 min  → 30/70 (120 s), 60/40 (120 s), 90/10 (120 s), 100/0, promote (60 s)
 */

/** What the plan needs to know of the configured strategy (functions/deploy/config.ts). */
export type ShiftStrategy =
  | { type: 'all-at-once' }
  | { type: 'canary'; percent: number; bakeMinutes: number }
  | { type: 'linear'; stepPercent: number; intervalMinutes: number };

export interface TrafficStep {
  /** `shift` sets the weights below; `promote` makes green the primary task set (weights stay at 100/0). */
  kind: 'shift' | 'promote';
  /** Step name in the deployment history: `traffic-10`, `traffic-100`, `promote`. */
  name: string;
  greenWeight: number;
  blueWeight: number;
  /** Whole seconds to bake after this step; Step Functions waits in whole seconds. */
  bakeSeconds: number;
}

export function bakeSeconds(minutes: number): number {
  return Math.round(minutes * 60);
}

export function planTrafficShift(strategy: ShiftStrategy, finalBakeMinutes: number): TrafficStep[] {
  const partial = partialWeights(strategy);
  const steps = partial.map((greenWeight) => shift(greenWeight, bakeSeconds(intervalMinutes(strategy))));
  steps.push(shift(100, 0));
  steps.push({ kind: 'promote', name: 'promote', greenWeight: 100, blueWeight: 0, bakeSeconds: bakeSeconds(finalBakeMinutes) });
  return steps;
}

/** Green weights below 100 that the strategy passes through, in order. */
function partialWeights(strategy: ShiftStrategy): number[] {
  switch (strategy.type) {
    case 'all-at-once':
      return [];
    case 'canary':
      return [strategy.percent];
    case 'linear': {
      const weights: number[] = [];
      for (let weight = strategy.stepPercent; weight < 100; weight += strategy.stepPercent) weights.push(weight);
      return weights;
    }
  }
}

function intervalMinutes(strategy: ShiftStrategy): number {
  switch (strategy.type) {
    case 'all-at-once':
      return 0;
    case 'canary':
      return strategy.bakeMinutes;
    case 'linear':
      return strategy.intervalMinutes;
  }
}

function shift(greenWeight: number, bake: number): TrafficStep {
  return { kind: 'shift', name: `traffic-${greenWeight}`, greenWeight, blueWeight: 100 - greenWeight, bakeSeconds: bake };
}

/** One line per step, for dry runs and notifications: `green 10% / blue 90%, bake 900 s`. */
export function describePlan(steps: TrafficStep[]): string[] {
  return steps.map((step) => {
    const action = step.kind === 'promote' ? 'make green the primary task set' : `green ${step.greenWeight}% / blue ${step.blueWeight}%`;
    return step.bakeSeconds > 0 ? `${action}, bake ${step.bakeSeconds} s` : action;
  });
}
