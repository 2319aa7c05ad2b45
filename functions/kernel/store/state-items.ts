import type { RejectedEventIdentity } from '../envelope.ts';
import type { Notification } from '../notifications.ts';

/**
 * Item layout of the state table (docs/decisions/0002-state-table-design.md). Pure mapping, no I/O:
 * keys are built here and nowhere else.
 *
 *   gsi1 "by owner, newest first":  gsi1pk = the service/repository, gsi1sk = <KIND>#<time>
 *   gsi2 "by status, newest first": gsi2pk = <KIND>#<status>,        gsi2sk = <time>   (never for tasks)
 * Both indexes project keys only (infra/tables.yml): a query of one returns keys, and the items are read by key.
 */

export type StateItem = Record<string, unknown> & { pk: string; sk: string };

/** The state table's global secondary indexes and their key attributes (infra/tables.yml). */
export const STATE_INDEXES = {
  byOwner: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  byStatus: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;
export type StateIndexName = keyof typeof STATE_INDEXES;

const DAY_SECONDS = 24 * 60 * 60;
/** How long shared items live after they stop changing; DynamoDB TTL deletes them (free of charge). */
export const RETENTION_DAYS = { rejectedEvent: 30, notification: 7 } as const;

export function expiresAt(isoTime: string, days: number): number {
  return Math.floor(Date.parse(isoTime) / 1000) + days * DAY_SECONDS;
}

export function serviceKey(cluster: string, service: string): string {
  return `SERVICE#${cluster}#${service}`;
}

/** The raw event is kept (truncated) so an operator can see exactly what was rejected. */
export const MAX_STORED_EVENT_CHARS = 32_000;

export function rejectedEventItem(identity: RejectedEventIdentity, reason: string, rawEvent: unknown, receivedAt: string): StateItem {
  const raw = JSON.stringify(rawEvent) ?? String(rawEvent);
  return {
    pk: `REJECTED#${identity.source}#${identity.detailType}`,
    // Keyed by event id, not arrival time: a redelivery of the same bad event lands on the same item.
    sk: `EVENT#${identity.id}`,
    kind: 'rejected-event',
    ...identity,
    reason,
    receivedAt,
    event: raw.length > MAX_STORED_EVENT_CHARS ? `${raw.slice(0, MAX_STORED_EVENT_CHARS)}…(truncated)` : raw,
    gsi2pk: 'REJECTED',
    gsi2sk: receivedAt,
    expiresAt: expiresAt(receivedAt, RETENTION_DAYS.rejectedEvent),
  };
}

export function rejectedCounterKey(identity: RejectedEventIdentity): { pk: string; sk: string } {
  return { pk: 'COUNTER#REJECTED_EVENTS', sk: `${identity.source}#${identity.detailType}` };
}

export function notificationItem(notification: Notification): Record<string, unknown> & { pk: string } {
  return { pk: notification.id, ...notification, expiresAt: expiresAt(notification.createdAt, RETENTION_DAYS.notification) };
}
