import { MalformedEventError } from './errors.ts';

/**
 * Small readers for untrusted JSON. Each returns the typed value or throws a MalformedEventError naming the field,
 * so a rejected event says exactly what was wrong with it.
 */

export type JsonObject = Record<string, unknown>;

/** The most an error message repeats of a value from an event: enough to recognise it, never all of a huge one. */
export const ECHO_MAX_CHARS = 64;

/** A value as error messages show it: quoted, and cut to ECHO_MAX_CHARS characters followed by "…". */
export function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (text.length <= ECHO_MAX_CHARS) return `"${text}"`;
  return `"${text.slice(0, ECHO_MAX_CHARS).replace(/[\uD800-\uDBFF]$/, '')}…"`;
}

/**
 * DynamoDB refuses a partition key over 2,048 bytes and a sort key over 1,024 bytes (UTF-8). State-table keys are
 * built from at most three event values in a partition key and at most one (plus a timestamp) in a sort key, so every
 * value that goes into a key is bounded here: an event that passes can always be written, one that does not is
 * malformed at once instead of failing every retry. AWS's own identifiers are far shorter (names ≤ 255 characters).
 */
export const KEY_PART_MAX_BYTES = 512;

/** Throws a MalformedEventError naming the field when a value meant for a key exceeds KEY_PART_MAX_BYTES. */
export function assertKeyPart(value: string, field: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > KEY_PART_MAX_BYTES) {
    throw new MalformedEventError(field, `is ${bytes} bytes; a value used in a key may have at most ${KEY_PART_MAX_BYTES} (it starts ${preview(value)})`);
  }
  return value;
}

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

/** A non-empty string that goes into a DynamoDB key (see KEY_PART_MAX_BYTES). */
export function readKeyString(source: JsonObject, key: string, field: string): string {
  return assertKeyPart(readString(source, key, field), `${field}.${key}`);
}

export function readOptionalKeyString(source: JsonObject, key: string, field: string): string | undefined {
  const value = readOptionalString(source, key, field);
  return value === undefined ? undefined : assertKeyPart(value, `${field}.${key}`);
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
  if (Number.isNaN(millis)) throw new MalformedEventError(field, `must be an ISO-8601 timestamp (got ${preview(value)})`);
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
    throw new MalformedEventError(`${field}.${key}`, `must be one of ${allowed.join(', ')} (got ${preview(value)})`);
  }
  return value as T;
}

/*
 * Descriptive fields (what a task ran on, its network attachments, image digests…) decide nothing, so they reject
 * nothing: each is kept when it has the type AWS documents and left out otherwise. A field that a decision reads is
 * read with the strict readers above instead, so a wrong value there is reported, naming the field.
 */

export function keptString(source: JsonObject, key: string): string | undefined {
  const value = source[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A timestamp normalised like readTimestamp, or undefined when absent or unparseable. */
export function keptTimestamp(source: JsonObject, key: string): string | undefined {
  const value = keptString(source, key);
  const millis = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

/** The strings of a string array; undefined when absent, not an array, or holding no string. */
export function keptStrings(source: JsonObject, key: string): string[] | undefined {
  const value = source[key];
  const strings = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
  return strings.length > 0 ? strings : undefined;
}

/** Copies only the defined values, so optional fields are absent rather than `undefined` (DynamoDB rejects those). */
export function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
