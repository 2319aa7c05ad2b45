import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { functionUrlEvent, functionUrlReply, functionUrlTarget } from '../../../local/runtime/function-urls.ts';

/** Function URLs on loopback answer as the Lambda function URL service does (payload format 2.0). */

describe('local function URLs', () => {
  it('address a function by the path moto fix 22 gives its URL', () => {
    assert.deepEqual(functionUrlTarget('/_local/function-url/harbormaster-local-slackInteractions/'), { functionName: 'harbormaster-local-slackInteractions', rawPath: '/', rawQueryString: '' });
    assert.deepEqual(functionUrlTarget('/_local/function-url/fn/a/b?x=1'), { functionName: 'fn', rawPath: '/a/b', rawQueryString: 'x=1' });
    assert.equal(functionUrlTarget('/2015-03-31/functions/fn/invocations'), undefined);
  });

  const bodies: Array<[string, string, boolean]> = [
    ['a form body arrives base64-encoded', 'application/x-www-form-urlencoded', true],
    ['a JSON body arrives as text', 'application/json; charset=utf-8', false],
    ['a text body arrives as text', 'text/plain', false],
  ];
  for (const [name, contentType, encoded] of bodies) {
    it(name, () => {
      const event = functionUrlEvent({ method: 'POST', headers: { 'content-type': contentType, 'x-slack-signature': 'v0=1' }, body: Buffer.from('payload=%7B%7D'), rawPath: '/', rawQueryString: '', sourceIp: '127.0.0.1' });
      assert.equal(event['isBase64Encoded'], encoded);
      assert.equal(encoded ? Buffer.from(String(event['body']), 'base64').toString('utf8') : event['body'], 'payload=%7B%7D');
      assert.equal((event['headers'] as Record<string, string>)['x-slack-signature'], 'v0=1');
      assert.equal((event['requestContext'] as { http: { method: string } }).http.method, 'POST');
    });
  }

  it('answer with the handler’s statusCode, headers and body; a plain value as JSON; a failure as 502', () => {
    const ok = (result: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(result) });
    assert.deepEqual(functionUrlReply(ok({ statusCode: 401, headers: { 'content-type': 'text/plain' }, body: 'no' })), { status: 401, headers: { 'content-type': 'text/plain' }, body: 'no' });
    assert.deepEqual(functionUrlReply(ok({ answer: 1 })), { status: 200, headers: { 'content-type': 'application/json' }, body: '{"answer":1}' });
    assert.equal(functionUrlReply({ status: 200, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{}' }).status, 502);
  });
});
