import { globMatches } from '../../cleanup/domain/revision-cleanup.ts';
import type { ChannelConfig, NotificationsConfig, Severity } from '../config.ts';
import { atLeast, kindEntry } from './catalog.ts';

/**
 * Which channels an announcement goes to (docs/decisions/0015):
 * 1. routes the announcement names itself (a deploy's `deploy.notify`, `notifications test`): exactly those channels;
 * 2. else the first per-service override (in file order) whose pattern matches `service` or `cluster/service`:
 *    its channels;
 * 3. else every channel whose `route.services` matches.
 * Each chosen channel then applies its event patterns and minimum severity (an override may replace both), except
 * that routes the announcement names itself skip the event and service filters (the deploy asked for them), and a
 * test (`notifications test`) skips the severity too. A named route that is no channel is reported as skipped.
 */

export const TEST_KIND = 'notification-test';

export interface Routable {
  kind: string;
  cluster?: string;
  service?: string;
  /** Channel names the announcement asks for (details.routes). */
  routes: string[];
}

export interface RouteDecision {
  channel: string;
  /** Why a channel the announcement names cannot get it; absent when it gets the announcement. */
  skipped?: string;
}

export function routeAnnouncement(announcement: Routable, config: NotificationsConfig): RouteDecision[] {
  const severity = kindEntry(announcement.kind).severity;
  if (announcement.routes.length > 0) {
    return announcement.routes.flatMap((channel) => {
      const declared = config.channels[channel];
      if (!declared) return [{ channel, skipped: 'no such channel in notifications.channels' }];
      // A test is for the channel itself, whatever it usually takes.
      return announcement.kind === TEST_KIND || atLeast(severity, declared.route.minSeverity) ? [{ channel }] : [];
    });
  }
  const names = serviceNames(announcement);
  const override = Object.entries(config.services).find(([pattern]) => names.some((name) => globMatches(pattern, name)))?.[1];
  const candidates = override
    ? override.channels.flatMap((channel) => (config.channels[channel] ? [[channel, config.channels[channel]] as const] : []))
    : Object.entries(config.channels).filter(([, channel]) => servicesMatch(channel, names));
  return candidates.flatMap(([channel, declared]) =>
    wants(declared, announcement.kind, severity, { events: override?.events, minSeverity: override?.minSeverity }) ? [{ channel }] : [],
  );
}

function serviceNames(announcement: Routable): string[] {
  if (announcement.service === undefined) return [];
  return announcement.cluster === undefined ? [announcement.service] : [announcement.service, `${announcement.cluster}/${announcement.service}`];
}

/** An account-wide announcement (no service) matches only a channel that takes every service. */
function servicesMatch(channel: ChannelConfig, names: string[]): boolean {
  if (names.length === 0) return channel.route.services.includes('*');
  return channel.route.services.some((pattern) => names.some((name) => globMatches(pattern, name)));
}

function wants(channel: ChannelConfig, kind: string, severity: Severity, override: { events?: string[]; minSeverity?: Severity }): boolean {
  const events = override.events ?? channel.route.events;
  return events.some((pattern) => globMatches(pattern, kind)) && atLeast(severity, override.minSeverity ?? channel.route.minSeverity);
}
