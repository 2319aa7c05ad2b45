import { InvalidConfigError } from '../../kernel/config-errors.ts';
import type { ChannelConfig, NotificationsConfig, ServiceOverride, Severity } from '../config.ts';
import { SEVERITIES } from './catalog.ts';

/**
 * The stored notifications section as the notifier reads it, once per batch. `harbormaster apply` validated it with the
 * section's schema (config.ts) and stored it with defaults applied; the notifier, on every announcement's path, checks
 * again only the shape of what it reads, by hand, so its bundles carry no schema library (as the ingestion readers,
 * docs/decisions/0012). A hand-edited item that breaks the shape fails loudly, naming the field.
 */

/** Where the section is stored (state table): one item. */
export const NOTIFICATIONS_CONFIG_KEY = { pk: 'CONFIG', sk: 'NOTIFICATIONS' } as const;

export function readStoredNotificationsConfig(value: unknown): NotificationsConfig {
  const problems: string[] = [];
  const config = record(value, 'notifications', problems) ?? {};
  const channels = record(config['channels'] ?? {}, 'channels', problems) ?? {};
  const services = record(config['services'] ?? {}, 'services', problems) ?? {};
  const result: NotificationsConfig = { channels: {}, services: {} };
  for (const [name, raw] of Object.entries(channels)) {
    const channel = readChannel(raw, `channels.${name}`, problems);
    if (channel) result.channels[name] = channel;
  }
  for (const [pattern, raw] of Object.entries(services)) {
    const path = `services.${pattern}`;
    const entry = record(raw, path, problems);
    if (!entry) continue;
    const override: ServiceOverride = { channels: strings(entry['channels'], `${path}.channels`, problems) };
    if (entry['events'] !== undefined) override.events = strings(entry['events'], `${path}.events`, problems);
    if (entry['minSeverity'] !== undefined) override.minSeverity = severity(entry['minSeverity'], `${path}.minSeverity`, problems);
    result.services[pattern] = override;
  }
  if (problems.length > 0) throw new InvalidConfigError('the stored notifications section', problems);
  return result;
}

function readChannel(raw: unknown, path: string, problems: string[]): ChannelConfig | undefined {
  const channel = record(raw, path, problems);
  if (!channel) return undefined;
  const routeRaw = record(channel['route'], `${path}.route`, problems) ?? {};
  const route = { events: strings(routeRaw['events'], `${path}.route.events`, problems), services: strings(routeRaw['services'], `${path}.route.services`, problems), minSeverity: severity(routeRaw['minSeverity'], `${path}.route.minSeverity`, problems) };
  switch (channel['type']) {
    case 'slack-webhook':
      return { type: 'slack-webhook', url: secret(channel['url'], `${path}.url`, problems), route };
    case 'slack-bot':
      return { type: 'slack-bot', token: secret(channel['token'], `${path}.token`, problems), channel: text(channel['channel'], `${path}.channel`, problems), route };
    case 'webhook': {
      const secrets = Array.isArray(channel['signingSecrets']) ? channel['signingSecrets'] : [];
      if (secrets.length === 0) problems.push(`${path}.signingSecrets: must name at least one signing secret`);
      return { type: 'webhook', url: secret(channel['url'], `${path}.url`, problems), signingSecrets: secrets.map((reference, index) => secret(reference, `${path}.signingSecrets.${index}`, problems)), route };
    }
    default:
      problems.push(`${path}.type: must be slack-webhook, slack-bot or webhook`);
      return undefined;
  }
}

type SecretReference = { ssmParameter: string } | { secretsManager: string };

function secret(value: unknown, path: string, problems: string[]): SecretReference {
  const reference = record(value, path, problems) ?? {};
  if (typeof reference['ssmParameter'] === 'string') return { ssmParameter: reference['ssmParameter'] };
  if (typeof reference['secretsManager'] === 'string') return { secretsManager: reference['secretsManager'] };
  problems.push(`${path}: must be { ssmParameter } or { secretsManager }`);
  return { ssmParameter: '' };
}

function record(value: unknown, path: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`${path}: must be an object`);
  return undefined;
}

function strings(value: unknown, path: string, problems: string[]): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  problems.push(`${path}: must be a list of strings`);
  return [];
}

function text(value: unknown, path: string, problems: string[]): string {
  if (typeof value === 'string' && value !== '') return value;
  problems.push(`${path}: must be a non-empty string`);
  return '';
}

function severity(value: unknown, path: string, problems: string[]): Severity {
  if (SEVERITIES.includes(value as Severity)) return value as Severity;
  problems.push(`${path}: must be one of ${SEVERITIES.join(', ')}`);
  return 'info';
}
