/**
 * How big the reliability scenarios run: `full` (npm run test:reliability, the sizes issue 8 names) or `reduced`
 * (inside npm test, the same scenarios small enough for a minute or two on two cores). RELIABILITY_SCALE picks one.
 */

export type ReliabilityScale = 'full' | 'reduced';

export interface ScenarioSizes {
  taskEvents: { tasks: number; duplicates: number; lanes: number; ingestTimeoutMs: number };
  pushBurst: { pushes: number; withinMs: number; settleTimeoutMs: number };
  stoppedByHand: { reconcileTimeoutMs: number };
  ecsThrottling: { ratio: number; strategy: 'all-at-once' | 'canary'; deployTimeoutMs: number };
  crashingGreen: { greenTasks: number };
  largeGreen: { tasks: number; deployTimeoutMs: number };
}

export const SIZES: Record<ReliabilityScale, ScenarioSizes> = {
  full: {
    // 2,000 tasks × 4 versions = 8,000 events, + 2,000 redelivered = 10,000 (20 % duplicates).
    taskEvents: { tasks: 2000, duplicates: 2000, lanes: 8, ingestTimeoutMs: 900_000 },
    pushBurst: { pushes: 20, withinMs: 2000, settleTimeoutMs: 300_000 },
    stoppedByHand: { reconcileTimeoutMs: 60_000 },
    ecsThrottling: { ratio: 0.7, strategy: 'canary', deployTimeoutMs: 600_000 },
    crashingGreen: { greenTasks: 10 },
    largeGreen: { tasks: 120, deployTimeoutMs: 300_000 },
  },
  reduced: {
    taskEvents: { tasks: 100, duplicates: 100, lanes: 4, ingestTimeoutMs: 120_000 },
    pushBurst: { pushes: 20, withinMs: 2000, settleTimeoutMs: 120_000 },
    stoppedByHand: { reconcileTimeoutMs: 60_000 },
    ecsThrottling: { ratio: 0.7, strategy: 'all-at-once', deployTimeoutMs: 300_000 },
    crashingGreen: { greenTasks: 2 },
    // Paging only shows above 100 tasks (ListTasks answers at most 100 ARNs), so no smaller size proves anything.
    largeGreen: { tasks: 120, deployTimeoutMs: 180_000 },
  },
};

export function reliabilityScale(value = process.env['RELIABILITY_SCALE']): ReliabilityScale {
  if (value === undefined || value === '' || value === 'reduced') return 'reduced';
  if (value === 'full') return 'full';
  throw new Error(`RELIABILITY_SCALE must be "full" or "reduced" (or unset for reduced), not ${JSON.stringify(value.slice(0, 20))}`);
}
