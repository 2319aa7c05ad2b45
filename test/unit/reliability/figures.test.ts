import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Figures, figuresTable } from '../../reliability/figures.ts';
import { SIZES, reliabilityScale } from '../../reliability/scale.ts';

describe('reliability suite: scale and figures', () => {
  test('RELIABILITY_SCALE: unset or reduced → reduced, full → full, anything else is refused by name', () => {
    assert.equal(reliabilityScale(undefined), 'reduced');
    assert.equal(reliabilityScale(''), 'reduced');
    assert.equal(reliabilityScale('reduced'), 'reduced');
    assert.equal(reliabilityScale('full'), 'full');
    assert.throws(() => reliabilityScale('FULL'), /RELIABILITY_SCALE must be "full" or "reduced".*"FULL"/);
  });

  test('full size is what issue 8 names: 10,000 task events (20 % duplicates), 20 pushes in 2 s, 70 % throttling, 120 green tasks', () => {
    const { taskEvents, pushBurst, ecsThrottling, largeGreen } = SIZES.full;
    assert.equal(taskEvents.tasks * 4 + taskEvents.duplicates, 10_000);
    assert.equal(taskEvents.duplicates / 10_000, 0.2);
    assert.deepEqual([pushBurst.pushes, pushBurst.withinMs], [20, 2000]);
    assert.equal(ecsThrottling.ratio, 0.7);
    assert.equal(largeGreen.tasks, 120);
  });

  test('the table lists each scenario with its outcome, duration and figures, counts grouped by thousands', () => {
    const figures = new Figures();
    figures.set('events', 10_000);
    figures.set('lock', 'free');
    const table = figuresTable('full', [
      { id: 'a', title: 'task events', outcome: 'passed', durationMs: 61_250, figures: figures.entries() },
      { id: 'b', title: 'pushes', outcome: 'FAILED: two deploys at once', durationMs: 900, figures: [] },
    ]);
    assert.equal(
      table,
      ['Reliability figures (RELIABILITY_SCALE=full)', '', 'a) task events — passed in 61.3 s', '    events  10,000', '    lock    free', '', 'b) pushes — FAILED: two deploys at once in 0.9 s'].join('\n'),
    );
  });
});
