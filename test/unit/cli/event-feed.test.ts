import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventFeed, type EventSource } from '../../../cli/event-feed.ts';
import type { TimelineEvent } from '../../../functions/kernel/timeline.ts';

const event = (id: string, at: string): TimelineEvent => ({ id, at: `2026-11-20T10:00:${at}.000Z`, source: 'task', type: 'TASK_RUNNING', severity: 'info', message: '', details: {} });

/** A recorder whose reads answer what the test says it holds now. */
function source(held: () => TimelineEvent[]): EventSource & { sinces: string[] } {
  const sinces: string[] = [];
  const read = async (since: string) => (sinces.push(since), held());
  return { sinces, read, poll: read };
}

describe('EventFeed', () => {
  it('merges its sources oldest first and keeps the newest `limit` events at or after `since`', async () => {
    const tasks = source(() => [event('a', '05'), event('c', '20')]);
    const deploys = source(() => [event('b', '10'), event('early', '01')]);
    const feed = new EventFeed([tasks, deploys]);
    const first = await feed.first(new Date('2026-11-20T10:00:02Z'), 2);
    assert.deepEqual(first.map((found) => found.id), ['b', 'c']);
    assert.deepEqual(tasks.sinces, ['2026-11-20T10:00:02.000Z']);
  });

  it('gives each event once: a poll returns only what no earlier read returned, even what the first read left out', async () => {
    let held = [event('a', '05'), event('early', '01')];
    const feed = new EventFeed([source(() => held)]);
    assert.deepEqual((await feed.first(new Date('2026-11-20T10:00:02Z'), 10)).map((found) => found.id), ['a']);
    assert.deepEqual(await feed.next(new Date('2026-11-20T10:00:00Z')), [], 'nothing new');
    held = [...held, event('d', '30'), event('b', '07'), event('d', '30')];
    assert.deepEqual((await feed.next(new Date('2026-11-20T10:00:00Z'))).map((found) => found.id), ['b', 'd'], 'late arrivals too, oldest first, once');
  });

  it('orders events of one instant by id, so every reader lists them alike', async () => {
    const feed = new EventFeed([source(() => [event('y', '05'), event('x', '05')])]);
    assert.deepEqual((await feed.first(new Date(0), 10)).map((found) => found.id), ['x', 'y']);
  });
});
