import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { parseImageAction } from '../../../../functions/ingestion/domain/image-push.ts';
import { DIGEST, awsSample, imageDeletion, imagePush } from '../../../fixtures/aws-events.ts';

describe('parseImageAction', () => {
  const read: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    [
      "AWS's image deletion sample",
      awsSample('ecrImageDelete'),
      {
        action: 'DELETE',
        repository: 'my-repository-name',
        digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
        tag: 'latest',
        deletedAt: '2019-11-16T02:01:05.000Z',
        account: '123456789012',
        region: 'us-west-2',
        eventId: 'dd3b46cb-2c74-f49e-393b-28286b67279d',
      },
    ],
    [
      "AWS's image push sample, with a sha256 digest",
      { ...awsSample('ecrImagePush'), detail: { ...awsSample('ecrImagePush').detail, 'image-digest': DIGEST } },
      {
        action: 'PUSH',
        repository: 'my-repository-name',
        digest: DIGEST,
        tag: 'latest',
        pushedAt: '2019-11-16T01:54:34.000Z',
        account: '123456789012',
        region: 'us-west-2',
        eventId: '13cde686-328b-6117-af20-0e5566167482',
      },
    ],
    ['a push by digest only (no tag)', imagePush({ 'image-tag': undefined }, { id: 'p' }), { action: 'PUSH', repository: 'web', digest: DIGEST, pushedAt: '2026-11-20T10:00:05.000Z', account: '111122223333', region: 'us-east-1', eventId: 'p' }],
    ['a deletion of an untagged image', imageDeletion({ 'image-tag': undefined }, { id: 'd' }), { action: 'DELETE', repository: 'web', digest: DIGEST, deletedAt: '2026-11-20T10:00:05.000Z', account: '111122223333', region: 'us-east-1', eventId: 'd' }],
  ];
  for (const [name, event, expected] of read) {
    it(`reads ${name}`, () => assert.deepEqual(parseImageAction(event), expected));
  }

  const malformed: Array<[string, Record<string, unknown>, RegExp]> = [
    // The page's digest has 60 hex digits: a deploy pins a push's digest, so only a real sha256 digest is accepted.
    ["AWS's image push sample as published (60-digit digest)", awsSample('ecrImagePush'), /^detail\.image-digest must be sha256:<64 hex digits> \(got "sha256:7f5b/],
    ['a failed push', imagePush({ result: 'FAILURE' }), /must be a successful PUSH or DELETE \(got action-type "PUSH", result "FAILURE"\)/],
    ['a push of a digest that is not sha256', imagePush({ 'image-digest': 'md5:abc' }), /sha256:<64 hex digits>/],
    ['an action this function does not take', imagePush({ 'action-type': 'REPLICATE' }), /got action-type "REPLICATE"/],
    ['no repository', imagePush({ 'repository-name': '' }), /^detail\.repository-name must be a non-empty string$/],
    ['a deletion without digest', imageDeletion({ 'image-digest': undefined }), /^detail\.image-digest must be a non-empty string$/],
    ['a tag too long for a key', imagePush({ 'image-tag': 't'.repeat(600) }), /^detail\.image-tag is 600 bytes; a value used in a key may have at most 512/],
  ];
  for (const [name, event, message] of malformed) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseImageAction(event), (error: unknown) => error instanceof MalformedEventError && message.test(error.message));
    });
  }
});
