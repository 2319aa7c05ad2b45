import { z } from 'zod';
import { SEVERITIES } from './domain/catalog.ts';
import { WEBHOOK_PAYLOAD_VERSION } from './domain/webhook-payload.ts';

/**
 * The webhook payload's contract, version 1 (schema/webhook-payload.v1.json is generated from it by `npm run schema`).
 * Receivers may rely on every field named here; `details` differs per kind and may gain fields. A change that breaks
 * a receiver gets a new version (data.version, and a new schema file beside this one), never an edit of v1.
 */
export const webhookPayloadSchemaV1 = z
  .object({
    type: z.string().regex(/^harbormaster\.[a-z0-9-]+$/).meta({ description: 'harbormaster.<kind>, e.g. harbormaster.deploy-rolled-back.' }),
    timestamp: z.iso.datetime({ offset: true }).meta({ description: 'When the announced event happened (ISO 8601). The attempt’s time is the webhook-timestamp header.' }),
    data: z
      .object({
        version: z.literal(WEBHOOK_PAYLOAD_VERSION).meta({ description: 'The payload version; this schema is version 1.' }),
        id: z.string().min(1).meta({ description: 'The announcement’s id: the same for every channel it went to (webhook-id is per channel).' }),
        kind: z.string().regex(/^[a-z0-9-]+$/).meta({ description: 'The announcement kind: deploy-succeeded, task-failed, scale-activity… (README.md, Notifications lists them).' }),
        severity: z.enum(SEVERITIES),
        title: z.string().meta({ description: 'A short title for people.' }),
        subject: z.string().meta({ description: 'One line saying what happened.' }),
        cluster: z.optional(z.string()).meta({ description: 'The ECS cluster; absent for account-wide announcements (revision cleanup).' }),
        service: z.optional(z.string()).meta({ description: 'The ECS service; absent for account-wide announcements and standalone tasks.' }),
        details: z.record(z.string(), z.unknown()).meta({ description: 'The kind’s facts (deploymentId, image, outcome, reason, exitCodes…).' }),
      })
      .strict(),
  })
  .strict()
  .meta({ title: 'Harbormaster webhook payload, version 1', description: 'The JSON body of every Standard Webhooks 1.0 request Harbormaster sends.' });

export function webhookPayloadJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(webhookPayloadSchemaV1, { target: 'draft-7' }), $id: 'https://github.com/harbormaster/harbormaster/schema/webhook-payload.v1.json' };
}
