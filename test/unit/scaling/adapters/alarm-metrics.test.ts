import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valuesOf } from '../../../../functions/scaling/adapters/alarm-metrics.ts';

describe('valuesOf: one query of a paged GetMetricData answer', () => {
  it('joins the values of the query that GetMetricData split across pages, in page order', () => {
    const pages = [
      [{ Id: 'alarm_metric', Values: [90, 85] }, { Id: 'other', Values: [1] }],
      [{ Id: 'alarm_metric', Values: [] }],
      [{ Id: 'alarm_metric', Values: [80] }, { Id: 'other' }],
    ];
    assert.deepEqual(valuesOf(pages.flat(), 'alarm_metric'), [90, 85, 80]);
  });

  it('is empty when the query returned no datapoints', () => {
    assert.deepEqual(valuesOf([{ Id: 'alarm_metric' }], 'alarm_metric'), []);
  });
});
