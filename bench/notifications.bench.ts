import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countCommands } from './call-counter.ts';
import { countItemWrites, readTableDefinitions } from './item-writes.ts';
import { sharedDocumentClient } from '../functions/kernel/aws/clients.ts';
import type { Notification } from '../functions/kernel/notifications.ts';
import { notificationItem } from '../functions/kernel/store/state-items.ts';
import { startLocalAws } from '../local/local-aws.ts';
import { startSlackReceiver, startWebhookReceiver } from '../local/receivers.ts';
import { putSecureParameters, signingSecret } from '../test/integration/notify/notify-support.ts';
import { waitFor } from '../local/wait.ts';

/**
 * Notifications benchmark: announcements written to the outbox (25 per BatchWriteItem, as a busy account's
 * capabilities would) travel stream → notifier → delivery queue → deliverer → a loopback Slack webhook and a signed
 * webhook, on the local AWS. Figures: deliveries per second end to end, DynamoDB calls and item writes (table + index,
 * bench/item-writes.ts) per delivered announcement and per delivery. Baselines, stated: for throughput, the same
 * requests POSTed straight to the same receivers from this process (the HTTP floor, no bookkeeping); for writes, 2
 * item writes per delivery (recording it and its outcome: the least an exactly-once record can cost).
 */

const ANNOUNCEMENTS = Number(process.env['BENCH_ANNOUNCEMENTS'] ?? 200);
const CHANNELS = 2;
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
const dynamoCalls = countCommands(sharedDocumentClient());

const aws = await startLocalAws({ stage: 'bench' });
const slack = await startSlackReceiver();
const secret = signingSecret();
const hooks = await startWebhookReceiver({ secrets: [secret] });
try {
  await aws.deployStack();
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig));
  await putSecureParameters(aws.clientConfig, { '/harbormaster/bench/slack': `${slack.url}/webhook/bench`, '/harbormaster/bench/hook': `${hooks.url}/hook`, '/harbormaster/bench/secret': secret });
  const tables = { state: 'harbormaster-bench-state', outbox: 'harbormaster-bench-outbox' };
  const { ConfigStore } = await import('../functions/config/index.ts');
  await new ConfigStore(documents, tables.state).putNotificationsConfig(
    { channels: { slack: { type: 'slack-webhook', url: { ssmParameter: '/harbormaster/bench/slack' } }, audit: { type: 'webhook', url: { ssmParameter: '/harbormaster/bench/hook' }, signingSecrets: [{ ssmParameter: '/harbormaster/bench/secret' }] } } },
    0,
  );
  const itemWrites = countItemWrites(sharedDocumentClient(), readTableDefinitions(), documents);
  dynamoCalls.length = 0;
  itemWrites.reset();
  const announcements: Notification[] = Array.from({ length: ANNOUNCEMENTS }, (_, index) => ({
    id: `task-failed#bench-${index}`,
    kind: 'task-failed',
    subject: `A task of service shop in cluster demo failed: EssentialContainerExited (bench ${index})`,
    cluster: 'demo',
    service: 'shop',
    details: { stopCode: 'EssentialContainerExited', exitCodes: { app: 1 } },
    createdAt: new Date().toISOString(),
  }));
  const started = performance.now();
  for (let start = 0; start < announcements.length; start += 25) {
    await documents.send(new BatchWriteCommand({ RequestItems: { [tables.outbox]: announcements.slice(start, start + 25).map((announcement) => ({ PutRequest: { Item: notificationItem(announcement) } })) } }));
  }
  await waitFor('every delivery', async () => slack.received.length + hooks.received.length >= ANNOUNCEMENTS * CHANNELS, 300_000, 50);
  const elapsed = (performance.now() - started) / 1000;
  await aws.runtime.idle(60_000);
  const deliveries = ANNOUNCEMENTS * CHANNELS;

  // The floor: the same bodies POSTed straight to the receivers, 10 at a time (the deliverer's batch).
  const bodies = [...slack.received.slice(0, ANNOUNCEMENTS), ...hooks.received.slice(0, ANNOUNCEMENTS)].map((request) => ({ url: `${request.path.startsWith('/webhook') ? slack.url : hooks.url}${request.path}`, request }));
  const directStarted = performance.now();
  for (let start = 0; start < bodies.length; start += 10) {
    await Promise.all(bodies.slice(start, start + 10).map(({ url, request }) => fetch(url, { method: 'POST', headers: { ...request.headers, host: new URL(url).host }, body: request.body })));
  }
  const direct = (performance.now() - directStarted) / 1000;

  const writes = itemWrites.table + itemWrites.index;
  const rows = [
    {
      figure: 'deliveries/s end to end',
      measured: (deliveries / elapsed).toFixed(1),
      baseline: (deliveries / direct).toFixed(1),
      'measured ÷ baseline': (deliveries / elapsed / (deliveries / direct)).toFixed(3),
    },
    { figure: 'item writes per delivered announcement', measured: (writes / ANNOUNCEMENTS).toFixed(2), baseline: (2 * CHANNELS).toFixed(2), 'measured ÷ baseline': (writes / ANNOUNCEMENTS / (2 * CHANNELS)).toFixed(2) },
    { figure: 'item writes per delivery (of which index)', measured: `${(writes / deliveries).toFixed(2)} (${(itemWrites.index / deliveries).toFixed(2)})`, baseline: '2.00', 'measured ÷ baseline': (writes / deliveries / 2).toFixed(2) },
    { figure: 'DynamoDB calls per delivery', measured: (dynamoCalls.length / deliveries).toFixed(2), baseline: '-', 'measured ÷ baseline': [...new Set(dynamoCalls)].join('+') },
  ];
  console.log(`Notifications: ${ANNOUNCEMENTS} announcements × ${CHANNELS} channels (Slack webhook + signed webhook) through outbox stream → notifier → SQS → deliverer on the local AWS`);
  console.table(rows);
  const byFunction = new Map<string, number[]>();
  for (const call of aws.runtime.invocations) byFunction.set(call.functionName, [...(byFunction.get(call.functionName) ?? []), call.durationMs]);
  console.table(
    [...byFunction].map(([name, durations]) => {
      const sorted = durations.sort((a, b) => a - b);
      return { function: name, invocations: sorted.length, 'ms p50': sorted[Math.floor(sorted.length / 2)]?.toFixed(1), 'ms total': sorted.reduce((sum, ms) => sum + ms, 0).toFixed(0) };
    }),
  );
  console.log(`${hooks.received.slice(0, ANNOUNCEMENTS).filter((request) => request.verified).length} of ${ANNOUNCEMENTS} webhooks verified by the receiver; ${elapsed.toFixed(1)} s end to end vs ${direct.toFixed(2)} s of plain POSTs`);
} finally {
  await slack.stop();
  await hooks.stop();
  await aws.stop();
}
