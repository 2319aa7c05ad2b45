import { z } from 'zod';
import type { ConfigSection } from '../kernel/config-sections.ts';
import { InvalidConfigError, issueMessages } from '../kernel/config-errors.ts';
import { secretReferenceSchema } from '../kernel/secrets.ts';
import { SEVERITIES } from './domain/catalog.ts';

/**
 * The `notifications` section of harbormaster.yml (docs/decisions/0015): where announcements go. Every address and
 * credential is a secret reference (SSM SecureString or Secrets Manager), never a value in the file.
 */

export { SEVERITIES, type Severity } from './domain/catalog.ts';
export { NOTIFICATIONS_CONFIG_KEY } from './domain/stored-config.ts';

const MAX_CHANNELS = 20;
const MAX_PATTERNS = 20;
const MAX_SIGNING_SECRETS = 3;
const MAX_SERVICE_OVERRIDES = 100;

/** Channel names are what `deploy.notify` and per-service overrides name. */
export const channelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1–64 letters, digits, `.`, `_` or `-`, starting with a letter or digit');

const eventPattern = z.string().regex(/^[a-z0-9*-]{1,64}$/, 'must be an announcement kind such as deploy-rolled-back, with * matching any run of characters (deploy-*)');
const servicePattern = z.string().regex(/^[A-Za-z0-9_*/-]{1,512}$/, 'must be a service name or cluster/service, with * matching any run of characters');

const severity = z.enum(SEVERITIES);

/** The notifier's role may read only secrets under these prefixes (functions/notify/resources.yml). */
const notifierSecret = secretReferenceSchema.refine(
  (reference) => ('ssmParameter' in reference ? reference.ssmParameter.replace(/^\/?/, '/').startsWith('/harbormaster/') : reference.secretsManager.startsWith('harbormaster/')),
  { message: 'must be stored under /harbormaster/ (SSM) or harbormaster/ (Secrets Manager): the notifier may read only those' },
);

const routeSchema = z
  .object({
    events: z.array(eventPattern).min(1).max(MAX_PATTERNS).default(['*']).meta({ description: 'Announcement kinds this channel gets (`deploy-*`, `task-failed`, `*`).' }),
    services: z
      .array(servicePattern)
      .min(1)
      .max(MAX_PATTERNS)
      .default(['*'])
      .meta({ description: 'Services this channel hears about: an ECS service name or `cluster/service`, with `*` wildcards. Account-wide announcements (revision cleanup) match `*` only.' }),
    minSeverity: severity.default('info').meta({ description: 'The least severe announcement sent: info < warning < critical.' }),
  })
  .strict();
export type ChannelRoute = z.infer<typeof routeSchema>;

const routeField = routeSchema.default({ events: ['*'], services: ['*'], minSeverity: 'info' }).meta({ description: 'Which announcements this channel gets; the default: all of them.' });

export const channelSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('slack-webhook'),
      url: notifierSecret.meta({ description: 'Where the Slack incoming-webhook URL is stored.' }),
      route: routeField,
    })
    .strict()
    .meta({ description: 'A Slack incoming webhook: one message per announcement.' }),
  z
    .object({
      type: z.literal('slack-bot'),
      token: notifierSecret.meta({ description: 'Where the bot token (chat:write) is stored.' }),
      channel: z.string().regex(/^(#[a-z0-9_-]{1,80}|[CGD][A-Z0-9]{2,20})$/, 'must be a Slack channel id (C0123ABCD) or #name').meta({ description: 'The Slack channel to post in: its id, or #name.' }),
      route: routeField,
    })
    .strict()
    .meta({ description: 'A Slack app: one message per deploy, updated in place as it progresses, steps in its thread.' }),
  z
    .object({
      type: z.literal('webhook'),
      url: notifierSecret.meta({ description: 'Where the https:// URL is stored (URLs often embed a token).' }),
      signingSecrets: z
        .array(notifierSecret)
        .min(1, 'must name at least one signing secret')
        .max(MAX_SIGNING_SECRETS, `must name at most ${MAX_SIGNING_SECRETS} signing secrets`)
        .meta({ description: 'Standard Webhooks signing secrets (`whsec_…`), each stored as a secret; during a rotation list the new and the old: every one signs.' }),
      route: routeField,
    })
    .strict()
    .meta({ description: 'An HTTPS endpoint that gets Standard Webhooks 1.0 signed JSON.' }),
]);
export type ChannelConfig = z.infer<typeof channelSchema>;

const serviceOverrideSchema = z
  .object({
    channels: z.array(channelName).max(MAX_CHANNELS).meta({ description: 'The only channels this service’s announcements go to ([]: none).' }),
    events: z.optional(z.array(eventPattern).min(1).max(MAX_PATTERNS)).meta({ description: 'Replaces the channels’ event patterns for this service.' }),
    minSeverity: z.optional(severity).meta({ description: 'Replaces the channels’ minimum severity for this service.' }),
  })
  .strict();
export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;

export const notificationsConfigSchema = z
  .object({
    channels: z
      .record(channelName, channelSchema)
      .refine((channels) => Object.keys(channels).length <= MAX_CHANNELS, { message: `must declare at most ${MAX_CHANNELS} channels` })
      .default({})
      .meta({ description: 'Destinations, keyed by the name routes, overrides and `deploy.notify` use.' }),
    services: z
      .record(servicePattern, serviceOverrideSchema)
      .refine((services) => Object.keys(services).length <= MAX_SERVICE_OVERRIDES, { message: `must declare at most ${MAX_SERVICE_OVERRIDES} service overrides` })
      .default({})
      .meta({ description: 'Per-service overrides, keyed by service name or cluster/service (wildcards allowed; the first key in the file that matches wins).' }),
  })
  .strict()
  .superRefine((config, context) => {
    for (const [pattern, override] of Object.entries(config.services)) {
      override.channels.forEach((name, index) => {
        if (!(name in config.channels)) context.addIssue({ code: 'custom', message: `names no channel declared under notifications.channels (${name})`, path: ['services', pattern, 'channels', index] });
      });
    }
  });
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

export const notificationsSection: ConfigSection = {
  key: 'notifications',
  schema: z.optional(notificationsConfigSchema).meta({ description: 'Slack and Standard Webhooks channels, and which announcements each gets (README.md, Notifications).' }),
  entries: (value) => (value === undefined ? [] : [{ id: 'settings', label: 'settings', path: ['notifications'], value }]),
};

export function parseNotificationsConfig(input: unknown): NotificationsConfig {
  const result = notificationsConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidConfigError('notifications', issueMessages(result.error));
}
