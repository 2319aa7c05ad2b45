/**
 * The local AWS's clock: real time plus an offset that tests (and npm start's scenes) move forward, so schedules
 * fire, starting deadlines pass and timeouts expire without waiting. The offset is published to the control plane's
 * handlers, which run in this process, as HARBORMASTER_CLOCK_OFFSET_MS (functions/kernel/clock.ts reads it), so the
 * time they compare with a schedule's scheduled time is this clock's.
 */
export const CLOCK_OFFSET_VARIABLE = 'HARBORMASTER_CLOCK_OFFSET_MS';

type Listener = () => Promise<unknown>;

export class LocalClock {
  #offsetMs = 0;
  readonly #listeners = new Set<Listener>();

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Moves the clock forward by `ms`; resolves once what fell due (schedule fires) has been started. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`the local clock only moves forward (asked to advance ${ms} ms)`);
    this.#setOffset(this.#offsetMs + ms);
    await this.#notify();
  }

  /** Sets the clock to `time` (never backwards: fires already started stay started); resolves like advance(). */
  async set(time: Date): Promise<void> {
    const offset = time.getTime() - Date.now();
    if (offset < this.#offsetMs) throw new Error(`the local clock only moves forward (${time.toISOString()} is before ${this.now().toISOString()})`);
    this.#setOffset(offset);
    await this.#notify();
  }

  /** Called after every move (the local scheduler fires what is due). */
  onMove(listener: Listener): void {
    this.#listeners.add(listener);
  }

  /** Back to real time (the runtime's reset). */
  reset(): void {
    this.#setOffset(0);
  }

  #setOffset(offset: number): void {
    this.#offsetMs = offset;
    if (offset === 0) delete process.env[CLOCK_OFFSET_VARIABLE];
    else process.env[CLOCK_OFFSET_VARIABLE] = String(offset);
  }

  async #notify(): Promise<void> {
    await Promise.all([...this.#listeners].map((listener) => listener()));
  }
}
