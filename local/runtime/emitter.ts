import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { InFlightTracker } from './tracker.ts';

/** One event as an AWS service would put it on the default bus. */
export interface AwsEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources?: string[];
  time?: Date;
}

export interface EmittedEvent extends AwsEvent {
  eventId?: string;
  error?: string;
}

export interface EmitterOptions {
  upstream: string;
  eventBusName?: string;
  region?: string;
  tracker: InFlightTracker;
}

/** PutEvents accepts at most 10 entries per call. */
const MAX_BATCH = 10;

/**
 * Puts events on moto's bus in the order they were emitted (one batch at a time), so per-task versions
 * arrive in order. Talks to moto directly: these calls must not be observed by the proxy again.
 */
export class AwsEventEmitter {
  readonly emitted: EmittedEvent[] = [];
  readonly #client: EventBridgeClient;
  readonly #busName: string | undefined;
  readonly #tracker: InFlightTracker;
  #queue: { event: AwsEvent; done: () => void }[] = [];
  #draining: Promise<void> | undefined;

  constructor(options: EmitterOptions) {
    this.#client = new EventBridgeClient({
      endpoint: options.upstream,
      region: options.region ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    this.#busName = options.eventBusName;
    this.#tracker = options.tracker;
  }

  /** Queues events; the promise resolves once they were put (failures are logged and recorded, not thrown). */
  emit(events: AwsEvent | AwsEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    const sent = Promise.all(list.map((event) => new Promise<void>((done) => this.#queue.push({ event, done }))));
    this.#scheduleDrain();
    return sent.then(() => undefined);
  }

  /** A single drain loop at a time keeps batches in order; re-arms if events arrived while it was finishing. */
  #scheduleDrain(): void {
    if (this.#draining) return;
    this.#draining = this.#tracker.track(this.#drain()).finally(() => {
      this.#draining = undefined;
      if (this.#queue.length > 0) this.#scheduleDrain();
    });
  }

  /** Forgets the log (tests reset between cases). */
  clear(): void {
    this.emitted.length = 0;
  }

  destroy(): void {
    this.#client.destroy();
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      await this.#put(batch.map((item) => item.event));
      for (const item of batch) item.done();
    }
  }

  async #put(events: AwsEvent[]): Promise<void> {
    const entries = events.map((event) => toEntry(event, this.#busName));
    try {
      const result = await this.#client.send(new PutEventsCommand({ Entries: entries }));
      events.forEach((event, index) => {
        const entry = result.Entries?.[index];
        this.#record(event, entry?.EventId, entry?.ErrorMessage ?? entry?.ErrorCode);
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`[local-runtime] PutEvents failed for ${events.length} event(s): ${message}`);
      for (const event of events) this.#record(event, undefined, message);
    }
  }

  #record(event: AwsEvent, eventId: string | undefined, error: string | undefined): void {
    this.emitted.push({ ...event, ...(eventId ? { eventId } : {}), ...(error ? { error } : {}) });
  }
}

export function toEntry(event: AwsEvent, eventBusName: string | undefined): PutEventsRequestEntry {
  return {
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    Resources: event.resources ?? [],
    Time: event.time ?? new Date(),
    ...(eventBusName ? { EventBusName: eventBusName } : {}),
  };
}
