import { compareTimelineEvents, type TimelineEvent } from '../functions/kernel/timeline.ts';

/**
 * A service's events from several recorders (ingestion's tasks and ECS events, deploys), merged oldest first: read
 * once, then polled, each poll giving only what was not given before (events keep their id across reads).
 */

export interface EventSource {
  /** Everything that can have happened at or after `since`. */
  read(since: string): Promise<TimelineEvent[]>;
  /** What may be new since the last read or poll; `since` bounds the window read. */
  poll(since: string): Promise<TimelineEvent[]>;
}

export class EventFeed {
  private readonly sources: EventSource[];
  private readonly given = new Set<string>();

  constructor(sources: EventSource[]) {
    this.sources = sources;
  }

  /** The newest `limit` events at or after `since`, oldest first. What the window leaves out is not given later either. */
  async first(since: Date, limit: number): Promise<TimelineEvent[]> {
    const events = this.fresh((await Promise.all(this.sources.map((source) => source.read(since.toISOString())))).flat());
    return events.filter((event) => Date.parse(event.at) >= since.getTime()).slice(-limit);
  }

  /** Events recorded since the last call, oldest first. */
  async next(since: Date): Promise<TimelineEvent[]> {
    return this.fresh((await Promise.all(this.sources.map((source) => source.poll(since.toISOString())))).flat());
  }

  private fresh(events: TimelineEvent[]): TimelineEvent[] {
    const unseen = new Map<string, TimelineEvent>();
    for (const event of events) if (!this.given.has(event.id)) unseen.set(event.id, event);
    for (const id of unseen.keys()) this.given.add(id);
    return [...unseen.values()].sort(compareTimelineEvents);
  }
}
