import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultInjector } from '../../../local/runtime/faults.ts';
import { commandOverrides, RunTaskAnswers } from '../../../local/runtime/run-task.ts';
import { contextAttributes, schedulerTime } from '../../../local/runtime/scheduler.ts';
import { commandExit } from '../../../local/runtime/task-model.ts';

describe('local runtime: what scheduled tasks need', () => {
  it('reads a container command’s exit as a shell would', () => {
    const cases: Array<[string[] | undefined, ReturnType<typeof commandExit>]> = [
      [['sh', '-c', 'exit 3'], { afterMs: 50, exitCode: 3 }],
      [['/bin/bash', '-c', 'sleep 2; exit 1'], { afterMs: 2000, exitCode: 1 }],
      [['sleep', '3600'], { afterMs: 3_600_000, exitCode: 0 }],
      [['sh', '-c', 'sleep 0.5 && exit 0'], { afterMs: 500, exitCode: 0 }],
      [['exit', '0'], { afterMs: 50, exitCode: 0 }],
      [['node', 'report.js'], undefined],
      [['sh', '-c', 'echo hi; exit 0'], undefined],
      [[], undefined],
      [undefined, undefined],
    ];
    for (const [command, expected] of cases) assert.deepEqual(commandExit(command), expected, JSON.stringify(command));
  });

  it('answers a repeated RunTask client token with the tasks it started, and a placement fault with failures[]', () => {
    const faults = new FaultInjector();
    const answers = new RunTaskAnswers(faults);
    const input = { cluster: 'batch', taskDefinition: 'report:1', clientToken: 'token-1', launchType: 'FARGATE' };
    assert.equal(answers.answer(input), undefined);
    answers.remember(input, { tasks: [{ taskArn: 'arn:task/1' }], failures: [] });
    assert.deepEqual(answers.answer(input), { tasks: [{ taskArn: 'arn:task/1' }], failures: [] });
    assert.equal(answers.answer({ ...input, cluster: 'other' }), undefined, 'tokens are per cluster');
    faults.failPlacement({ taskDefinitionFamily: 'report', times: 1 });
    assert.deepEqual(answers.answer({ ...input, clientToken: 'token-2' }), { tasks: [], failures: [{ arn: 'batch', reason: 'RESOURCE:FARGATE' }] });
    assert.equal(answers.answer({ ...input, clientToken: 'token-3' }), undefined, 'the fault was used up');
  });

  it('reads command overrides by container name', () => {
    assert.deepEqual(commandOverrides({ overrides: { containerOverrides: [{ name: 'app', command: ['sh', '-c', 'exit 2'] }, { name: 'sidecar' }] } }), { app: ['sh', '-c', 'exit 2'] });
    assert.deepEqual(commandOverrides({}), {});
  });

  it('substitutes Scheduler’s context attributes in a target’s input', () => {
    assert.equal(schedulerTime(new Date('2026-12-01T02:00:00.000Z')), '2026-12-01T02:00:00Z');
    const input = JSON.stringify({ schedule: 'nightly', scheduledTime: '<aws.scheduler.scheduled-time>', from: '<aws.scheduler.schedule-arn>', attempt: '<aws.scheduler.attempt-number>' });
    assert.deepEqual(JSON.parse(contextAttributes(input, { scheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/nightly', scheduledTime: '2026-12-01T02:00:00Z' })), {
      schedule: 'nightly',
      scheduledTime: '2026-12-01T02:00:00Z',
      from: 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/nightly',
      attempt: '1',
    });
  });
});
