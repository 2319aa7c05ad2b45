import type { Severity } from '../config.ts';
import type { Announcement } from './announcement.ts';
import { kindEntry } from './catalog.ts';

/**
 * The Standard Webhooks 1.0 payload (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
 * "Payload structure"): `type` (full-stop delimited), `timestamp` (when the event happened) and `data`. Its JSON
 * Schema is schema/webhook-payload.v1.json; `version` in data lets receivers tell later shapes apart.
 */

export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    version: typeof WEBHOOK_PAYLOAD_VERSION;
    id: string;
    kind: string;
    severity: Severity;
    title: string;
    subject: string;
    cluster?: string;
    service?: string;
    details: Record<string, unknown>;
  };
}

export function webhookPayload(announcement: Announcement): WebhookPayload {
  const { severity, title } = kindEntry(announcement.kind);
  const { routes: _routes, ...details } = announcement.details;
  return {
    type: `harbormaster.${announcement.kind}`,
    timestamp: announcement.createdAt,
    data: {
      version: WEBHOOK_PAYLOAD_VERSION,
      id: announcement.id,
      kind: announcement.kind,
      severity,
      title,
      subject: announcement.subject,
      ...(announcement.cluster === undefined ? {} : { cluster: announcement.cluster }),
      ...(announcement.service === undefined ? {} : { service: announcement.service }),
      details,
    },
  };
}
