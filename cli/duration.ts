import { InvalidArgumentError } from 'commander';

/**
 * Durations on the command line (`--timeout 10m`, `--interval 500ms`) and in what the CLI prints (`3m5s`): one or
 * more whole or decimal amounts, each with a unit, largest first, e.g. `1h30m`.
 */

const UNIT_MILLISECONDS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MILLISECONDS;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Milliseconds, or an error that says what is accepted. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('a duration is needed: write e.g. 30s, 10m, 1h30m or 500ms');
  let total = 0;
  let previous = Infinity;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed);
    const size = match ? UNIT_MILLISECONDS[match[2] as Unit] : undefined;
    if (!match || size === undefined || size >= previous) throw new Error(`${JSON.stringify(text)} is not a duration: write e.g. 30s, 10m, 1h30m or 500ms`);
    previous = size;
    total += Number(match[1]) * size;
  }
  return total;
}

export { formatDuration } from './time-text.ts';

/** A commander argument parser for duration options: milliseconds, or a usage error (exit 2). */
export function durationOption(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
