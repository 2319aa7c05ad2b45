import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageReference } from '../../../../functions/deploy/domain/image-reference.ts';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

describe('parseImageReference', () => {
  const accepted: Array<[string, ReturnType<typeof parseImageReference>]> = [
    ['v1.2', { kind: 'tag', tag: 'v1.2' }],
    ['latest', { kind: 'tag', tag: 'latest' }],
    ['web:v1.2', { kind: 'tag', tag: 'v1.2', repository: 'web' }],
    ['team/web:2026-01-01_build.7', { kind: 'tag', tag: '2026-01-01_build.7', repository: 'team/web' }],
    [`${REGISTRY}/web:v1`, { kind: 'tag', tag: 'v1', registry: REGISTRY, repository: 'web' }],
    [DIGEST, { kind: 'digest', digest: DIGEST }],
    [`web@${DIGEST}`, { kind: 'digest', digest: DIGEST, repository: 'web' }],
    [`team/web@${DIGEST}`, { kind: 'digest', digest: DIGEST, repository: 'team/web' }],
    [`${REGISTRY}/team/web@${DIGEST}`, { kind: 'digest', digest: DIGEST, registry: REGISTRY, repository: 'team/web' }],
    [`localhost:5000/web@${DIGEST}`, { kind: 'digest', digest: DIGEST, registry: 'localhost:5000', repository: 'web' }],
    // A tag beside the digest is only a label: the digest deploys.
    [`web:v1@${DIGEST}`, { kind: 'digest', digest: DIGEST, repository: 'web' }],
  ];
  for (const [reference, expected] of accepted) {
    it(`reads ${reference}`, () => assert.deepEqual(parseImageReference(reference), expected));
  }

  const refused: Array<[string, RegExp]> = [
    ['sha256:abc', /sha256:abc is not a digest \(sha256: and 64 lower-case hex digits\)/],
    [`web@sha256:${'AB12'.repeat(16)}`, /after @ is not a digest/],
    ['web@latest', /latest after @ is not a digest/],
    ['team/web', /team\/web names a repository but no tag/],
    ['web:bad tag', /bad tag is not a valid tag/],
    ['-v1', /-v1 is not a valid tag/],
    [`@${DIGEST}`, /names no repository/],
  ];
  for (const [reference, problem] of refused) {
    it(`refuses ${reference}, saying what it accepts`, () => {
      const parsed = parseImageReference(reference);
      assert.equal(parsed.kind, 'invalid');
      assert.match('problem' in parsed ? parsed.problem : '', problem);
      assert.match('problem' in parsed ? parsed.problem : '', /; pass a tag \(v1\.2\), a digest \(sha256:<64 hex>\), or a reference pinned by digest/);
    });
  }
});
