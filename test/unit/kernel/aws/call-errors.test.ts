import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientException, ECSServiceException, ServerException } from '@aws-sdk/client-ecs';
import { awsCallFailure, callAws } from '../../../../functions/kernel/aws/calls.ts';
import { AwsCallError, AwsServerError, EcsThrottledError } from '../../../../functions/kernel/errors.ts';

/** The one SDK-error mapper: which SDK errors the state machines retry for minutes (throttling, 5xx) and which not. */

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
/** ECS does not model its throttling: the SDK raises the service's base exception with the wire code as name. */
const throttled = new ECSServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...metadata(400) });

describe('awsCallFailure', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['ECS throttling (unmodelled, 400)', throttled, 'EcsThrottledError', 'DescribeServices web was throttled'],
    ['throttling the SDK marked as such', Object.assign(new Error('slow down'), { name: 'SlowDown', $retryable: { throttling: true } }), 'EcsThrottledError', 'DescribeServices web was throttled'],
    ['a modelled ECS server error (500)', new ServerException({ $metadata: { httpStatusCode: 500 }, message: 'internal' }), 'AwsServerError', 'DescribeServices web failed on the AWS side: internal'],
    ['an unmodelled 503', new ECSServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'unavailable', ...metadata(503) }), 'AwsServerError', 'DescribeServices web failed on the AWS side: unavailable'],
    ['a 5xx the SDK saw as a client fault', Object.assign(new Error('bad gateway'), { $metadata: { httpStatusCode: 502 } }), 'AwsServerError', 'DescribeServices web failed on the AWS side: bad gateway'],
    ['a client error (400)', new ClientException({ $metadata: { httpStatusCode: 400 }, message: 'no such cluster' }), 'AwsCallError', 'DescribeServices web failed: no such cluster'],
    ['a network error without a response', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), 'AwsCallError', 'DescribeServices web failed: socket hang up'],
    ['something that is no error at all', 'boom', 'AwsCallError', 'DescribeServices web failed: boom'],
  ];
  for (const [name, error, expectedName, message] of cases) {
    it(`${name} → ${expectedName}`, () => {
      const mapped = awsCallFailure('DescribeServices web', error);
      assert.equal(mapped.name, expectedName);
      assert.equal(mapped.message, message);
      assert.equal(mapped.cause, error);
    });
  }

  it('callAws throws the mapped error and passes answers through', async () => {
    await assert.rejects(callAws('ListTasks', () => Promise.reject(throttled)), EcsThrottledError);
    await assert.rejects(callAws('ListTasks', () => Promise.reject(new ServerException({ $metadata: {}, message: 'x' }))), AwsServerError);
    await assert.rejects(callAws('ListTasks', () => Promise.reject(new Error('x'))), AwsCallError);
    assert.equal(await callAws('ListTasks', () => Promise.resolve(42)), 42);
  });
});
