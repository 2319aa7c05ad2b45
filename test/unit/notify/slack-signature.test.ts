import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { slackSignature, verifySlackSignature } from '../../../functions/notify/domain/slack-signature.ts';
import { testSigningSecret } from '../../fixtures/slack-interactions.ts';

const secret = testSigningSecret();
const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
const now = new Date('2026-12-02T06:40:00Z');
const seconds = (offset: number) => String(Math.floor(now.getTime() / 1000) + offset);

describe('Slack request signatures (v0, HMAC-SHA256 of v0:timestamp:body)', () => {
  it('signs as Slack documents: v0= and the hex HMAC of the base string', () => {
    const expected = `v0=${createHmac('sha256', secret).update(`v0:${seconds(0)}:${body}`).digest('hex')}`;
    assert.equal(slackSignature(secret, seconds(0), body), expected);
  });

  const cases: Array<[string, { timestamp?: string; signature?: string; body?: string; secret?: string }, string]> = [
    ['a fresh, correctly signed request', {}, 'valid'],
    ['a request signed 299 s ago', { timestamp: seconds(-299) }, 'valid'],
    ['a request 301 s old (a replay)', { timestamp: seconds(-301) }, 'stale-timestamp'],
    ['a request 301 s in the future', { timestamp: seconds(301) }, 'stale-timestamp'],
    ['a tampered body', { body: `${body}x` }, 'bad-signature'],
    ['a signature made with another secret', { secret: testSigningSecret() }, 'bad-signature'],
    ['a truncated signature', { signature: 'v0=abc' }, 'bad-signature'],
    ['another scheme version', { signature: slackSignature(secret, seconds(0), body).replace(/^v0=/, 'v1=') }, 'bad-signature'],
    ['no signature header', { signature: '' }, 'missing-signature'],
    ['a timestamp that is not Unix seconds', { timestamp: '2026-12-02T06:40:00Z' }, 'missing-signature'],
  ];
  for (const [name, request, verdict] of cases) {
    it(`${verdict === 'valid' ? 'accepts' : 'refuses'} ${name}`, () => {
      const timestamp = request.timestamp ?? seconds(0);
      const signature = request.signature ?? slackSignature(request.secret ?? secret, timestamp, body);
      const result = verifySlackSignature({ signingSecret: secret, timestamp, signature: signature || undefined, body: request.body ?? body, now });
      assert.equal(result.valid ? 'valid' : result.refusal, verdict);
      if (!result.valid) assert.doesNotMatch(result.reason, new RegExp(secret), 'a reason never repeats the secret');
    });
  }
});
