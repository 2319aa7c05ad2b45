import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNotificationsConfig } from '../../../functions/notify/config.ts';
import type { Announcement } from '../../../functions/notify/domain/announcement.ts';
import { cardOf, describeImage } from '../../../functions/notify/domain/card.ts';
import { kindEntry } from '../../../functions/notify/domain/catalog.ts';
import { httpVerdict, retryDelaySeconds, slackApiVerdict } from '../../../functions/notify/domain/delivery.ts';
import { routeAnnouncement } from '../../../functions/notify/domain/routing.ts';
import { APPROVAL_BLOCK_ID, slackMessage } from '../../../functions/notify/domain/slack-message.ts';

const ref = (name: string) => ({ ssmParameter: `/harbormaster/test/${name}` });
const config = parseNotificationsConfig({
  channels: {
    all: { type: 'slack-webhook', url: ref('a') },
    deploys: { type: 'slack-webhook', url: ref('b'), route: { events: ['deploy-*'], services: ['shop', 'prod/api'] } },
    pager: { type: 'webhook', url: ref('c'), signingSecrets: [ref('d')], route: { minSeverity: 'critical' } },
  },
  services: { 'noisy-*': { channels: ['pager'] } },
});

const announcement = (kind: string, extra: Partial<Announcement> = {}): Announcement => ({ id: `${kind}#1`, kind, subject: `${kind} happened`, cluster: 'prod', service: 'shop', details: {}, createdAt: '2026-12-02T10:00:00.000Z', ...extra });
const channels = (a: Announcement) => routeAnnouncement({ kind: a.kind, cluster: a.cluster, service: a.service, routes: Array.isArray(a.details['routes']) ? (a.details['routes'] as string[]) : [] }, config).map((decision) => decision.skipped ? `${decision.channel}(skipped)` : decision.channel);

describe('routing', () => {
  const cases: Array<[string, Announcement, string[]]> = [
    ['an info task failure goes where events and services match', announcement('task-failed'), ['all']],
    ['a critical rollback also pages', announcement('deploy-rolled-back'), ['all', 'deploys', 'pager']],
    ['cluster/service patterns match', announcement('deploy-succeeded', { service: 'api' }), ['all', 'deploys']],
    ['account-wide announcements match * only', announcement('cleanup-failed', { cluster: undefined, service: undefined }), ['all', 'pager']],
    ['a per-service override replaces the channels', announcement('deploy-rolled-back', { service: 'noisy-worker' }), ['pager']],
    ['the override still applies the channel severity', announcement('task-failed', { service: 'noisy-worker' }), []],
    ['routes the announcement names win', announcement('deploy-succeeded', { details: { routes: ['deploys', 'nope'] } }), ['deploys', 'nope(skipped)']],
    ['a new kind routes by its name', announcement('schedule-run-failed'), ['all', 'pager']],
    ['named routes still apply the channel severity', announcement('deploy-succeeded', { details: { routes: ['pager'] } }), []],
    ['a test reaches its channel whatever the severity', announcement('notification-test', { details: { routes: ['pager'] } }), ['pager']],
  ];
  for (const [what, input, expected] of cases) it(what, () => assert.deepEqual(channels(input), expected));
});

describe('the kind table', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['deploy-rolled-back', 'critical', 'Deploy rolled back', true],
    ['deploy-approval-requested', 'warning', 'Deploy waiting for approval', true],
    ['schedule-run-failed', 'critical', 'Schedule run failed', false],
    ['analysis-passed', 'info', 'Analysis passed', false],
  ];
  for (const [kind, severity, title, known] of cases) it(kind, () => assert.deepEqual(kindEntry(kind), { severity, title, known }));
});

describe('cards', () => {
  const cases: Array<[string, Announcement, Record<string, string>]> = [
    [
      'a rollback: image tag and short digest, reason, failing value',
      announcement('deploy-rolled-back', { details: { deploymentId: 'd1', image: `shop:v3@sha256:${'ab'.repeat(32)}`, outcome: 'ROLLED_BACK', reason: 'alarm shop-5xx in ALARM', failingValue: 12.5 } }),
      { Service: 'prod/shop', Image: 'v3 @ sha256:abababababab', Outcome: 'ROLLED_BACK', Reason: 'alarm shop-5xx in ALARM', 'Failing value': '12.5' },
    ],
    [
      'a step: strategy, step, weights, duration',
      announcement('deploy-step-completed', { details: { strategy: { type: 'canary', percent: 10, bakeMinutes: 5 }, step: 'traffic-10', stepIndex: 2, stepCount: 6, weights: { blue: 90, green: 10 }, startedAt: '2026-12-02T09:58:30.000Z' } }),
      { Service: 'prod/shop', Strategy: 'canary 10%, bake 5 min', Step: 'traffic-10 (3/6)', Weights: 'blue 90% · green 10%', Duration: '1m 30s' },
    ],
    ['a failed task: stop code and exit codes', announcement('task-failed', { details: { stopCode: 'EssentialContainerExited', exitCodes: { app: 1, sidecar: 0 }, reason: 'EssentialContainerExited' } }), { Service: 'prod/shop', Reason: 'EssentialContainerExited', 'Stop code': 'EssentialContainerExited', 'Exit codes': 'app: 1, sidecar: 0' }],
    ['scaling', announcement('scale-activity', { details: { alarmName: 'cpu-high', fromCapacity: 2, toCapacity: 4, metric: 91, threshold: 70 } }), { Service: 'prod/shop', Alarm: 'cpu-high', Capacity: '2 → 4', Metric: '91 (threshold 70)' }],
    ['cleanup totals', announcement('cleanup-completed', { cluster: undefined, service: undefined, details: { totals: { deregistered: 3, deleted: 1, kept: 10, families: 2 } } }), { Revisions: '3 deregistered, 1 deleted, 10 kept in 2 families' }],
    ['an unknown kind: its details as fields', announcement('schedule-run-skipped', { details: { schedule: 'nightly', overlap: 'skip', routes: ['x'] } }), { Service: 'prod/shop', schedule: 'nightly', overlap: 'skip' }],
  ];
  for (const [what, input, facts] of cases) {
    it(what, () => assert.deepEqual(Object.fromEntries(cardOf(input).facts.map((fact) => [fact.label, fact.value])), facts));
  }

  it('approval cards carry the three buttons, each naming the deployment', () => {
    const input = announcement('deploy-approval-requested', { details: { deploymentId: 'shop-123' } });
    const message = slackMessage(cardOf(input), input.kind, input.createdAt);
    const actions = message.attachments[0]?.blocks.find((block) => block['block_id'] === APPROVAL_BLOCK_ID) as { elements: Array<{ action_id: string; value: string }> };
    assert.deepEqual(actions.elements.map((button) => button.action_id), ['approve', 'abort', 'fast-track']);
    for (const button of actions.elements) assert.deepEqual(JSON.parse(button.value), { cluster: 'prod', service: 'shop', deploymentId: 'shop-123' });
    assert.equal(message.attachments[0]?.color, '#ECB22E');
    assert.equal(message.text, 'Deploy waiting for approval: deploy-approval-requested happened');
  });

  it('describes images without a digest or tag', () => {
    assert.equal(describeImage('registry.example.com:5000/shop:v1'), 'v1');
    assert.equal(describeImage(`shop@sha256:${'0'.repeat(64)}`), 'sha256:000000000000');
  });
});

describe('delivery verdicts and the retry schedule', () => {
  const verdicts: Array<[number, string | undefined, string]> = [
    [200, undefined, 'delivered'],
    [204, undefined, 'delivered'],
    [410, undefined, 'disable'],
    [429, '30', 'retry'],
    [503, undefined, 'retry'],
    [408, undefined, 'retry'],
    [404, undefined, 'fail'],
    [301, undefined, 'fail'],
  ];
  for (const [status, retryAfter, outcome] of verdicts) it(`HTTP ${status} → ${outcome}`, () => assert.equal(httpVerdict(status, retryAfter, '').outcome, outcome));

  it('honours Retry-After when it is longer than the schedule', () => {
    const verdict = httpVerdict(429, '120', '');
    assert.equal(verdict.outcome === 'retry' ? verdict.retryAfterSeconds : undefined, 120);
    assert.equal(retryDelaySeconds(1, 0.5, { retryAfterSeconds: 120 }), 120);
  });

  it('spreads each pause by ±20 % and ends after the seventh', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelaySeconds(attempt, 0.5)), [5, 300, 1800, 7200, 18000, 36000, 86400]);
    assert.equal(retryDelaySeconds(2, 0), 240);
    assert.equal(retryDelaySeconds(2, 1), 360);
    assert.equal(retryDelaySeconds(8, 0.5), undefined);
  });

  const slack: Array<[string, string]> = [
    ['{"ok":true,"ts":"1.2","channel":"C1"}', 'delivered'],
    ['{"ok":false,"error":"ratelimited"}', 'retry'],
    ['{"ok":false,"error":"channel_is_archived"}', 'disable'],
    ['{"ok":false,"error":"channel_not_found"}', 'fail'],
  ];
  for (const [body, outcome] of slack) it(`Slack ${body} → ${outcome}`, () => assert.equal(slackApiVerdict(200, undefined, body).outcome, outcome));
});

describe('the notifications section', () => {
  it('refuses secrets outside the notifier’s prefixes and overrides naming unknown channels', () => {
    assert.throws(
      () => parseNotificationsConfig({ channels: { a: { type: 'slack-webhook', url: { ssmParameter: '/other/url' } } }, services: { shop: { channels: ['b'] } } }),
      (error: Error & { problems?: string[] }) =>
        error.problems?.some((problem) => problem.startsWith('channels.a.url')) === true && error.problems.some((problem) => problem.startsWith('services.shop.channels.0')),
    );
  });
});

describe('the webhook payload', () => {
  it('matches its versioned schema for known and unknown kinds', async () => {
    const { webhookPayloadSchemaV1 } = await import('../../../functions/notify/webhook-schema.ts');
    const { webhookPayload } = await import('../../../functions/notify/domain/webhook-payload.ts');
    for (const input of [announcement('deploy-rolled-back', { details: { routes: ['x'], reason: 'r' } }), announcement('cleanup-completed', { cluster: undefined, service: undefined }), announcement('analysis-failed')]) {
      const payload = webhookPayload(input);
      assert.deepEqual(webhookPayloadSchemaV1.parse(payload), payload);
      assert.equal('routes' in payload.data.details, false, 'routing is internal');
    }
  });
});

describe('the stored section, as the notifier reads it', () => {
  it('reads back exactly what apply stores', async () => {
    const { readStoredNotificationsConfig } = await import('../../../functions/notify/domain/stored-config.ts');
    assert.deepEqual(readStoredNotificationsConfig(JSON.parse(JSON.stringify(config))), config);
  });

  const broken: Array<[string, unknown, string]> = [
    ['an unknown channel type', { channels: { a: { type: 'email', route: config.channels['all']?.route } } }, 'channels.a.type'],
    ['a secret given inline', { channels: { a: { type: 'slack-webhook', url: 'https://example.com', route: config.channels['all']?.route } } }, 'channels.a.url'],
    ['a severity the notifier does not know', { channels: { a: { type: 'slack-webhook', url: { ssmParameter: '/harbormaster/x' }, route: { events: ['*'], services: ['*'], minSeverity: 'loud' } } } }, 'channels.a.route.minSeverity'],
    ['an override without channels', { services: { shop: {} } }, 'services.shop.channels'],
  ];
  for (const [what, stored, field] of broken) {
    it(`refuses ${what}, naming ${field}`, async () => {
      const { readStoredNotificationsConfig } = await import('../../../functions/notify/domain/stored-config.ts');
      assert.throws(() => readStoredNotificationsConfig(stored), (error: Error & { problems?: string[] }) => error.problems?.some((problem) => problem.startsWith(field)) === true);
    });
  }
});
