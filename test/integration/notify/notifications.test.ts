import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startSlackReceiver, startWebhookReceiver, type Receiver } from '../../../local/receivers.ts';
import { waitFor } from '../../../local/wait.ts';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { getItem, OUTBOX_TABLE, useDeployedStack } from '../support.ts';
import { announce, applyNotifications, deliveryOf, deliveryWithStatus, putSecureParameters, signingSecret, taskFailed } from './notify-support.ts';

// Retries a second apart (the production schedule is 5 s … 24 h); logs on, so the secret check reads real output.
process.env['NOTIFY_RETRY_DELAYS_SECONDS'] = '1,1,1,1,1,1,1';
process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';

const stack = useDeployedStack();
const secret = signingSecret();
const oldSecret = signingSecret();
const slackPath = `/webhook/${randomBytes(12).toString('hex')}`;
let slack: Receiver;
let hooks: Receiver;
const output: string[] = [];

before(async () => {
  slack = await startSlackReceiver();
  hooks = await startWebhookReceiver({ secrets: [secret] });
  // Everything the handlers log goes through these (Powertools writes to stdout, errors to stderr).
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (write as (chunk: string | Uint8Array, ...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
});
after(async () => {
  await slack?.stop();
  await hooks?.stop();
});

async function configure(): Promise<void> {
  await putSecureParameters(stack.aws.clientConfig, {
    '/harbormaster/test/slack-url': `${slack.url}${slackPath}`,
    '/harbormaster/test/hook-url': `${hooks.url}/hooks`,
    '/harbormaster/test/hook-secret': secret,
    '/harbormaster/test/hook-old-secret': oldSecret,
  });
  await applyNotifications(stack.documents, {
    channels: {
      slack: { type: 'slack-webhook', url: { ssmParameter: '/harbormaster/test/slack-url' } },
      audit: { type: 'webhook', url: { ssmParameter: '/harbormaster/test/hook-url' }, signingSecrets: [{ ssmParameter: '/harbormaster/test/hook-secret' }, { ssmParameter: '/harbormaster/test/hook-old-secret' }] },
      deploys: { type: 'slack-webhook', url: { ssmParameter: '/harbormaster/test/slack-url' }, route: { events: ['deploy-*'] } },
    },
  });
}

describe('notifications', () => {
  it('delivers an announcement once to each channel that routes it: a Slack card and a webhook signed with every secret', async () => {
    await configure();
    const announcement = taskFailed('a1');
    await announce(stack.documents, announcement);
    const audit = await deliveryWithStatus(stack.documents, announcement.id, 'audit', 'delivered');
    await deliveryWithStatus(stack.documents, announcement.id, 'slack', 'delivered');
    // Routing: `deploys` takes deploy-* only.
    assert.equal(await deliveryOf(stack.documents, announcement.id, 'deploys'), undefined);

    assert.equal(hooks.received.length, 1);
    const [hook] = hooks.received;
    assert.equal(hook?.verified, true);
    assert.equal(hook?.headers['webhook-id'], audit['deliveryId']);
    assert.equal(hook?.headers['webhook-signature']?.split(' ').length, 2, 'one signature per secret during a rotation');
    // The official verifier, again, with the old secret alone: the rotation's second signature verifies too.
    new Webhook(oldSecret).verify(hook?.body ?? '', hook?.headers ?? {});
    const payload = JSON.parse(hook?.body ?? '{}') as { type: string; data: { kind: string; details: Record<string, unknown> } };
    assert.equal(payload.type, 'harbormaster.task-failed');
    assert.deepEqual(payload.data.details['exitCodes'], { app: 1 });

    const card = slack.received.find((request) => request.path === slackPath);
    const message = JSON.parse(card?.body ?? '{}') as { text: string; attachments: Array<{ color: string; blocks: Array<{ fields?: Array<{ text: string }> }> }> };
    assert.match(message.text, /^Task stopped unexpectedly: /);
    assert.equal(message.attachments[0]?.color, '#ECB22E');
    assert.ok(message.attachments[0]?.blocks.some((block) => block.fields?.some((field) => field.text === '*Exit codes*\napp: 1')));

    // The same announcement inserted again (removed, then written: a second INSERT record) finds its deliveries.
    await stack.documents.send(new DeleteCommand({ TableName: OUTBOX_TABLE, Key: { pk: announcement.id } }));
    await announce(stack.documents, announcement);
    await stack.aws.runtime.idle(30_000);
    assert.equal(hooks.received.length, 1);

    const logged = output.join('');
    assert.ok(logged.includes('Delivery attempt'), 'the handlers logged');
    for (const value of [secret, oldSecret, slackPath]) assert.ok(!logged.includes(value), 'a secret appears in the logs');
  });

  it('delivers exactly once to a receiver that was down for a while, after it recovers, with the same webhook id', async () => {
    await configure();
    await hooks.down();
    const announcement = taskFailed('down1');
    const before = hooks.received.length;
    await announce(stack.documents, announcement);
    await waitFor('a few failed attempts', async () => {
      const item = await deliveryOf(stack.documents, announcement.id, 'audit');
      return item?.['status'] === 'retrying' && Number(item['attempts']) >= 2;
    }, 60_000);
    await hooks.up();
    const delivered = await deliveryWithStatus(stack.documents, announcement.id, 'audit', 'delivered');
    await stack.aws.runtime.idle(30_000);
    const got = hooks.received.slice(before);
    assert.equal(got.length, 1);
    assert.equal(got[0]?.verified, true);
    assert.equal(got[0]?.headers['webhook-id'], delivered['deliveryId']);
    assert.ok(Number(delivered['attempts']) >= 3);
  });

  it('disables a channel that answers 410 Gone, and sends it nothing more', async () => {
    await configure();
    slack.answerNext(1, 410);
    const first = taskFailed('gone1');
    await announce(stack.documents, first);
    const disabled = await deliveryWithStatus(stack.documents, first.id, 'slack', 'disabled');
    assert.equal(disabled['lastStatusCode'], 410);
    const health = await getItem(stack.documents, { pk: 'NOTIFY#CHANNEL#slack', sk: 'HEALTH' });
    assert.ok(typeof health?.['disabledAt'] === 'string');

    const requests = slack.received.length;
    const second = taskFailed('gone2');
    await announce(stack.documents, second);
    await deliveryWithStatus(stack.documents, second.id, 'slack', 'disabled');
    await deliveryWithStatus(stack.documents, second.id, 'audit', 'delivered');
    assert.equal(slack.received.length, requests);
  });

  it('retries 5xx answers and records a dead letter with the payload after the last attempt', async () => {
    await configure();
    hooks.answerNext(8, 503);
    const announcement = taskFailed('dead1');
    await announce(stack.documents, announcement);
    const dead = await deliveryWithStatus(stack.documents, announcement.id, 'audit', 'dead', 90_000);
    assert.equal(dead['attempts'], 8);
    const letter = await getItem(stack.documents, { pk: `DELIVERY#${String(dead['deliveryId'])}`, sk: 'DEAD' });
    assert.equal((JSON.parse(String(letter?.['payload'])) as { data: { id: string } }).data.id, announcement.id);
  });
});
