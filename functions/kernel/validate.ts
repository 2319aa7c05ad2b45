import { MalformedEventError } from './errors.ts';

/**
 * Small readers for untrusted JSON. Each returns the typed value or throws a MalformedEventError naming the field,
 * so a rejected event says exactly what was wrong with it.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw new MalformedEventError(field, 'must be an object');
  return value;
}

export function readString(source: JsonObject, key: string, field: string): string {
  const value = source[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MalformedEventError(`${field}.${key}`, 'must be a non-empty string');
  }
  return value;
}

export function readOptionalString(source: JsonObject, key: string, field: string): string | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedEventError(`${field}.${key}`, 'must be a string when present');
  return value;
}

export function readInteger(source: JsonObject, key: string, field: string): number {
  const value = source[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedEventError(`${field}.${key}`, 'must be a non-negative integer');
  }
  return value;
}

export function readOptionalInteger(source: JsonObject, key: string, field: string): number | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new MalformedEventError(`${field}.${key}`, 'must be an integer when present');
  }
  return value;
}

/** Reads an ISO-8601 timestamp and returns it normalised to `toISOString()` form, so stored times sort as strings. */
export function readTimestamp(source: JsonObject, key: string, field: string): string {
  return normaliseTimestamp(readString(source, key, field), `${field}.${key}`);
}

export function readOptionalTimestamp(source: JsonObject, key: string, field: string): string | undefined {
  const value = readOptionalString(source, key, field);
  return value === undefined ? undefined : normaliseTimestamp(value, `${field}.${key}`);
}

function normaliseTimestamp(value: string, field: string): string {
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) throw new MalformedEventError(field, `must be an ISO-8601 timestamp (got "${value}")`);
  return new Date(millis).toISOString();
}

export function readArray(source: JsonObject, key: string, field: string): unknown[] {
  const value = source[key];
  if (!Array.isArray(value)) throw new MalformedEventError(`${field}.${key}`, 'must be an array');
  return value;
}

export function readOneOf<T extends string>(source: JsonObject, key: string, field: string, allowed: readonly T[]): T {
  const value = readString(source, key, field);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new MalformedEventError(`${field}.${key}`, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

/** Copies only the defined values, so optional fields are absent rather than `undefined` (DynamoDB rejects those). */
export function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
