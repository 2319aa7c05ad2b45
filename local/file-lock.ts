import { mkdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname } from 'node:path';

/** The holder touches the lock this often; a lock untouched for STALE_MS is left over from a crashed process. */
const HEARTBEAT_MS = 5_000;
const STALE_MS = 60_000;

/**
 * Runs `work` while holding the lock directory `path`, across processes (test files run in parallel processes).
 * mkdir is atomic; the heartbeat keeps a long holder (a pip install, a packaging run) from looking stale.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - lockTouchedAt(path) > STALE_MS) rmSync(path, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      // removed as stale by another process: nothing left to keep fresh
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    rmSync(path, { recursive: true, force: true });
  }
}

/** When the lock was last touched; now when it vanished between mkdir and stat (its holder just released it). */
function lockTouchedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}
