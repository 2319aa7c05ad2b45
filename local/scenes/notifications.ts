import { notificationReceivers } from '../notification-receivers.ts';
import type { Received } from '../receivers.ts';
import { waitFor } from '../wait.ts';
import { harbormaster, say, SCENE_TIMEOUT_MS, type Scene } from './scene.ts';

/**
 * Notifications: the deploys above were announced to the example's channels — the deploy's Slack message (bot mode:
 * posted once, updated as it went), the warnings in an incoming webhook, every announcement as a signed webhook that
 * the receiver verified with the official Standard Webhooks verifier.
 */
export const notifications: Scene = {
  title: "Notifications: the shop deploys' Slack card and a signed webhook, verified on arrival",
  async run(context) {
    const receivers = notificationReceivers();
    if (!receivers) throw new Error('the notification receivers were not started');
    await waitFor('a Slack card and a verified webhook', async () => lastCard(receivers.slack.received) && receivers.webhooks.received.some((request) => request.verified), SCENE_TIMEOUT_MS);
    await context.aws.runtime.idle(30_000);
    await harbormaster(['notifications', 'channels']);
    await harbormaster(['notifications', 'deliveries', '--limit', '6']);

    const card = lastCard(receivers.slack.received);
    say(`\nSlack (${card?.path ?? ''}): the last deploy's message`);
    const message = JSON.parse(card?.body ?? '{}') as { text?: string; attachments?: Array<{ color?: string; blocks?: Array<{ text?: { text: string }; fields?: Array<{ text: string }> }> }> };
    const attachment = message.attachments?.[0];
    say(`▌colour ${attachment?.color ?? '-'}   fallback: ${message.text ?? ''}`);
    for (const block of attachment?.blocks ?? []) {
      if (block.text) say(`▌${block.text.text.replace(/\n/g, ' — ')}`);
      for (const field of block.fields ?? []) say(`▌  ${field.text.replace(/\*/g, '').replace('\n', ': ')}`);
    }

    const hook = [...receivers.webhooks.received].reverse().find((request) => request.verified);
    const payload = JSON.parse(hook?.body ?? '{}') as { type?: string; data?: { subject?: string } };
    say(`\nWebhook ${hook?.path}: ${payload.type ?? ''} — ${payload.data?.subject ?? ''}`);
    say(`  webhook-id ${hook?.headers['webhook-id'] ?? ''}, webhook-timestamp ${hook?.headers['webhook-timestamp'] ?? ''}`);
    say(`  webhook-signature ${(hook?.headers['webhook-signature'] ?? '').slice(0, 24)}…  ${hook?.verified ? '✓ verified by the receiver with the official standardwebhooks verifier' : '✗ not verified'}`);
    say('  every request is kept (headers and body) under .local/received/');
    await harbormaster(['notifications', 'test', 'audit']);
  },
};

/** The last deploy message bot mode posted or updated (thread replies aside). */
function lastCard(received: Received[]): Received | undefined {
  return [...received].reverse().find((request) => ['/api/chat.update', '/api/chat.postMessage'].includes(request.path) && !request.body.includes('"thread_ts"'));
}
