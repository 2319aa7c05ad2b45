import type { ApiError } from './api.ts';
import { snapshotFingerprint } from './shaping.ts';

/**
 * The live views behind `/api/stream`: one poll loop per view, shared by everyone following it, so ten open tabs on
 * the overview cost what one does. A loop starts with its first follower and stops with its last. A follower gets the
 * newest snapshot at once, then each one that differs (observedAt aside), and a failure when a look fails; the loop
 * goes on and the next good look is sent again. An unchanged snapshot is sent again now and then, so the page's
 * "observed …" says the server is still looking.
 */

/** How long an unchanged view goes without a snapshot, unless told otherwise. */
const RESEND_UNCHANGED_MS = 10_000;

export type StreamEvent = { event: 'snapshot'; data: unknown } | { event: 'failure'; data: ApiError };
export type Follower = (event: StreamEvent) => void;

interface Loop {
  followers: Set<Follower>;
  last?: { event: StreamEvent; fingerprint: string; sentAt: number };
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

export class ViewStreams {
  private readonly read: (view: string) => Promise<unknown>;
  private readonly intervalMs: (view: string) => number;
  private readonly describeFailure: (error: unknown) => ApiError;
  private readonly resendUnchangedMs: number;
  private readonly loops = new Map<string, Loop>();

  /** `intervalMs`: how long a view's loop waits between looks. */
  constructor(options: { read: (view: string) => Promise<unknown>; intervalMs: (view: string) => number; describeFailure: (error: unknown) => ApiError; resendUnchangedMs?: number }) {
    this.read = options.read;
    this.resendUnchangedMs = options.resendUnchangedMs ?? RESEND_UNCHANGED_MS;
    this.intervalMs = options.intervalMs;
    this.describeFailure = options.describeFailure;
  }

  /** Follows a view; the returned function stops following. */
  follow(view: string, follower: Follower): () => void {
    let loop = this.loops.get(view);
    if (!loop) {
      loop = { followers: new Set(), stopped: false };
      this.loops.set(view, loop);
      void this.look(view, loop);
    } else if (loop.last) {
      follower(loop.last.event);
    }
    loop.followers.add(follower);
    const joined = loop;
    return () => {
      joined.followers.delete(follower);
      if (joined.followers.size === 0) this.stop(view, joined);
    };
  }

  /** How many poll loops run (one per followed view). */
  get running(): number {
    return this.loops.size;
  }

  close(): void {
    for (const [view, loop] of this.loops) this.stop(view, loop);
  }

  private stop(view: string, loop: Loop): void {
    loop.stopped = true;
    clearTimeout(loop.timer);
    if (this.loops.get(view) === loop) this.loops.delete(view);
  }

  private async look(view: string, loop: Loop): Promise<void> {
    let event: StreamEvent;
    try {
      event = { event: 'snapshot', data: await this.read(view) };
    } catch (error) {
      event = { event: 'failure', data: this.describeFailure(error) };
    }
    if (loop.stopped) return;
    const fingerprint = `${event.event}\n${snapshotFingerprint(event.data)}`;
    const sentAt = Date.now();
    if (fingerprint !== loop.last?.fingerprint || sentAt - loop.last.sentAt >= this.resendUnchangedMs) {
      loop.last = { event, fingerprint, sentAt };
      for (const follower of loop.followers) follower(event);
    }
    loop.timer = setTimeout(() => void this.look(view, loop), this.intervalMs(view));
  }
}
