import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notificationsView, scalingSeries, scalingWindow, serviceActions, snapshotFingerprint } from '../../../../cli/dashboard/shaping.ts';
import { lookInterval, OVERVIEW_MIN_INTERVAL_MS } from '../../../../cli/dashboard/views.ts';
import type { DeploymentRecord, DeployProgress, ServiceStatus } from '../../../../functions/deploy/index.ts';
import type { ChannelView, DeliveryRecord } from '../../../../functions/notify/index.ts';
import type { ScalingHistoryEntry } from '../../../../functions/scaling/index.ts';

const IMAGE = { uri: 'repo/web@sha256:0', label: 'web@sha256:0' };

function status(deploy?: Partial<DeployProgress>, inFlight = deploy !== undefined): ServiceStatus {
  return {
    name: 'web',
    cluster: 'c',
    service: 'web',
    observedAt: '2026-12-02T10:00:00.000Z',
    found: true,
    inFlight,
    problems: [],
    taskSets: [],
    ...(deploy
      ? {
          deploy: {
            deploymentId: 'web-1',
            status: 'IN_PROGRESS',
            trigger: 'image-push',
            image: IMAGE,
            requestedAt: '2026-12-02T09:59:00.000Z',
            elapsedSeconds: 60,
            greenWeight: 0,
            steps: [],
            abortRequested: false,
            fastTrack: false,
            approved: false,
            ...deploy,
          },
        }
      : {}),
  };
}

const record = (status: string): DeploymentRecord => ({ deploymentId: `web-${status}`, status, image: IMAGE, trigger: 'image-push', requestedAt: '2026-12-02T09:00:00.000Z' });

describe('serviceActions', () => {
  const cases: { name: string; status: ServiceStatus; history?: DeploymentRecord[]; deploy?: boolean; expected: Record<string, unknown> }[] = [
    { name: 'at the approval gate: approve, promote, abort', status: status({ waitingFor: 'approval' }), expected: { approve: true, promote: true, abort: true, rollback: false, deploymentId: 'web-1' } },
    { name: 'approved already: no second approve', status: status({ waitingFor: 'approval', approved: true }), expected: { approve: false, promote: true, abort: true, rollback: false, deploymentId: 'web-1' } },
    { name: 'baking: promote and abort', status: status({ waitingFor: 'shift' }), expected: { approve: false, promote: true, abort: true, rollback: false, deploymentId: 'web-1' } },
    { name: 'green coming up: only abort', status: status({ waitingFor: 'stabilize' }), expected: { approve: false, promote: false, abort: true, rollback: false, deploymentId: 'web-1' } },
    { name: 'abort requested: nothing more', status: status({ waitingFor: 'approval', abortRequested: true }), expected: { approve: false, promote: false, abort: false, rollback: false, deploymentId: 'web-1' } },
    { name: 'idle with a success: rollback', status: status(), history: [record('ROLLED_BACK'), record('SUCCEEDED')], expected: { approve: false, promote: false, abort: false, rollback: true } },
    { name: 'idle, never succeeded: nothing', status: status(), history: [record('ROLLED_BACK')], expected: { approve: false, promote: false, abort: false, rollback: false } },
    { name: 'queued behind nothing yet: no rollback', status: status(undefined, true), history: [record('SUCCEEDED')], expected: { approve: false, promote: false, abort: false, rollback: false } },
    { name: 'no deploy configuration: nothing', status: status({ waitingFor: 'approval' }), history: [record('SUCCEEDED')], deploy: false, expected: { approve: false, promote: false, abort: false, rollback: false } },
  ];
  for (const { name, status: given, history, deploy, expected } of cases) {
    it(name, () => assert.deepEqual(serviceActions(given, history ?? [], deploy ?? true), expected));
  }
});

const entry = (at: string, from: number | null, to: number | null, metric: number | null): ScalingHistoryEntry => ({
  at,
  alarmName: 'cpu-high',
  executionName: 'x',
  evaluation: 1,
  metric,
  threshold: 70,
  step: null,
  fromCapacity: from,
  toCapacity: to,
  outcome: to === null ? 'no-action' : 'scaled',
  reason: '',
});

describe('scalingSeries', () => {
  const scaledOut = entry('2026-12-02T10:05:00.000Z', 2, 4, 85);
  const held = entry('2026-12-02T10:07:00.000Z', 4, null, 90);
  const scaledIn = entry('2026-12-02T10:10:00.000Z', 4, 3, 15);
  const cases: { name: string; entries: ScalingHistoryEntry[]; metric: Parameters<typeof scalingSeries>[1]; now?: Parameters<typeof scalingSeries>[2]; expected: ReturnType<typeof scalingSeries> }[] = [
    {
      name: 'no activity and no datapoints: nothing to chart, not a lone point for the count now',
      entries: [],
      metric: { name: 'CPUUtilization', points: [] },
      now: { at: '2026-12-02T10:20:00.000Z', desiredCount: 2 },
      expected: { metricName: 'CPUUtilization', points: [] },
    },
    {
      name: 'without CloudWatch datapoints: the activities’ counts and metric values, oldest first, then the count now',
      entries: [scaledIn, held, scaledOut],
      metric: { points: [] },
      now: { at: '2026-12-02T10:20:00.000Z', desiredCount: 3 },
      expected: {
        points: [
          { at: scaledOut.at, desiredCount: 4, metric: 85 },
          { at: held.at, desiredCount: 4, metric: 90 },
          { at: scaledIn.at, desiredCount: 3, metric: 15 },
          { at: '2026-12-02T10:20:00.000Z', desiredCount: 3 },
        ],
      },
    },
    {
      name: 'with CloudWatch datapoints: those are the metric, merged with an activity at the same time; the count starts from the oldest activity’s',
      entries: [scaledOut],
      metric: { name: 'CPUUtilization', points: [{ at: '2026-12-02T10:04:00.000Z', value: 60 }, { at: scaledOut.at, value: 84 }] },
      expected: {
        metricName: 'CPUUtilization',
        points: [
          { at: '2026-12-02T10:04:00.000Z', metric: 60, desiredCount: 2 },
          { at: scaledOut.at, desiredCount: 4, metric: 84 },
        ],
      },
    },
    { name: 'nothing recorded: no points', entries: [], metric: { points: [] }, now: { at: '2026-12-02T10:20:00.000Z' }, expected: { points: [] } },
  ];
  for (const { name, entries, metric, now, expected } of cases) {
    it(name, () => assert.deepEqual(scalingSeries(entries, metric, now), expected));
  }
});

describe('scalingWindow', () => {
  const now = new Date('2026-12-02T12:00:00.000Z');
  const cases = [
    { name: 'at least the last hour', entries: [entry('2026-12-02T11:50:00.000Z', 1, 2, 1)], from: '2026-12-02T11:00:00.000Z' },
    { name: 'back to the oldest activity', entries: [entry('2026-12-02T11:50:00.000Z', 1, 2, 1), entry('2026-12-02T08:00:00.000Z', 1, 2, 1)], from: '2026-12-02T08:00:00.000Z' },
    { name: 'at most a day', entries: [entry('2026-11-20T08:00:00.000Z', 1, 2, 1)], from: '2026-12-01T12:00:00.000Z' },
  ];
  for (const { name, entries, from } of cases) {
    it(name, () => assert.deepEqual(scalingWindow(entries, now), { from: new Date(from), to: now }));
  }
});

describe('notificationsView', () => {
  it('keeps channel health and drops each delivery’s announcement body', () => {
    const channel: ChannelView = { name: 'deploys', type: 'slack-bot', route: { events: ['deploy-*'], services: ['*'], minSeverity: 'info' }, state: 'failing', health: { lastFailureAt: '2026-12-02T10:00:00.000Z', lastFailure: 'HTTP 500' } } as ChannelView;
    const delivery = {
      deliveryId: 'msg_1',
      announcementId: 'a1',
      announcementKind: 'deploy-succeeded',
      channel: 'deploys',
      status: 'delivered',
      attempts: 1,
      createdAt: '2026-12-02T10:00:00.000Z',
      updatedAt: '2026-12-02T10:00:01.000Z',
      lastStatusCode: 200,
      announcement: { subject: 'anything at all' },
    } as unknown as DeliveryRecord;
    assert.deepEqual(notificationsView(new Date('2026-12-02T10:01:00.000Z'), [channel], [delivery]), {
      observedAt: '2026-12-02T10:01:00.000Z',
      channels: [{ name: 'deploys', type: 'slack-bot', state: 'failing', lastFailureAt: '2026-12-02T10:00:00.000Z', lastError: 'HTTP 500' }],
      deliveries: [{ deliveryId: 'msg_1', channel: 'deploys', announcementKind: 'deploy-succeeded', status: 'delivered', attempts: 1, createdAt: '2026-12-02T10:00:00.000Z', updatedAt: '2026-12-02T10:00:01.000Z', lastStatusCode: 200 }],
    });
  });
});

describe('snapshotFingerprint', () => {
  const cases = [
    { name: 'a later look at the same state', a: { observedAt: '1', status: { observedAt: '1', x: 1 } }, b: { observedAt: '2', status: { observedAt: '2', x: 1 } }, same: true },
    { name: 'a change below', a: { observedAt: '1', status: { x: 1 } }, b: { observedAt: '1', status: { x: 2 } }, same: false },
  ];
  for (const { name, a, b, same } of cases) {
    it(name, () => assert.equal(snapshotFingerprint(a) === snapshotFingerprint(b), same));
  }
});

describe('lookInterval', () => {
  const cases = [
    { view: 'service:web', intervalMs: 2000, expected: 2000 },
    { view: 'schedules', intervalMs: 500, expected: 500 },
    { view: 'overview', intervalMs: 2000, expected: OVERVIEW_MIN_INTERVAL_MS },
    { view: 'overview', intervalMs: 30_000, expected: 30_000 },
  ];
  for (const { view, intervalMs, expected } of cases) {
    it(`${view} at --interval ${intervalMs} ms looks every ${expected} ms`, () => assert.equal(lookInterval(view, intervalMs), expected));
  }
});
