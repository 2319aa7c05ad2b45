/**
 * Counts background work (async invocations, event emission, task lifecycles, reconciliation) so tests
 * can wait for "nothing in flight" instead of sleeping.
 */
export class InFlightTracker {
  #count = 0;
  #lastChange = Date.now();
  #waiters = new Set<() => void>();

  get inFlight(): number {
    return this.#count;
  }

  /** Tracks a promise until it settles; rejections are the caller's business (the returned promise keeps them). */
  track<T>(work: Promise<T>): Promise<T> {
    this.#begin();
    return work.finally(() => this.#end());
  }

  /** Tracks a timer so a scheduled state change (e.g. an injected crash) counts as pending work. */
  delay(ms: number, action: () => Promise<void> | void): void {
    this.#begin();
    setTimeout(() => {
      Promise.resolve()
        .then(action)
        .catch((error: unknown) => console.error('[local-runtime] scheduled action failed:', error))
        .finally(() => this.#end());
    }, ms);
  }

  /**
   * Resolves once nothing is in flight and nothing new started for `settleMs` (work often chains:
   * a Lambda result triggers PutEvents, which triggers another invocation).
   */
  async idle(timeoutMs = 10_000, settleMs = 25): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#count === 0) {
        const quietFor = Date.now() - this.#lastChange;
        if (quietFor >= settleMs) return;
        await sleep(Math.min(settleMs - quietFor, Math.max(0, deadline - Date.now())));
      } else {
        await this.#nextChange(deadline - Date.now());
      }
      if (Date.now() >= deadline && this.#count > 0) {
        throw new Error(`local runtime not idle after ${timeoutMs} ms (${this.#count} operations in flight)`);
      }
      if (Date.now() >= deadline) return;
    }
  }

  #begin(): void {
    this.#count += 1;
    this.#touch();
  }

  #end(): void {
    this.#count -= 1;
    this.#touch();
  }

  #touch(): void {
    this.#lastChange = Date.now();
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  #nextChange(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, maxWaitMs));
      const waiters = this.#waiters;
      function done(): void {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
