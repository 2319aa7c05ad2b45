import { InvalidArgumentError } from 'commander';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * A duration option (`--timeout 30m`) in seconds: a number with a unit (s, m, h, d), several in a row (`1h30m`), or
 * plain seconds. Commander reports a bad value as a usage error (exit 2).
 */
export function parseDuration(text: string): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value) {
    throw new InvalidArgumentError('must be a duration such as 90s, 10m, 1h30m or a number of seconds.');
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS], 0);
}
