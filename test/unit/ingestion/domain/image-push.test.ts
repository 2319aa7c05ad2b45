import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { parseImagePush } from '../../../../functions/ingestion/domain/image-push.ts';
import { DIGEST, imagePush } from '../../../fixtures/aws-events.ts';

describe('parseImagePush', () => {
  it('reads the documented example', () => {
    const push = parseImagePush(imagePush());
    assert.equal(push.repository, 'web');
    assert.equal(push.digest, DIGEST);
    assert.equal(push.tag, 'v1.2.3');
    assert.equal(push.pushedAt, '2026-11-20T10:00:05.000Z');
  });

  it('accepts a push by digest only (no tag)', () => {
    const push = parseImagePush(imagePush({ 'image-tag': undefined }));
    assert.equal('tag' in push, false);
  });

  const malformed: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a DELETE action', { 'action-type': 'DELETE' }, /must be a successful PUSH \(got action-type DELETE, result SUCCESS\)/],
    ['a failed push', { result: 'FAILURE' }, /result FAILURE/],
    ['a digest that is not sha256', { 'image-digest': 'md5:abc' }, /sha256:<64 hex digits>/],
    ['no repository', { 'repository-name': '' }, /detail\.repository-name must be a non-empty string/],
  ];
  for (const [name, detail, message] of malformed) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseImagePush(imagePush(detail)), (error: unknown) => error instanceof MalformedEventError && message.test(error.message));
    });
  }
});
