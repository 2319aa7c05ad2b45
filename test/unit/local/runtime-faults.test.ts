import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultInjector } from '../../../local/runtime/faults.ts';

describe('FaultInjector.failCalls', () => {
  it('fails only matching calls (service alias, operation, body text), as many times as asked', () => {
    const faults = new FaultInjector();
    faults.failCalls({ service: 'sfn', operation: 'StartExecution', bodyIncludes: '"name":"web-b"', code: 'StateMachineDoesNotExist', times: 2 });
    const call = (operation: string, body: string) => faults.takeCallFailure('states', operation, Buffer.from(body))?.code;
    assert.equal(faults.hasCallFaultFor('states'), true);
    assert.equal(faults.hasThrottleFor('states'), false, 'a call failure is not a throttle');
    assert.equal(call('StartExecution', '{"name":"web-a"}'), undefined, 'another execution');
    assert.equal(call('StopExecution', '{"name":"web-b"}'), undefined, 'another operation');
    assert.equal(call('StartExecution', '{"name":"web-b"}'), 'StateMachineDoesNotExist');
    assert.equal(call('StartExecution', '{"name":"web-b"}'), 'StateMachineDoesNotExist');
    assert.equal(call('StartExecution', '{"name":"web-b"}'), undefined, 'used up');
    assert.equal(faults.hasCallFaultFor('states'), false);
  });

  it('fails every matching call until cleared when no count is given', () => {
    const faults = new FaultInjector();
    faults.failCalls({ service: 'lambda', code: 'ServiceException', status: 500 });
    for (let attempt = 0; attempt < 5; attempt += 1) assert.equal(faults.takeCallFailure('lambda', 'Invoke', Buffer.from('{}'))?.status, 500);
    faults.clear();
    assert.equal(faults.takeCallFailure('lambda', 'Invoke', Buffer.from('{}')), undefined);
  });
});
