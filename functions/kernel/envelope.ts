import { createHash } from 'node:crypto';
import { MalformedEventError } from './errors.ts';
import { KEY_PART_MAX_BYTES, preview, readArray, readKeyString, readObject, readString, readTimestamp, type JsonObject } from './validate.ts';

/** The EventBridge envelope every rule target receives; `detail` is validated by the reader for its detail-type. */
export interface EventEnvelope {
  id: string;
  source: string;
  detailType: string;
  account: string;
  region: string;
  /** Event time, normalised to ISO-8601 with milliseconds. EventBridge gives whole seconds. */
  time: string;
  resources: string[];
  detail: JsonObject;
}

export function readEnvelope(event: unknown, expected: { source: string; detailType: string }): EventEnvelope {
  const root = readObject(event, 'event');
  const source = readString(root, 'source', 'event');
  const detailType = readString(root, 'detail-type', 'event');
  if (source !== expected.source || detailType !== expected.detailType) {
    throw new MalformedEventError(
      'event',
      `is a ${preview(detailType)} event from ${preview(source)}; this function only accepts "${expected.detailType}" from ${expected.source}`,
    );
  }
  const resources = readArray(root, 'resources', 'event').map((resource, index) => {
    if (typeof resource !== 'string') throw new MalformedEventError(`event.resources[${index}]`, 'must be a string');
    return resource;
  });
  return {
    id: readKeyString(root, 'id', 'event'),
    source,
    detailType,
    account: readString(root, 'account', 'event'),
    region: readString(root, 'region', 'event'),
    time: readTimestamp(root, 'time', 'event'),
    resources,
    detail: readObject(root['detail'], 'event.detail'),
  };
}

/** Identifying fields of an event that failed validation, read as far as they can be, for the rejection record. */
export interface RejectedEventIdentity {
  id: string;
  source: string;
  detailType: string;
}

/** Longest source or detail-type (UTF-8 bytes) a rejection record keys by; longer ones (never AWS's) are cut and hashed. */
const REJECTED_NAME_MAX_BYTES = 128;

/**
 * The identity goes into the rejection record's keys, so it must fit them whatever the event holds: an id that is
 * missing or too long for a key is replaced by a hash of the content (a redelivery is still recognised), and an
 * oversized source or detail-type is shortened deterministically.
 */
export function identifyRejectedEvent(event: unknown): RejectedEventIdentity {
  const root: JsonObject = typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as JsonObject) : {};
  const text = (key: string): string | undefined => {
    const value = root[key];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const id = text('id');
  const usableId = id !== undefined && Buffer.byteLength(id, 'utf8') <= KEY_PART_MAX_BYTES ? id : undefined;
  return {
    id: usableId ?? sha256(JSON.stringify(event) ?? String(event)),
    source: shortened(text('source') ?? 'unknown-source'),
    detailType: shortened(text('detail-type') ?? 'unknown-detail-type'),
  };
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function shortened(name: string): string {
  return Buffer.byteLength(name, 'utf8') <= REJECTED_NAME_MAX_BYTES ? name : `${name.slice(0, 64)}…${sha256(name).slice(0, 23)}`;
}
