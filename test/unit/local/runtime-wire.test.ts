import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FaultInjector } from '../../../local/runtime/faults.ts';
import { errorDocument, LambdaInvoker } from '../../../local/runtime/lambda.ts';
import { InFlightTracker, sleep } from '../../../local/runtime/tracker.ts';
import { decodeRequest, identifyCall, invokedFunctionName, normaliseFunctionName, signingService } from '../../../local/runtime/wire.ts';

const auth = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`;

describe('request recognition', () => {
  test('JSON protocol calls by X-Amz-Target, signed or not', () => {
    assert.deepEqual(identifyCall('POST', '/', { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RunTask' }), {
      service: 'ecs',
      operation: 'RunTask',
      protocol: 'json',
    });
    assert.deepEqual(
      identifyCall('POST', '/', { 'x-amz-target': 'GraniteServiceVersion20100801.SetAlarmState', authorization: auth('monitoring') }),
      { service: 'monitoring', operation: 'SetAlarmState', protocol: 'json' },
    );
  });

  test('awsQuery forms reveal the operation from the body', () => {
    const identity = identifyCall('POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: auth('monitoring') });
    assert.deepEqual(identity, { service: 'monitoring', protocol: 'query' });
    assert.deepEqual(decodeRequest(identity, Buffer.from('Action=SetAlarmState&AlarmName=a&StateValue=ALARM')), {
      operation: 'SetAlarmState',
      input: { Action: 'SetAlarmState', AlarmName: 'a', StateValue: 'ALARM' },
    });
  });

  test('Lambda Invoke paths: names, qualifiers, partial and full ARNs', () => {
    assert.equal(identifyCall('POST', '/2015-03-31/functions/fn/invocations', {}).operation, 'Invoke');
    assert.equal(invokedFunctionName('/2015-03-31/functions/fn/invocations'), 'fn');
    assert.equal(invokedFunctionName('/2015-03-31/functions/fn%3Aprod/invocations?Qualifier=x'), 'fn');
    assert.equal(invokedFunctionName(`/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST')}/invocations`), 'fn');
    assert.equal(normaliseFunctionName('123456789012:function:fn'), 'fn');
    assert.equal(invokedFunctionName('/2015-03-31/functions/fn/configuration'), undefined);
    assert.equal(signingService(undefined), undefined);
  });
});

describe('faults', () => {
  test('throttles count down and match service aliases and operations', () => {
    const faults = new FaultInjector();
    faults.throttle({ service: 'cloudwatch', operation: 'SetAlarmState', times: 2 });
    assert.equal(faults.hasThrottleFor('monitoring'), true);
    assert.equal(faults.takeThrottle('monitoring', 'DescribeAlarms'), false);
    assert.equal(faults.takeThrottle('monitoring', 'SetAlarmState'), true);
    assert.equal(faults.takeThrottle('monitoring', 'setalarmstate'), true);
    assert.equal(faults.takeThrottle('monitoring', 'SetAlarmState'), false);
    faults.throttle({ service: 'ecs' });
    assert.equal(faults.takeThrottle('ecs', 'Anything'), true);
  });

  test('a share of matching calls fails, the same ones for the same seed; an error replaces the throttle', () => {
    const draws = (seed: number) => {
      const faults = new FaultInjector();
      faults.throttle({ service: 'ecs', operation: 'ListTasks', share: 0.7, seed });
      return Array.from({ length: 1000 }, () => faults.takeCallFault('ecs', 'ListTasks') !== undefined);
    };
    const failed = draws(7).filter(Boolean).length;
    assert.ok(failed > 650 && failed < 750, `${failed} of 1000 calls failed`);
    assert.deepEqual(draws(7), draws(7));
    assert.notDeepEqual(draws(7), draws(8));

    const faults = new FaultInjector();
    faults.throttle({ service: 'ecs', operation: 'DeleteTaskSet', times: 1, error: { code: 'ClientException', message: 'nope' } });
    assert.equal(faults.takeCallFault('ecs', 'DescribeServices'), undefined);
    assert.deepEqual(faults.takeCallFault('ecs', 'DeleteTaskSet'), { code: 'ClientException', message: 'nope' });
    assert.equal(faults.takeCallFault('ecs', 'DeleteTaskSet'), undefined);
  });

  test('task fates by family, with counts; clear() removes all', () => {
    const faults = new FaultInjector();
    faults.failToStart({ taskDefinitionFamily: 'web', times: 1 });
    faults.crashTasks({ afterMs: 5 });
    const web = 'arn:aws:ecs:us-east-1:1:task-definition/web:1';
    assert.equal(faults.taskFate(web).kind, 'failToStart');
    assert.deepEqual(faults.taskFate(web), { kind: 'crash', afterMs: 5, exitCode: 1 });
    assert.equal(faults.taskFate('arn:aws:ecs:us-east-1:1:task-definition/other:1').kind, 'crash');
    faults.clear();
    assert.deepEqual(faults.taskFate(web), { kind: 'run' });
  });

  test('slow starts by family, with counts, independent of fates', () => {
    const faults = new FaultInjector();
    faults.slowStart({ taskDefinitionFamily: 'web', pendingMs: 300, times: 1 });
    const web = 'arn:aws:ecs:us-east-1:1:task-definition/web:1';
    assert.equal(faults.pendingMs('arn:aws:ecs:us-east-1:1:task-definition/other:1'), 0);
    assert.equal(faults.pendingMs(web), 300);
    assert.equal(faults.pendingMs(web), 0);
  });
});

describe('Lambda invoker', () => {
  test('error documents carry the error name as errorType', () => {
    class DeployFailed extends Error {
      override name = 'DeployFailed';
    }
    const document = errorDocument(new DeployFailed('nope'));
    assert.equal(document.errorType, 'DeployFailed');
    assert.equal(document.errorMessage, 'nope');
    assert.deepEqual(errorDocument('text'), { errorType: 'Error', errorMessage: 'text', trace: [] });
  });

  test('async invocations retry twice and idle() waits for them', async () => {
    const tracker = new InFlightTracker();
    const invoker = new LambdaInvoker({ tracker, asyncRetryDelayMs: 1 });
    let calls = 0;
    const reply = await invoker.invoke('flaky', async () => {
      calls += 1;
      if (calls < 3) throw new Error('transient');
      return 'ok';
    }, 'Event', Buffer.from('{}'));
    assert.equal(reply.status, 202);
    await tracker.idle(2_000);
    assert.deepEqual(invoker.invocations.map((record) => [record.attempt, record.ok]), [
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  test('invalid JSON payloads are rejected like Lambda does', async () => {
    const invoker = new LambdaInvoker({ tracker: new InFlightTracker() });
    const reply = await invoker.invoke('fn', async () => 1, 'RequestResponse', Buffer.from('{nope'));
    assert.equal(reply.status, 400);
  });
});

describe('idle tracking', () => {
  test('waits for tracked work and scheduled actions, and for chained work started meanwhile', async () => {
    const tracker = new InFlightTracker();
    const order: string[] = [];
    void tracker.track(sleep(20).then(() => {
      order.push('first');
      tracker.delay(20, () => {
        order.push('chained');
      });
    }));
    await tracker.idle(2_000, 5);
    assert.deepEqual(order, ['first', 'chained']);
    assert.equal(tracker.inFlight, 0);
  });

  test('times out when work never finishes', async () => {
    const tracker = new InFlightTracker();
    void tracker.track(new Promise(() => undefined));
    await assert.rejects(tracker.idle(50), /not idle/);
  });
});
