import { Webhook } from 'standardwebhooks';
import type { ChannelConfig } from '../config.ts';
import type { Announcement } from '../domain/announcement.ts';
import { cardOf } from '../domain/card.ts';
import { httpVerdict, slackApiVerdict, type AttemptVerdict } from '../domain/delivery.ts';
import { slackMessage, type SlackMessage } from '../domain/slack-message.ts';
import { webhookPayload } from '../domain/webhook-payload.ts';
import type { DeliveryStore } from './delivery-store.ts';
import { RefusedDestinationError, safePost, type SafeHttpOptions } from './safe-http.ts';
import { SecretNotFoundError, type SecretSource } from './secrets.ts';

/**
 * One attempt of one delivery, per channel type: Slack incoming webhook (POST the message), Slack bot (chat.postMessage
 * once per deploy, chat.update afterwards, steps in its thread), Standard Webhooks (signed POST). Answers what the
 * attempt came to and what was sent (the dead letter keeps it). Secrets are read here and go nowhere but the request.
 */

export const SLACK_API_URL = 'https://slack.com/api';
const USER_AGENT = 'Harbormaster-Notifier/1';

export interface SenderDeps {
  secrets: SecretSource;
  http: SafeHttpOptions;
  store: DeliveryStore;
  /** Slack's Web API; the local runtime points it at its Slack-compatible receiver. */
  slackApiUrl: string;
}

export interface Attempt {
  channel: string;
  config: ChannelConfig;
  announcement: Announcement;
  deliveryId: string;
  now: Date;
}

export interface AttemptOutcome {
  verdict: AttemptVerdict;
  /** The body sent (or that would have been), for the dead letter. */
  payload: string;
}

export async function attemptDelivery(deps: SenderDeps, attempt: Attempt): Promise<AttemptOutcome> {
  let payload = '';
  try {
    switch (attempt.config.type) {
      case 'slack-webhook': {
        const message = slackMessage(cardOf(attempt.announcement), attempt.announcement.kind, attempt.announcement.createdAt);
        payload = JSON.stringify(message);
        const response = await safePost(await deps.secrets.read(attempt.config.url), { headers: jsonHeaders(), body: payload }, deps.http);
        return { verdict: httpVerdict(response.statusCode, header(response.headers['retry-after']), response.body), payload };
      }
      case 'slack-bot': {
        const message = slackMessage(cardOf(attempt.announcement), attempt.announcement.kind, attempt.announcement.createdAt);
        payload = JSON.stringify(message);
        return { verdict: await postWithBot(deps, attempt, attempt.config, message), payload };
      }
      case 'webhook': {
        payload = JSON.stringify(webhookPayload(attempt.announcement));
        const secrets = await Promise.all(attempt.config.signingSecrets.map((reference) => deps.secrets.read(reference)));
        const response = await safePost(await deps.secrets.read(attempt.config.url), { headers: { ...jsonHeaders(), ...signedHeaders(secrets, attempt.deliveryId, attempt.now, payload) }, body: payload }, deps.http);
        return { verdict: httpVerdict(response.statusCode, header(response.headers['retry-after']), response.body), payload };
      }
    }
  } catch (error) {
    return { verdict: verdictOfError(error), payload };
  }
}

/**
 * Standard Webhooks headers: the delivery id (the same on every attempt), the attempt's time in seconds, and one
 * `v1,<signature>` per secret, space-separated, so receivers verify with the old or the new secret during a rotation.
 */
export function signedHeaders(secrets: string[], messageId: string, at: Date, payload: string): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, at, payload));
  return { 'webhook-id': messageId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signatures.join(' ') };
}

async function postWithBot(deps: SenderDeps, attempt: Attempt, config: Extract<ChannelConfig, { type: 'slack-bot' }>, message: SlackMessage): Promise<AttemptVerdict> {
  const token = await deps.secrets.read(config.token);
  const call = async (method: 'chat.postMessage' | 'chat.update', body: Record<string, unknown>) => {
    const response = await safePost(`${deps.slackApiUrl}/${method}`, { headers: { ...jsonHeaders(), authorization: `Bearer ${token}` }, body: JSON.stringify(body) }, deps.http);
    return slackApiVerdict(response.statusCode, header(response.headers['retry-after']), response.body);
  };
  const deployment = cardOf(attempt.announcement).deployment;
  if (!deployment) return call('chat.postMessage', { channel: config.channel, ...message });

  const thread = await deps.store.slackThread(attempt.channel, deployment.deploymentId);
  if (thread?.ts && thread.slackChannel) {
    const updated = await call('chat.update', { channel: thread.slackChannel, ts: thread.ts, ...message });
    if (updated.outcome !== 'delivered' || attempt.announcement.kind !== 'deploy-step-completed') return updated;
    return call('chat.postMessage', { channel: thread.slackChannel, thread_ts: thread.ts, ...message });
  }
  if (thread || !(await deps.store.claimSlackThread(attempt.channel, deployment.deploymentId, attempt.now.toISOString()))) {
    // Another attempt is posting the deploy's message right now: update it once it exists.
    return { outcome: 'retry', reason: "the deploy's Slack message is being posted by another attempt" };
  }
  const posted = await call('chat.postMessage', { channel: config.channel, ...message });
  if (posted.outcome === 'delivered' && posted.ts) {
    await deps.store.saveSlackThread(attempt.channel, deployment.deploymentId, { ts: posted.ts, slackChannel: posted.channel ?? config.channel });
  } else {
    await deps.store.releaseSlackThread(attempt.channel, deployment.deploymentId);
  }
  return posted;
}

/** Refusals and missing secrets cannot get better by waiting; timeouts, resets and AWS hiccups can. */
function verdictOfError(error: unknown): AttemptVerdict {
  if (error instanceof RefusedDestinationError || error instanceof SecretNotFoundError) return { outcome: 'fail', reason: error.message };
  const code = (error as NodeJS.ErrnoException).code;
  return { outcome: 'retry', reason: `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`.slice(0, 300) };
}

function jsonHeaders(): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'user-agent': USER_AGENT };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
