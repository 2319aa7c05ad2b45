import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSlackReceiver, type Receiver } from '../../../local/receivers.ts';
import { runCli } from '../../cli-support.ts';
import { useDeployedStack } from '../support.ts';
import { announce, applyNotifications, deliveryWithStatus, putSecureParameters } from './notify-support.ts';

process.env['NOTIFY_RETRY_DELAYS_SECONDS'] = '1,1,1,1,1,1,1';

const stack = useDeployedStack();
let slack: Receiver;

before(async () => {
  slack = await startSlackReceiver();
  process.env['SLACK_API_URL'] = `${slack.url}/api`;
});
after(() => slack?.stop());

async function configure(): Promise<void> {
  await putSecureParameters(stack.aws.clientConfig, { '/harbormaster/test/bot-token': `local-${Date.now()}`, '/harbormaster/test/ops-url': `${slack.url}/webhook/ops` });
  await applyNotifications(stack.documents, {
    channels: {
      deploys: { type: 'slack-bot', token: { ssmParameter: '/harbormaster/test/bot-token' }, channel: '#deploys', route: { events: ['deploy-*'] } },
      ops: { type: 'slack-webhook', url: { ssmParameter: '/harbormaster/test/ops-url' }, route: { minSeverity: 'critical' } },
    },
  });
}

const deployAnnouncement = (kind: string, at: string, details: Record<string, unknown> = {}) => ({
  id: `${kind}#shop-1#${at}`,
  kind: kind as 'deploy-succeeded',
  subject: `demo/shop ${kind}`,
  cluster: 'demo',
  service: 'shop',
  details: { deploymentId: 'shop-1', image: `shop:v2@sha256:${'1'.repeat(64)}`, ...details },
  createdAt: at,
});

describe('Slack bot mode and the notifications verbs', () => {
  it('posts one message per deploy, updates it as the deploy goes on, and threads its steps', async () => {
    await configure();
    const started = deployAnnouncement('deploy-started', '2026-12-02T10:00:00.000Z');
    await announce(stack.documents, started);
    await deliveryWithStatus(stack.documents, started.id, 'deploys', 'delivered');
    const step = deployAnnouncement('deploy-step-completed', '2026-12-02T10:01:00.000Z', { step: 'traffic-25', weights: { blue: 75, green: 25 } });
    await announce(stack.documents, step);
    await deliveryWithStatus(stack.documents, step.id, 'deploys', 'delivered');
    const done = deployAnnouncement('deploy-succeeded', '2026-12-02T10:02:00.000Z', { outcome: 'SUCCEEDED' });
    await announce(stack.documents, done);
    await deliveryWithStatus(stack.documents, done.id, 'deploys', 'delivered');

    const calls = slack.received.filter((request) => request.path.startsWith('/api/')).map((request) => ({ path: request.path, body: JSON.parse(request.body) as { ts?: string; thread_ts?: string; channel?: string; text: string } }));
    const posts = calls.filter((call) => call.path === '/api/chat.postMessage');
    const updates = calls.filter((call) => call.path === '/api/chat.update');
    assert.equal(posts.filter((call) => call.body.thread_ts === undefined).length, 1, 'one message per deploy');
    assert.equal(updates.length, 2);
    const thread = posts.filter((call) => call.body.thread_ts !== undefined);
    assert.equal(thread.length, 1, 'the step in the thread');
    assert.equal(new Set([...updates.map((call) => call.body.ts), thread[0]?.body.thread_ts]).size, 1, 'all on the same message');
    assert.match(updates[1]?.body.text ?? '', /^Deployed: /);
    assert.ok(calls.every((call) => call.path !== '/api/chat.postMessage' || call.body.channel !== undefined));
    assert.equal(slack.received.filter((request) => request.path === '/webhook/ops').length, 0, 'ops takes critical only');
  });

  it('lists channels and deliveries, replays a delivery with --dry-run and for real, and tests a channel', async () => {
    await configure();
    const announcement = deployAnnouncement('deploy-rolled-back', '2026-12-02T11:00:00.000Z', { outcome: 'ROLLED_BACK', reason: 'alarm shop-5xx in ALARM' });
    await announce(stack.documents, announcement);
    const delivered = await deliveryWithStatus(stack.documents, announcement.id, 'ops', 'delivered');

    const channels = await runCli(['notifications', 'channels', '--json']);
    assert.equal(channels.code, 0);
    const listed = JSON.parse(channels.stdout) as { channels: Array<{ name: string; state: string; health: { lastSuccessAt?: string } }> };
    assert.deepEqual(listed.channels.map((channel) => [channel.name, channel.state]), [['deploys', 'ok'], ['ops', 'ok']]);

    const deliveries = await runCli(['notifications', 'deliveries', '--channel', 'ops', '--json']);
    assert.deepEqual((JSON.parse(deliveries.stdout) as { deliveries: Array<{ deliveryId: string }> }).deliveries.map((delivery) => delivery.deliveryId), [delivered['deliveryId']]);

    const requests = slack.received.length;
    const dry = await runCli(['notifications', 'replay', String(delivered['deliveryId']), '--dry-run']);
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /^Would replay msg_/);
    const replay = await runCli(['notifications', 'replay', String(delivered['deliveryId'])]);
    assert.equal(replay.code, 0, replay.stderr);
    const again = await deliveryWithStatus(stack.documents, announcement.id, 'ops', 'delivered');
    assert.equal(again['replays'], 1);
    assert.equal(slack.received.filter((request) => request.path === '/webhook/ops').length - slack.received.slice(0, requests).filter((request) => request.path === '/webhook/ops').length, 1);

    const test = await runCli(['notifications', 'test', 'ops']);
    assert.equal(test.code, 0, test.stderr);
    assert.match(test.stdout, /test delivery msg_\w+ to ops: delivered/);
    const unknown = await runCli(['notifications', 'test', 'nope', '--dry-run']);
    assert.equal(unknown.code, 1);
  });
});
