import { createHash } from 'node:crypto';
import { MalformedEventError } from './errors.ts';
import { readArray, readObject, readString, readTimestamp, type JsonObject } from './validate.ts';

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
      `is a "${detailType}" event from ${source}; this function only accepts "${expected.detailType}" from ${expected.source}`,
    );
  }
  const resources = readArray(root, 'resources', 'event').map((resource, index) => {
    if (typeof resource !== 'string') throw new MalformedEventError(`event.resources[${index}]`, 'must be a string');
    return resource;
  });
  return {
    id: readString(root, 'id', 'event'),
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

export function identifyRejectedEvent(event: unknown): RejectedEventIdentity {
  const root: JsonObject = typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as JsonObject) : {};
  const text = (key: string, fallback: string): string => {
    const value = root[key];
    return typeof value === 'string' && value.length > 0 ? value : fallback;
  };
  // Without an id, the content identifies the event, so a redelivery is still recognised.
  const contentId = (): string => `sha256:${createHash('sha256').update(JSON.stringify(event) ?? String(event)).digest('hex')}`;
  return { id: text('id', '') || contentId(), source: text('source', 'unknown-source'), detailType: text('detail-type', 'unknown-detail-type') };
}
