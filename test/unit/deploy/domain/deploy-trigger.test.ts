import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentIdFor, pinnedImageUri, servicesTrackingPush, tagMatches } from '../../../../functions/deploy/domain/deploy-trigger.ts';
import { DIGEST } from '../../../fixtures/aws-events.ts';

describe('tagMatches', () => {
  const cases: Array<[string, string | undefined, boolean]> = [
    ['*', 'anything', true],
    ['*', undefined, false],
    ['v*', 'v1.2.3', true],
    ['v*', 'release-1', false],
    ['main-*-arm64', 'main-7f3a2c1-arm64', true],
    ['main-*-arm64', 'main-7f3a2c1-amd64', false],
    ['1.2.3', '1.2.3', true],
    ['1.2.3', '1x2x3', false],
    ['latest', 'latest-rc', false],
  ];
  for (const [pattern, tag, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${tag ?? 'an untagged push'}`, () => assert.equal(tagMatches(pattern, tag), expected));
  }
});

describe('servicesTrackingPush', () => {
  it('selects the services tracking the repository with a matching tag pattern', () => {
    const tracked = [
      { cluster: 'prod', service: 'web', repository: 'web', tagPattern: 'v*' },
      { cluster: 'staging', service: 'web', repository: 'web', tagPattern: '*' },
      { cluster: 'prod', service: 'api', repository: 'api', tagPattern: '*' },
    ];
    assert.deepEqual(servicesTrackingPush(tracked, { repository: 'web', tag: 'v2' }).map((target) => `${target.cluster}/${target.service}`), ['prod/web', 'staging/web']);
    assert.deepEqual(servicesTrackingPush(tracked, { repository: 'web', tag: 'nightly' }).map((target) => target.cluster), ['staging']);
  });
});

describe('pinnedImageUri', () => {
  it('pins the repository by digest in the pushing account and region', () => {
    assert.equal(pinnedImageUri({ account: '111122223333', region: 'eu-west-1', repository: 'team/web', digest: DIGEST }), `111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/web@${DIGEST}`);
    assert.match(pinnedImageUri({ account: '111122223333', region: 'cn-north-1', repository: 'web', digest: DIGEST }), /\.amazonaws\.com\.cn\//);
  });
});

describe('deploymentIdFor', () => {
  const target = { cluster: 'prod', service: 'web', image: `web@${DIGEST}` };
  it('is the same for the same service and image (a redelivered push)', () => assert.equal(deploymentIdFor(target), deploymentIdFor({ ...target })));
  it('differs per service, cluster, image and operator request', () => {
    const ids = new Set([target, { ...target, cluster: 'staging' }, { ...target, service: 'api' }, { ...target, image: 'web@sha256:other' }, { ...target, requestId: 'r1' }].map(deploymentIdFor));
    assert.equal(ids.size, 5);
  });
  it('is a valid execution name (≤ 80 of [A-Za-z0-9_-]) even for a 255-character service name', () => {
    assert.match(deploymentIdFor({ ...target, service: 's'.repeat(255) }), /^[A-Za-z0-9_-]{1,80}$/);
  });
});
