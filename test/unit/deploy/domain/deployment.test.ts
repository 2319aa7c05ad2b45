import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentOutcomeNotification, deployRequestIsNewer, deployRequestOf, type DeploymentOutcome } from '../../../../functions/deploy/domain/deployment.ts';

describe('deployRequestIsNewer', () => {
  const request = (pushedAt: string, requestedAt: string, deploymentId = 'web-a') => ({ pushedAt, requestedAt, deploymentId });
  const cases: Array<[string, ReturnType<typeof request>, ReturnType<typeof request>, boolean]> = [
    ['a later push second wins, whenever it arrived', request('2026-11-20T10:00:06.000Z', '2026-11-20T10:00:06.100Z'), request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:09.000Z'), true],
    ['an earlier push second loses, even if it arrived later', request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:09.000Z'), request('2026-11-20T10:00:06.000Z', '2026-11-20T10:00:06.100Z'), false],
    ['within one push second, the one received later wins', request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:05.420Z'), request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:05.410Z'), true],
    ['received in the same millisecond: the deployment id decides, the same way every time', request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:05.420Z', 'web-b'), request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:05.420Z', 'web-a'), true],
    ['a request is not newer than itself', request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:05.420Z'), request('2026-11-20T10:00:05.000Z', '2026-11-20T10:00:05.420Z'), false],
  ];
  for (const [name, candidate, current, expected] of cases) {
    it(name, () => assert.equal(deployRequestIsNewer(candidate, current), expected));
  }
});

describe('deployRequestOf', () => {
  it('keeps the request fields of a stored item and drops the rest', () => {
    const item = { pk: 'SERVICE#prod#web', sk: 'DEPLOYMENT#web-a', kind: 'deployment', status: 'STARTING', gsi1pk: 'x', deploymentId: 'web-a', cluster: 'prod', service: 'web', image: 'img@sha256:1', trigger: 'image-push', pushedAt: 'p', requestedAt: 'r', tag: 'v1' };
    assert.deepEqual(deployRequestOf(item), { deploymentId: 'web-a', cluster: 'prod', service: 'web', image: 'img@sha256:1', tag: 'v1', trigger: 'image-push', pushedAt: 'p', requestedAt: 'r' });
  });
});

describe('deploymentOutcomeNotification', () => {
  const cases: Array<[DeploymentOutcome, string, string]> = [
    ['SUCCEEDED', 'deploy-succeeded', 'prod/web deployed img'],
    ['ROLLED_BACK', 'deploy-rolled-back', 'prod/web rolled back img: why'],
    ['FAILED', 'deploy-failed', 'prod/web failed to deploy img: why'],
    ['STOPPED', 'deploy-stopped', 'prod/web stopped deploying img: why'],
    ['TIMED_OUT', 'deploy-timed-out', 'prod/web timed out deploying img: why'],
  ];
  for (const [outcome, kind, subject] of cases) {
    it(`announces ${outcome} as ${kind}`, () => {
      const notification = deploymentOutcomeNotification({ deploymentId: 'web-a', cluster: 'prod', service: 'web', outcome, image: 'img', ...(outcome === 'SUCCEEDED' ? {} : { reason: 'why' }), endedAt: 'now', notify: [] });
      assert.equal(notification.kind, kind);
      assert.equal(notification.id, `${kind}#web-a`);
      assert.equal(notification.subject, subject);
    });
  }
});
