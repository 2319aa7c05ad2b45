import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeExecutionEndPlan,
  parseExecutionStatusChange,
  planExecutionEnd,
  type ExecutionEndFacts,
  type ExecutionEndPlan,
} from '../../../../functions/deploy/domain/execution-end.ts';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { EXECUTION_ABORTED_SAMPLE, executionStatusChange } from '../../../fixtures/sfn-events.ts';

describe('parseExecutionStatusChange', () => {
  it("reads AWS's published sample", () => {
    assert.deepEqual(parseExecutionStatusChange(EXECUTION_ABORTED_SAMPLE), {
      eventId: '315c1398-40ff-a850-213b-158f73e60175',
      executionArn: 'arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name',
      stateMachineArn: 'arn:aws:states:us-east-1:012345678912:stateMachine:state-machine',
      name: 'execution-name',
      status: 'ABORTED',
    });
  });

  it('keeps optional fields optional (a payload too large for the event drops input and output)', () => {
    const { input: _input, output: _output, ...rest } = EXECUTION_ABORTED_SAMPLE.detail;
    assert.equal(parseExecutionStatusChange({ ...EXECUTION_ABORTED_SAMPLE, detail: rest }).status, 'ABORTED');
  });

  it('rejects an unknown status, naming the field', () => {
    assert.throws(() => parseExecutionStatusChange(executionStatusChange({ status: 'STOPPED' })), (error: unknown) => error instanceof MalformedEventError && error.field === 'detail.status');
  });
});

const BLUE_AND_GREEN = { bluePresent: true, greenTaskSetArns: ['green-ts'] };
const BLUE_ONLY = { bluePresent: true, greenTaskSetArns: [] };
const GREEN_ONLY = { bluePresent: false, greenTaskSetArns: ['green-ts'] };

function facts(overrides: { execution?: ExecutionEndFacts['execution']; deployment?: Partial<ExecutionEndFacts['deployment']>; live?: ExecutionEndFacts['live']; lockHeld?: boolean; executionError?: string }): ExecutionEndFacts {
  return {
    execution: overrides.execution ?? 'ABORTED',
    ...(overrides.executionError ? { executionError: overrides.executionError } : {}),
    deployment: { status: 'IN_PROGRESS', prepared: true, rolledBack: false, restored: false, ...overrides.deployment },
    live: overrides.live ?? BLUE_AND_GREEN,
    lockHeld: overrides.lockHeld ?? true,
  };
}

describe('planExecutionEnd', () => {
  const cases: Array<[string, ExecutionEndFacts, Omit<ExecutionEndPlan, 'reason'>]> = [
    ['stopped by hand mid-canary: back to blue, STOPPED, lock released', facts({}), { outcome: 'STOPPED', record: true, restoreBlue: true, releaseLock: true }],
    ['timed out mid-bake: back to blue, TIMED_OUT', facts({ execution: 'TIMED_OUT' }), { outcome: 'TIMED_OUT', record: true, restoreBlue: true, releaseLock: true }],
    ['failed outside the machine’s catches: back to blue, FAILED', facts({ execution: 'FAILED' }), { outcome: 'FAILED', record: true, restoreBlue: true, releaseLock: true }],
    [
      'stopped after green was deleted by hand: weights still go back to blue',
      facts({ live: BLUE_ONLY }),
      { outcome: 'STOPPED', record: true, restoreBlue: true, releaseLock: true },
    ],
    ['Finish failed after a success (blue deleted, green serves): SUCCEEDED, green kept', facts({ execution: 'FAILED', live: GREEN_ONLY }), { outcome: 'SUCCEEDED', record: true, restoreBlue: false, releaseLock: true }],
    ['stopped between DeleteBlue and Finish: SUCCEEDED, green kept', facts({ live: GREEN_ONLY }), { outcome: 'SUCCEEDED', record: true, restoreBlue: false, releaseLock: true }],
    [
      'Finish failed after a completed rollback: ROLLED_BACK, nothing left to restore',
      facts({ execution: 'FAILED', deployment: { rolledBack: true }, live: BLUE_ONLY }),
      { outcome: 'ROLLED_BACK', record: true, restoreBlue: false, releaseLock: true },
    ],
    ['stopped before Prepare recorded anything: STOPPED, nothing to restore', facts({ deployment: { status: 'STARTING', prepared: false }, live: { bluePresent: false, greenTaskSetArns: [] } }), { outcome: 'STOPPED', record: true, restoreBlue: false, releaseLock: true }],
    ['never started (unlock of a stranded STARTING lock): FAILED', facts({ execution: 'NOT_STARTED', deployment: { status: 'STARTING', prepared: false }, live: { bluePresent: false, greenTaskSetArns: [] } }), { outcome: 'FAILED', record: true, restoreBlue: false, releaseLock: true }],
    ['the machine rolled back and finished (a FAILED execution): nothing to do', facts({ execution: 'FAILED', deployment: { status: 'ROLLED_BACK', rolledBack: true }, live: BLUE_ONLY, lockHeld: false }), { outcome: 'ROLLED_BACK', record: false, restoreBlue: false, releaseLock: false }],
    [
      'the machine recorded FAILED after its rollback failed with green left: try again to remove it',
      facts({ execution: 'FAILED', deployment: { status: 'FAILED' }, lockHeld: false }),
      { outcome: 'FAILED', record: false, restoreBlue: true, releaseLock: false },
    ],
    ['Finish recorded the outcome but could not release the lock: release it', facts({ execution: 'FAILED', deployment: { status: 'SUCCEEDED' }, live: GREEN_ONLY }), { outcome: 'SUCCEEDED', record: false, restoreBlue: false, releaseLock: true }],
    ['a duplicate event after the reconciliation: nothing to do', facts({ deployment: { status: 'STOPPED', restored: true }, live: BLUE_ONLY, lockHeld: false }), { outcome: 'STOPPED', record: false, restoreBlue: false, releaseLock: false }],
    ['a duplicate event while green is still there (its removal failed before): try again', facts({ deployment: { status: 'STOPPED' }, lockHeld: false }), { outcome: 'STOPPED', record: false, restoreBlue: true, releaseLock: false }],
    ['a succeeded deployment is never rolled back, even with a stale blue', facts({ execution: 'FAILED', deployment: { status: 'SUCCEEDED' }, lockHeld: false }), { outcome: 'SUCCEEDED', record: false, restoreBlue: false, releaseLock: false }],
    ['the lock already moved on (another deployment holds it): never released for it', facts({ lockHeld: false }), { outcome: 'STOPPED', record: true, restoreBlue: true, releaseLock: false }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const { reason: _reason, ...plan } = planExecutionEnd(input);
      assert.deepEqual(plan, expected);
    });
  }

  it('gives the reason for an outcome it records, with the execution’s error', () => {
    assert.equal(planExecutionEnd(facts({})).reason, 'The deploy execution was stopped (ABORTED) before it finished');
    assert.equal(
      planExecutionEnd(facts({ execution: 'FAILED', executionError: 'DeployFinishFailed: Finish of a SUCCEEDED deployment failed' })).reason,
      'The deploy execution failed before it recorded an outcome (DeployFinishFailed: Finish of a SUCCEEDED deployment failed)',
    );
    assert.equal(planExecutionEnd(facts({ execution: 'FAILED', deployment: { rolledBack: true }, live: BLUE_ONLY })).reason, 'Rolled back, then the deploy execution ended (FAILED) before recording it');
    assert.equal(planExecutionEnd(facts({ live: GREEN_ONLY })).reason, undefined, 'a success has no reason');
    assert.equal(planExecutionEnd(facts({ deployment: { status: 'STOPPED' } })).reason, undefined, 'nothing is recorded twice');
  });
});

describe('describeExecutionEndPlan', () => {
  it('says what unlock does, step by step', () => {
    assert.deepEqual(describeExecutionEndPlan(planExecutionEnd(facts({})), { greenTaskSetArns: ['green-ts'], queuedDeploymentId: 'web-next' }), [
      'put production traffic back on blue (blue 100 / green 0), make blue primary, delete green task set(s) green-ts',
      'record the deployment STOPPED: The deploy execution was stopped (ABORTED) before it finished',
      'release the lock and start queued deployment web-next',
    ]);
    assert.deepEqual(describeExecutionEndPlan(planExecutionEnd(facts({ execution: 'FAILED', deployment: { status: 'SUCCEEDED' }, live: GREEN_ONLY })), { greenTaskSetArns: ['green-ts'] }), ['release the lock']);
  });
});
