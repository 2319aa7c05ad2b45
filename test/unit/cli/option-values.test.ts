import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { parseCount, parseTimePoint, resolveTimePoint } from '../../../cli/option-values.ts';
import { formatTime } from '../../../cli/render/events.ts';
import { revisionRanges } from '../../../cli/render/cleanup.ts';

describe('option values', () => {
  it('reads a time as a duration ago or an ISO time', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    assert.equal(resolveTimePoint(parseTimePoint('2h'), now).toISOString(), '2026-11-20T10:00:00.000Z');
    assert.equal(resolveTimePoint(parseTimePoint('2026-11-19T08:30:00Z'), now).toISOString(), '2026-11-19T08:30:00.000Z');
    assert.throws(() => parseTimePoint('yesterday'), /a duration ago \(e\.g\. 30m, 1h, 2d\) or an ISO-8601 time/);
    assert.throws(() => parseTimePoint('2026-13-45'), InvalidArgumentError);
  });

  it('reads counts of at least 1', () => {
    assert.equal(parseCount('20'), 20);
    for (const text of ['0', '-3', '2.5', 'many']) assert.throws(() => parseCount(text), /Give a whole number of at least 1/);
  });
});

describe('rendering', () => {
  it('shows times in UTC to the second', () => {
    assert.equal(formatTime('2026-11-20T10:00:03.456Z'), '2026-11-20T10:00:03Z');
    assert.equal(formatTime('2026-11-20T11:00:03.456+01:00'), '2026-11-20T10:00:03Z');
  });

  it('lists revisions as runs', () => {
    assert.equal(revisionRanges([1, 2, 3, 5, 7, 8]), '1-3, 5, 7-8');
    assert.equal(revisionRanges([4]), '4');
    assert.equal(revisionRanges([]), undefined);
  });
});
