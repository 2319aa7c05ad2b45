import { InvalidArgumentError } from 'commander';
import { durationOption, parseDuration } from './duration.ts';

/**
 * Option values that are more than a string, for commander's argParser: a bad value is a usage error (exit code 2)
 * that says what to give instead.
 */

/** A point in time as given: a duration ago (resolved against the run's clock) or an absolute time. */
export type TimePoint = { ago: number } | { at: Date };

/** `1h` (an hour ago) or an ISO-8601 time such as `2026-11-20T10:00:00Z`. */
export function parseTimePoint(text: string): TimePoint {
  if (/^\d+(\.\d+)?[a-z]/.test(text.trim())) {
    try {
      return { ago: parseDuration(text) };
    } catch {
      // Neither a duration nor a time: the message below names both.
    }
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('Give a duration ago (e.g. 30m, 1h, 2d) or an ISO-8601 time (e.g. 2026-11-20T10:00:00Z).');
  return { at };
}

export function resolveTimePoint(point: TimePoint, now: Date): Date {
  return 'at' in point ? point.at : new Date(now.getTime() - point.ago);
}

/** A whole number of at least 1 (`--limit 20`). */
export function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('Give a whole number of at least 1.');
  return value;
}

/** Each look of a watch costs a dozen ECS, ELB and DynamoDB reads, which share the account's rate limits. */
const MIN_INTERVAL_MS = 100;

/** How often a watch looks again (`--interval 2s`), in milliseconds: at least 100ms. */
export function parseInterval(text: string): number {
  const interval = durationOption(text);
  if (interval < MIN_INTERVAL_MS) throw new InvalidArgumentError(`must be at least ${MIN_INTERVAL_MS}ms`);
  return interval;
}
