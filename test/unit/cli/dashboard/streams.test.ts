import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ViewStreams, type StreamEvent } from '../../../../cli/dashboard/streams.ts';

describe('ViewStreams', () => {
  it('sends an unchanged view again after resendUnchangedMs, so the page sees the server still looking', async () => {
    let looks = 0;
    const streams = new ViewStreams({
      read: async () => ({ observedAt: new Date(Date.now() + looks++).toISOString(), services: ['web'] }),
      intervalMs: () => 20,
      describeFailure: () => ({ ok: false, error: 'failed' }),
      resendUnchangedMs: 300,
    });
    const events: StreamEvent[] = [];
    const stop = streams.follow('overview', (event) => events.push(event));
    try {
      await delay(150);
      assert.equal(events.length, 1, `one snapshot while nothing changed, though it looked ${looks} times`);
      const deadline = Date.now() + 10_000;
      while (events.length < 2 && Date.now() < deadline) await delay(20);
      assert.equal(events.length, 2, 'the same view again once resendUnchangedMs passed');
      assert.notEqual((events[1]?.data as { observedAt: string }).observedAt, (events[0]?.data as { observedAt: string }).observedAt, 'with its new observedAt');
    } finally {
      stop();
      streams.close();
    }
  });
});
