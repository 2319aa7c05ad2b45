import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../../cli/duration.ts';

describe('parseDuration (--timeout)', () => {
  const cases: Array<[string, number]> = [
    ['45', 45],
    ['1.5', 1.5],
    ['90s', 90],
    ['10m', 600],
    ['1h30m', 5400],
    ['0.5m', 30],
    ['2d', 172_800],
  ];
  for (const [text, seconds] of cases) it(`reads ${text} as ${seconds} s`, () => assert.equal(parseDuration(text), seconds));

  for (const text of ['', 'ten minutes', '10 m', '5x', '1h 30m', 'm10']) {
    it(`refuses ${JSON.stringify(text)} with an example`, () => assert.throws(() => parseDuration(text), (error: unknown) => error instanceof InvalidArgumentError && /such as 90s, 10m, 1h30m/.test(error.message)));
  }
});
