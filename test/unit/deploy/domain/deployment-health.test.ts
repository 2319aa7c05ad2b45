import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDeployment, mayEndStabilityWait, stabilityWaitOutcome, type CheckInput, type GreenTask } from '../../../../functions/deploy/domain/deployment-health.ts';

const STARTED = '2026-11-20T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(STARTED) + seconds * 1000);
const running = (id: string): GreenTask => ({ taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`, lastStatus: 'RUNNING', containers: [{ name: 'app', lastStatus: 'RUNNING' }] });
const pending = (id: string): GreenTask => ({ ...running(id), lastStatus: 'PENDING' });
const crashed = (id: string): GreenTask => ({
  ...running(id),
  lastStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 137 }],
});
const scaledIn = (id: string): GreenTask => ({ ...running(id), lastStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated', containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }] });

function input(overrides: Partial<CheckInput>): CheckInput {
  return {
    step: { kind: 'shift', name: 'traffic-10', seconds: 60 },
    stepStartedAt: STARTED,
    now: at(0),
    greenTasks: [running('a'), running('b')],
    expectedGreenTasks: 2,
    alarms: [{ name: 'web-5xx', state: 'OK' }],
    abortRequested: false,
    fastTrack: false,
    checkIntervalSeconds: 15,
    ...overrides,
  };
}

const stabilize = { kind: 'stabilize' as const, name: 'green-stable', seconds: 120 };

describe('checkDeployment', () => {
  const verdicts: Array<[string, Partial<CheckInput>, { next: string; waitSeconds: number }]> = [
    ['bake just started: wait one check interval', {}, { next: 'wait', waitSeconds: 15 }],
    ['bake nearly over: wait only the rest', { now: at(52) }, { next: 'wait', waitSeconds: 8 }],
    ['bake over: proceed', { now: at(60) }, { next: 'proceed', waitSeconds: 0 }],
    ['no bake: proceed at once', { step: { kind: 'shift', name: 'traffic-100', seconds: 0 } }, { next: 'proceed', waitSeconds: 0 }],
    ['fast track: proceed without baking', { fastTrack: true }, { next: 'proceed', waitSeconds: 0 }],
    ['a task scaled in by the scheduler is no failure', { greenTasks: [running('a'), running('b'), scaledIn('c')], now: at(60) }, { next: 'proceed', waitSeconds: 0 }],
    ['stabilize: all tasks running → proceed', { step: stabilize }, { next: 'proceed', waitSeconds: 0 }],
    ['stabilize: one still pending → await green (task events)', { step: stabilize, greenTasks: [running('a'), pending('b')] }, { next: 'awaitGreen', waitSeconds: 15 }],
    ['stabilize: no tasks yet → await green', { step: stabilize, greenTasks: [] }, { next: 'awaitGreen', waitSeconds: 15 }],
    ['stabilize: await no longer than the timeout leaves', { step: stabilize, greenTasks: [pending('a')], now: at(117) }, { next: 'awaitGreen', waitSeconds: 3 }],
    ['stabilize ignores fast track', { step: stabilize, greenTasks: [pending('a')], expectedGreenTasks: 1, fastTrack: true }, { next: 'awaitGreen', waitSeconds: 15 }],
  ];
  for (const [name, overrides, expected] of verdicts) {
    it(name, () => assert.deepEqual(checkDeployment(input(overrides)), expected));
  }

  const rollbacks: Array<[string, Partial<CheckInput>, string, RegExp]> = [
    ['an abort request', { abortRequested: true }, 'DeploymentAbortedError', /aborted/],
    ['a crashed green task', { greenTasks: [running('a'), crashed('b')] }, 'GreenTasksFailedError', /b: EssentialContainerExited: Essential container in task exited; container app exited with code 137/],
    ['a crashed task while stabilizing', { step: stabilize, greenTasks: [crashed('a')] }, 'GreenTasksFailedError', /stopped unexpectedly/],
    ['an alarm in ALARM', { alarms: [{ name: 'web-5xx', state: 'ALARM' }, { name: 'web-latency', state: 'OK' }] }, 'RollbackAlarmError', /Rollback alarm in ALARM: web-5xx$/],
    ['green not stable in time', { step: stabilize, greenTasks: [running('a'), pending('b')], now: at(120) }, 'GreenNotStableError', /Green had 1 of 2 tasks running after 120 s/],
  ];
  for (const [name, overrides, errorName, message] of rollbacks) {
    it(`rolls back on ${name}`, () => assert.throws(() => checkDeployment(input(overrides)), (error: unknown) => error instanceof Error && error.name === errorName && message.test(error.message)));
  }

  it('an abort wins over everything else', () => {
    assert.throws(() => checkDeployment(input({ abortRequested: true, greenTasks: [crashed('a')], alarms: [{ name: 'x', state: 'ALARM' }] })), { name: 'DeploymentAbortedError' });
  });
});

describe('mayEndStabilityWait (which task events look for a waiter)', () => {
  const taskSetTask = (task: GreenTask) => ({ ...task, startedBy: 'ecs-svc/4625730521638197241' });
  const cases: Array<[string, Parameters<typeof mayEndStabilityWait>[0], boolean, string?]> = [
    ['a task-set task reaching RUNNING', taskSetTask(running('a')), true, 'PENDING'],
    ['a task-set task first seen RUNNING', taskSetTask(running('a')), true],
    ['a later event of a task-set task already RUNNING', taskSetTask(running('a')), false, 'RUNNING'],
    ['a task-set task that crashed', taskSetTask(crashed('a')), true],
    ['a task-set task still pending', taskSetTask(pending('a')), false],
    ['a task-set task scaled in normally', taskSetTask(scaledIn('a')), false],
    ['a RunTask task (startedBy chosen by the caller)', { ...running('a'), startedBy: 'nightly-report' }, false],
    ['a task without startedBy', running('a'), false],
  ];
  for (const [name, task, expected, previousStatus] of cases) {
    it(`${expected ? 'looks' : 'does not look'} for ${name}`, () => assert.equal(mayEndStabilityWait(task, previousStatus), expected));
  }
});

describe('stabilityWaitOutcome', () => {
  const arn = (id: string) => running(id).taskArn;
  it('resumes with success once every expected task ran', () => {
    assert.deepEqual(stabilityWaitOutcome({ expectedTasks: 2, runningTaskArns: [arn('a'), arn('b')] }, [running('b')]), { resume: 'success' });
  });
  it('keeps waiting while fewer tasks ran than expected, counting a task once', () => {
    assert.deepEqual(stabilityWaitOutcome({ expectedTasks: 2, runningTaskArns: [arn('a'), arn('a')] }, [running('a')]), { resume: 'no' });
  });
  it('keeps waiting on a normal stop', () => {
    assert.deepEqual(stabilityWaitOutcome({ expectedTasks: 2, runningTaskArns: [arn('a')] }, [scaledIn('b')]), { resume: 'no' });
  });
  it('resumes with the check loop\'s GreenTasksFailedError when a green task crashed, even if enough ran', () => {
    const decision = stabilityWaitOutcome({ expectedTasks: 1, runningTaskArns: [arn('a')] }, [crashed('b')]);
    assert.equal(decision.resume, 'failure');
    assert.ok(decision.resume === 'failure');
    assert.equal(decision.error.name, 'GreenTasksFailedError');
    assert.equal(decision.error.message, 'Green tasks stopped unexpectedly: b: EssentialContainerExited: Essential container in task exited; container app exited with code 137');
    assert.deepEqual(stabilityWaitOutcome({ expectedTasks: 2, runningTaskArns: [] }, [running('a'), crashed('b')]), decision, 'tasks seen together (the wait just registered)');
    assert.throws(() => checkDeployment(input({ greenTasks: [running('a'), crashed('b')] })), { name: 'GreenTasksFailedError', message: decision.error.message });
  });
});
