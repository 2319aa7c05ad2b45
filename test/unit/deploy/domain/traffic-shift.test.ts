import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePlan, planTrafficShift, type ShiftStrategy } from '../../../../functions/deploy/domain/traffic-shift.ts';

/** [name, strategy, final bake minutes, expected [kind, green, blue, bake seconds] per step] */
const cases: Array<[string, ShiftStrategy, number, Array<[string, number, number, number]>]> = [
  ['all-at-once without final bake', { type: 'all-at-once' }, 0, [['shift', 100, 0, 0], ['promote', 100, 0, 0]]],
  ['all-at-once with a 5 minute final bake', { type: 'all-at-once' }, 5, [['shift', 100, 0, 0], ['promote', 100, 0, 300]]],
  ['canary 10 % for 15 minutes', { type: 'canary', percent: 10, bakeMinutes: 15 }, 0, [['shift', 10, 90, 900], ['shift', 100, 0, 0], ['promote', 100, 0, 0]]],
  ['canary with a fractional bake (1.2 s rounds to 1 s)', { type: 'canary', percent: 50, bakeMinutes: 0.02 }, 0.05, [['shift', 50, 50, 1], ['shift', 100, 0, 0], ['promote', 100, 0, 3]]],
  ['canary 99 %', { type: 'canary', percent: 99, bakeMinutes: 1 }, 0, [['shift', 99, 1, 60], ['shift', 100, 0, 0], ['promote', 100, 0, 0]]],
  ['linear 25 % steps (divides 100)', { type: 'linear', stepPercent: 25, intervalMinutes: 2 }, 1, [['shift', 25, 75, 120], ['shift', 50, 50, 120], ['shift', 75, 25, 120], ['shift', 100, 0, 0], ['promote', 100, 0, 60]]],
  ['linear 30 % steps (does not divide 100)', { type: 'linear', stepPercent: 30, intervalMinutes: 1 }, 0, [['shift', 30, 70, 60], ['shift', 60, 40, 60], ['shift', 90, 10, 60], ['shift', 100, 0, 0], ['promote', 100, 0, 0]]],
  ['linear 50 % steps with no interval', { type: 'linear', stepPercent: 50, intervalMinutes: 0 }, 0, [['shift', 50, 50, 0], ['shift', 100, 0, 0], ['promote', 100, 0, 0]]],
];

describe('planTrafficShift', () => {
  for (const [name, strategy, finalBake, expected] of cases) {
    it(name, () => {
      const steps = planTrafficShift(strategy, finalBake);
      assert.deepEqual(steps.map((step) => [step.kind, step.greenWeight, step.blueWeight, step.bakeSeconds]), expected);
    });
  }

  it('always ends at 100 % green, then promotes; weights add up to 100 and never go down', () => {
    for (const [, strategy, finalBake] of cases) {
      const steps = planTrafficShift(strategy, finalBake);
      assert.equal(steps.at(-1)?.kind, 'promote');
      assert.equal(steps.at(-2)?.greenWeight, 100);
      for (const [index, step] of steps.entries()) {
        assert.equal(step.greenWeight + step.blueWeight, 100);
        assert.ok(index === 0 || step.greenWeight >= (steps[index - 1]?.greenWeight ?? 0));
      }
    }
  });

  it('names steps for the history and describes them for a dry run', () => {
    const steps = planTrafficShift({ type: 'canary', percent: 10, bakeMinutes: 15 }, 1);
    assert.deepEqual(steps.map((step) => step.name), ['traffic-10', 'traffic-100', 'promote']);
    assert.deepEqual(describePlan(steps), ['green 10% / blue 90%, bake 900 s', 'green 100% / blue 0%', 'make green the primary task set, bake 60 s']);
  });
});
