import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { signedHeaders } from '../../../functions/notify/adapters/senders.ts';

/** What a receiver's official verifier (the `standardwebhooks` package) makes of our signatures. */
const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const body = JSON.stringify({ type: 'harbormaster.deploy-succeeded', timestamp: '2026-12-02T10:00:00.000Z', data: { id: 'deploy-succeeded#d1' } });

describe('Standard Webhooks signatures', () => {
  it('verify with each secret of a rotation', () => {
    const [current, previous] = [secret(), secret()];
    const headers = signedHeaders([current, previous], 'msg_1', new Date(), body);
    assert.equal(headers['webhook-signature']?.split(' ').length, 2);
    for (const key of [current, previous]) assert.deepEqual(new Webhook(key).verify(body, headers), JSON.parse(body));
  });

  const refused: Array<[string, (key: string) => [string, Record<string, string>]]> = [
    ['a tampered body', (key) => [body.replace('d1', 'd2'), signedHeaders([key], 'msg_1', new Date(), body)]],
    ['an old timestamp (10 minutes)', (key) => [body, signedHeaders([key], 'msg_1', new Date(Date.now() - 10 * 60_000), body)]],
    ['another id than the one signed', (key) => [body, { ...signedHeaders([key], 'msg_1', new Date(), body), 'webhook-id': 'msg_2' }]],
    ['a signature made with another secret', () => [body, signedHeaders([secret()], 'msg_1', new Date(), body)]],
  ];
  for (const [what, make] of refused) {
    it(`refuse ${what}`, () => {
      const key = secret();
      const [payload, headers] = make(key);
      assert.throws(() => new Webhook(key).verify(payload, headers));
    });
  }
});
