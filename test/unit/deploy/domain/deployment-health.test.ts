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
    step: { kind: 'shift', name: 'traffic-10', seconds: 60, checkEverySeconds: 15 },
    stepStartedAt: STARTED,
    now: at(0),
    greenTasks: [running('a'), running('b')],
    expectedGreenTasks: 2,
    alarms: [{ name: 'web-5xx', state: 'OK' }],
    abortRequested: false,
    fastTrack: false,
    approved: false,
    ...overrides,
  };
}

const stabilize = { kind: 'stabilize' as const, name: 'green-stable', seconds: 120, checkEverySeconds: 15 };
const DAY = 24 * 60 * 60;
/** A 24-hour bake checked on its own every 2 hours (bakeCheckMinutes 120). */
const longBake = { kind: 'shift' as const, name: 'traffic-10', seconds: DAY, checkEverySeconds: 7200 };
const approval = { kind: 'approval' as const, name: 'approval', seconds: DAY, checkEverySeconds: DAY, onTimeout: 'rollback' as const };

describe('checkDeployment', () => {
  const verdicts: Array<[string, Partial<CheckInput>, { next: string; waitSeconds: number; reason?: string }]> = [
    ['bake just started: await at most one check interval', {}, { next: 'await', waitSeconds: 15 }],
    ['bake nearly over: await only the rest', { now: at(52) }, { next: 'await', waitSeconds: 8 }],
    ['bake over: proceed', { now: at(60) }, { next: 'proceed', waitSeconds: 0, reason: 'done' }],
    ['no bake: proceed at once', { step: { kind: 'shift', name: 'traffic-100', seconds: 0, checkEverySeconds: 15 } }, { next: 'proceed', waitSeconds: 0, reason: 'done' }],
    ['fast track: proceed without baking', { fastTrack: true }, { next: 'proceed', waitSeconds: 0, reason: 'fast-track' }],
    ['fast track of a step without bake: just done', { fastTrack: true, step: { kind: 'promote', name: 'promote', seconds: 0, checkEverySeconds: 15 } }, { next: 'proceed', waitSeconds: 0, reason: 'done' }],
    ['a task scaled in by the scheduler is no failure', { greenTasks: [running('a'), running('b'), scaledIn('c')], now: at(60) }, { next: 'proceed', waitSeconds: 0, reason: 'done' }],
    ['a 24-hour bake: await 2 hours (events end it sooner)', { step: longBake }, { next: 'await', waitSeconds: 7200 }],
    ['a 24-hour bake, 23.5 hours in: await the last half hour', { step: longBake, now: at(DAY - 1800) }, { next: 'await', waitSeconds: 1800 }],
    ['a 24-hour bake, a check just after its end: proceed', { step: longBake, now: at(DAY + 0.4) }, { next: 'proceed', waitSeconds: 0, reason: 'done' }],
    ['stabilize: all tasks running → proceed', { step: stabilize }, { next: 'proceed', waitSeconds: 0, reason: 'done' }],
    ['stabilize: one still pending → await (task events)', { step: stabilize, greenTasks: [running('a'), pending('b')] }, { next: 'await', waitSeconds: 15 }],
    ['stabilize: no tasks yet → await', { step: stabilize, greenTasks: [] }, { next: 'await', waitSeconds: 15 }],
    ['stabilize: await no longer than the timeout leaves', { step: stabilize, greenTasks: [pending('a')], now: at(117) }, { next: 'await', waitSeconds: 3 }],
    ['stabilize ignores fast track', { step: stabilize, greenTasks: [pending('a')], expectedGreenTasks: 1, fastTrack: true }, { next: 'await', waitSeconds: 15 }],
    ['approval: await the whole timeout (approve, abort and events resume it)', { step: approval }, { next: 'await', waitSeconds: DAY }],
    ['approval, 20 hours in: await the rest of the timeout', { step: approval, now: at(20 * 3600) }, { next: 'await', waitSeconds: 4 * 3600 }],
    ['approval: approved → proceed', { step: approval, approved: true }, { next: 'proceed', waitSeconds: 0, reason: 'approved' }],
    ['approval: fast track passes the gate', { step: approval, fastTrack: true }, { next: 'proceed', waitSeconds: 0, reason: 'fast-track' }],
    ['approval approved at the last moment: approved, not timed out', { step: approval, approved: true, now: at(DAY + 5) }, { next: 'proceed', waitSeconds: 0, reason: 'approved' }],
    ['promote of this bake: proceed without baking', { promotedStep: 'traffic-10' }, { next: 'proceed', waitSeconds: 0, reason: 'promoted' }],
    ['promote of an earlier bake: this one bakes as planned', { promotedStep: 'traffic-5' }, { next: 'await', waitSeconds: 15 }],
    ['stabilize ignores a promote', { step: stabilize, greenTasks: [pending('a')], expectedGreenTasks: 1, promotedStep: 'green-stable' }, { next: 'await', waitSeconds: 15 }],
    ['approval timed out, configured to proceed', { step: { ...approval, onTimeout: 'proceed' }, now: at(DAY) }, { next: 'proceed', waitSeconds: 0, reason: 'approval-timed-out' }],
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
    ['an approval timeout (default action)', { step: approval, now: at(DAY) }, 'ApprovalTimedOutError', /Nobody approved the deployment within 86400 s/],
    ['an abort at the approval gate, even when approved', { step: approval, approved: true, abortRequested: true }, 'DeploymentAbortedError', /aborted/],
    ['a green task crashing at the approval gate', { step: approval, greenTasks: [crashed('a')] }, 'GreenTasksFailedError', /stopped unexpectedly/],
    ['an alarm during a promoted bake', { promotedStep: 'traffic-10', alarms: [{ name: 'web-5xx', state: 'ALARM' }] }, 'RollbackAlarmError', /web-5xx/],
    ['an alarm during a 24-hour bake', { step: longBake, now: at(3600), alarms: [{ name: 'web-5xx', state: 'ALARM' }] }, 'RollbackAlarmError', /web-5xx/],
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
  const comingUp = (expectedTasks: number, runningTaskArns: string[]) => ({ resumeWhenStable: true, expectedTasks, runningTaskArns });
  it('resumes with success once every expected task ran', () => {
    assert.deepEqual(stabilityWaitOutcome(comingUp(2, [arn('a'), arn('b')]), [running('b')]), { resume: 'success' });
  });
  it('keeps waiting while fewer tasks ran than expected, counting a task once', () => {
    assert.deepEqual(stabilityWaitOutcome(comingUp(2, [arn('a'), arn('a')]), [running('a')]), { resume: 'no' });
  });
  it('keeps waiting on a normal stop', () => {
    assert.deepEqual(stabilityWaitOutcome(comingUp(2, [arn('a')]), [scaledIn('b')]), { resume: 'no' });
  });
  it('never resumes a bake or the approval gate on a running green: only a failed task ends those', () => {
    assert.deepEqual(stabilityWaitOutcome({ resumeWhenStable: false, expectedTasks: 0, runningTaskArns: [] }, [running('a')]), { resume: 'no' });
    assert.equal(stabilityWaitOutcome({ resumeWhenStable: false, expectedTasks: 0, runningTaskArns: [] }, [crashed('a')]).resume, 'failure');
  });
  it('resumes with the check loop\'s GreenTasksFailedError when a green task crashed, even if enough ran', () => {
    const decision = stabilityWaitOutcome(comingUp(1, [arn('a')]), [crashed('b')]);
    assert.equal(decision.resume, 'failure');
    assert.ok(decision.resume === 'failure');
    assert.equal(decision.error.name, 'GreenTasksFailedError');
    assert.equal(decision.error.message, 'Green tasks stopped unexpectedly: b: EssentialContainerExited: Essential container in task exited; container app exited with code 137');
    assert.deepEqual(stabilityWaitOutcome(comingUp(2, []), [running('a'), crashed('b')]), decision, 'tasks seen together (the wait just registered)');
    assert.throws(() => checkDeployment(input({ greenTasks: [running('a'), crashed('b')] })), { name: 'GreenTasksFailedError', message: decision.error.message });
  });
});
