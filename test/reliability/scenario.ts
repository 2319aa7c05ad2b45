import type { StackUnderTest } from '../integration/support.ts';
import type { Figures } from './figures.ts';
import type { ScenarioSizes } from './scale.ts';

/** One reliability scenario: drives the deployed stack on the local AWS, records its figures, asserts on state. */
export interface Scenario {
  /** Issue 8, item 10: a … f. */
  id: string;
  title: string;
  run(context: ScenarioContext): Promise<void>;
}

export interface ScenarioContext {
  stack: StackUnderTest;
  sizes: ScenarioSizes;
  figures: Figures;
}

export interface Observed<T> {
  value: T;
  /** Whether `done` held before the timeout (otherwise `value` is the last observation). */
  met: boolean;
  waitedMs: number;
}

/**
 * Reads until `done` holds or the time is up, and returns the last reading either way: the scenario then asserts
 * on it, so a failure says what the state was rather than only that a wait timed out.
 */
export async function observeUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 100): Promise<Observed<T>> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return { value, met: true, waitedMs: Date.now() - started };
    if (Date.now() - started >= timeoutMs) return { value, met: false, waitedMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
