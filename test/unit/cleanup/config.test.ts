import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCleanupConfig, parseCleanupRunInput } from '../../../functions/cleanup/config.ts';
import { InvalidConfigError } from '../../../functions/kernel/config-errors.ts';

describe('parseCleanupConfig', () => {
  it('fills safe defaults: keep 5, 7 days, 30 days retention, every family, dry run', () => {
    assert.deepEqual(parseCleanupConfig({}), { keepLatest: 5, minAgeDays: 7, inactiveRetentionDays: 30, includeFamilies: ['*'], excludeFamilies: [], dryRun: true });
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['keeping no revision', { keepLatest: 0 }, /keepLatest: must be at least 1/],
    ['a fractional count', { keepLatest: 2.5 }, /keepLatest: /],
    ['a negative age', { minAgeDays: -1 }, /minAgeDays: /],
    ['a pattern with a slash', { excludeFamilies: ['a/b'] }, /excludeFamilies\.0: must be a task-definition family name/],
    ['an empty include list', { includeFamilies: [] }, /includeFamilies: /],
    ['more than 50 exclude patterns', { excludeFamilies: Array.from({ length: 51 }, (_, index) => `old-${index}`) }, /excludeFamilies: /],
    ['an unknown key', { keepLast: 3 }, /\(root\): Unrecognized key: "keepLast"/],
  ];
  for (const [name, input, message] of invalid) {
    it(`rejects ${name}, naming the path`, () => {
      assert.throws(() => parseCleanupConfig(input), (error: unknown) => error instanceof InvalidConfigError && message.test(error.message));
    });
  }
});

describe('upper bounds of the cleanup settings', () => {
  const patterns = (count: number) => Array.from({ length: count }, (_, index) => `family-${index}`);
  const bounds: Array<[string, Record<string, unknown>, string]> = [
    ['keepLatest', { keepLatest: 1001 }, 'keepLatest: must be at most 1000'],
    ['minAgeDays', { minAgeDays: 3651 }, 'minAgeDays: must be at most 3650 days (10 years)'],
    ['inactiveRetentionDays', { inactiveRetentionDays: 1e9 }, 'inactiveRetentionDays: must be at most 3650 days (10 years)'],
    ['includeFamilies', { includeFamilies: patterns(51) }, 'includeFamilies: must list at most 50 patterns'],
    ['excludeFamilies', { excludeFamilies: patterns(51) }, 'excludeFamilies: must list at most 50 patterns'],
  ];
  for (const [field, input, problem] of bounds) {
    it(`refuses ${field} above its limit, naming the field and the limit`, () => {
      assert.throws(() => parseCleanupConfig(input), (error: unknown) => error instanceof InvalidConfigError && error.problems.includes(problem));
    });
  }
  it('accepts every field at its limit', () => {
    assert.doesNotThrow(() => parseCleanupConfig({ keepLatest: 1000, minAgeDays: 3650, inactiveRetentionDays: 3650, includeFamilies: patterns(50), excludeFamilies: patterns(50) }));
  });
});

describe('parseCleanupRunInput', () => {
  it('defaults to an on-demand run that follows the configured dryRun', () => assert.deepEqual(parseCleanupRunInput(undefined), { trigger: 'on-demand' }));
  it('reads the schedule input', () => assert.deepEqual(parseCleanupRunInput({ trigger: 'schedule' }), { trigger: 'schedule' }));
  it('rejects a non-boolean dryRun', () => assert.throws(() => parseCleanupRunInput({ dryRun: 'yes' }), /dryRun: Invalid input: expected boolean/));
});
