import { MalformedEventError } from '../../kernel/errors.ts';
import type { Notification } from '../../kernel/notifications.ts';

/**
 * An announcement as the notifier reads it from the outbox: the kernel's Notification, with `kind` open, because a
 * capability may add a kind before the notifier's catalog knows it (it still gets a generic card).
 */
export type Announcement = Omit<Notification, 'kind'> & { kind: string };

/** Reads an outbox item strictly where it decides something (id, kind, routes); the rest is kept as it is. */
export function readAnnouncement(item: Record<string, unknown>): Announcement {
  const text = (field: string, required: boolean): string | undefined => {
    const value = item[field];
    if (typeof value === 'string' && value !== '') return value;
    if (value === undefined && !required) return undefined;
    throw new MalformedEventError(`outbox item ${field}`, 'must be a non-empty string');
  };
  const details = item['details'] ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details)) throw new MalformedEventError('outbox item details', 'must be an object');
  const announcement: Announcement = {
    id: text('id', true) as string,
    kind: text('kind', true) as string,
    subject: text('subject', true) as string,
    details: details as Record<string, unknown>,
    createdAt: text('createdAt', true) as string,
  };
  const cluster = text('cluster', false);
  const service = text('service', false);
  if (cluster !== undefined) announcement.cluster = cluster;
  if (service !== undefined) announcement.service = service;
  return announcement;
}

/** The channels an announcement names itself (a deploy's `notify`, a test), or none. */
export function requestedRoutes(announcement: Announcement): string[] {
  const routes = announcement.details['routes'];
  return Array.isArray(routes) ? routes.filter((route): route is string => typeof route === 'string' && route !== '') : [];
}
