import { after, describe, it } from 'node:test';
import { useDeployedStack } from '../integration/support.ts';
import { Figures, figuresTable, type ScenarioReport } from './figures.ts';
import { SIZES, reliabilityScale } from './scale.ts';
import type { Scenario } from './scenario.ts';
import { crashingGreen } from './scenarios/crashing-green.ts';
import { ecsThrottling } from './scenarios/ecs-throttling.ts';
import { largeGreen } from './scenarios/large-green.ts';
import { pushBurst } from './scenarios/push-burst.ts';
import { stoppedByHand } from './scenarios/stopped-by-hand.ts';
import { taskEvents } from './scenarios/task-events.ts';

/**
 * The reliability suite (issue 8, item 10) on the local AWS: `npm run test:reliability` runs it full size,
 * `npm test` reduced (RELIABILITY_SCALE). Every scenario runs; the figures table is printed at the end.
 */

const SCENARIOS: Scenario[] = [taskEvents, pushBurst, stoppedByHand, ecsThrottling, crashingGreen, largeGreen];

const scale = reliabilityScale();
const sizes = SIZES[scale];
const stack = useDeployedStack();
const reports: ScenarioReport[] = [];

describe(`reliability (${scale})`, () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id}) ${scenario.title}`, async () => {
      const figures = new Figures();
      const started = Date.now();
      let outcome = 'passed';
      try {
        await scenario.run({ stack, sizes, figures });
      } catch (error) {
        outcome = `FAILED: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
        throw error;
      } finally {
        reports.push({ id: scenario.id, title: scenario.title, outcome, durationMs: Date.now() - started, figures: figures.entries() });
      }
    });
  }
});

after(() => {
  console.log(figuresTable(scale, reports));
});
