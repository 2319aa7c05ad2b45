import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../../cli/duration.ts';

describe('parseDuration', () => {
  const valid: Array<[string, number]> = [
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['0.25s', 250],
    [' 10m ', 600_000],
    ['0s', 0],
  ];
  for (const [text, milliseconds] of valid) it(`${JSON.stringify(text)} is ${milliseconds} ms`, () => assert.equal(parseDuration(text), milliseconds));

  const invalid = ['', '10', 'm', '10 m', '10min', '-5s', '30s10m', '10m10m', '1h 30m', 'soon'];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}, saying what is accepted`, () => assert.throws(() => parseDuration(text), /write e\.g\. 30s, 10m, 1h30m or 500ms/));
  }
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [0.4, '0s'],
    [45, '45s'],
    [60, '1m'],
    [185, '3m5s'],
    [3600, '1h'],
    [7380, '2h3m'],
    [86_400, '1d'],
    [273_600, '3d4h'],
    [-3, '0s'],
  ];
  for (const [seconds, text] of cases) it(`${seconds} s is ${text}`, () => assert.equal(formatDuration(seconds), text));
});
