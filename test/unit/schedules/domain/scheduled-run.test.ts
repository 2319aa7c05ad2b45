import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSchedule } from '../../../../functions/schedules/config.ts';
import { scheduleRunNotification } from '../../../../functions/schedules/domain/run-notifications.ts';
import type { ScheduleRun } from '../../../../functions/schedules/domain/schedule.ts';
import {
  containerResults,
  decideOverlap,
  decideRetry,
  decideRunning,
  decideStartFailure,
  isTransientRunTaskFailure,
  lateBy,
  liveTaskDefinition,
  runsBeyondHistory,
  runTaskClientToken,
  skipReason,
  stoppedOutcome,
  type ActiveRun,
  type ContainerDefinitionFacts,
} from '../../../../functions/schedules/domain/scheduled-run.ts';

const schedule = parseSchedule({ name: 'nightly', expression: 'cron(0 2 * * ? *)', cluster: 'batch', taskDefinition: { family: 'report' } });
const holder: ActiveRun = { runId: 'nightly@2026-12-01T02:00:00Z', executionArn: 'arn:exec:1', runSk: 'RUN#2026-12-01T02:00:00Z#01', taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/batch/abc' };
const at = (iso: string) => new Date(iso);

describe('scheduled runs: decisions', () => {
  it('skips a removed schedule and a suspended one’s scheduled fires, but runs a manual fire of a suspended schedule', () => {
    const cases: Array<[Parameters<typeof skipReason>[0], 'schedule' | 'manual', string | undefined]> = [
      [undefined, 'schedule', 'schedule nightly is not configured (any more)'],
      [{ ...schedule, suspended: true }, 'schedule', 'schedule nightly is suspended'],
      [{ ...schedule, suspended: true }, 'manual', undefined],
      [schedule, 'schedule', undefined],
    ];
    for (const [stored, trigger, expected] of cases) assert.equal(skipReason(stored, { schedule: 'nightly', trigger }), expected, `${trigger} ${stored?.suspended}`);
  });

  it('decides overlap per concurrencyPolicy', () => {
    const cases: Array<[string, Parameters<typeof decideOverlap>, ReturnType<typeof decideOverlap>]> = [
      ['no holder', ['Forbid', 'nightly@b', undefined, false], { kind: 'run' }],
      ['Allow ignores the holder', ['Allow', 'nightly@b', holder, true], { kind: 'run' }],
      ['the holder is this run (a retried step)', ['Forbid', holder.runId, holder, true], { kind: 'run' }],
      ['Forbid skips while the holder is active', ['Forbid', 'nightly@b', holder, true], { kind: 'skip', reason: `run ${holder.runId} is still active (concurrencyPolicy Forbid)`, activeRunId: holder.runId }],
      ['Replace stops the active holder', ['Replace', 'nightly@b', holder, true], { kind: 'run', replaces: holder, takeOverFrom: holder.runId }],
      ['a holder no longer active holds nothing', ['Forbid', 'nightly@b', holder, false], { kind: 'run', takeOverFrom: holder.runId }],
    ];
    for (const [name, args, expected] of cases) assert.deepEqual(decideOverlap(...args), expected, name);
  });

  it('retries a transient start failure with backoff inside the starting deadline, then misses it; other failures fail the attempt', () => {
    const dueAt = '2026-12-01T02:00:00Z';
    const capacity = { reason: 'RESOURCE:FARGATE', transient: true };
    const cases: Array<[string, Parameters<typeof decideStartFailure>, ReturnType<typeof decideStartFailure>]> = [
      ['first failure', [capacity, { dueAt, now: at('2026-12-01T02:00:01Z'), startingDeadlineSeconds: 300, startFailures: 0 }], { kind: 'retry', waitSeconds: 2 }],
      ['backoff doubles', [capacity, { dueAt, now: at('2026-12-01T02:00:10Z'), startingDeadlineSeconds: 300, startFailures: 2 }], { kind: 'retry', waitSeconds: 8 }],
      ['backoff capped at 30 s', [capacity, { dueAt, now: at('2026-12-01T02:01:00Z'), startingDeadlineSeconds: 300, startFailures: 9 }], { kind: 'retry', waitSeconds: 30 }],
      ['never past the deadline', [capacity, { dueAt, now: at('2026-12-01T02:04:55Z'), startingDeadlineSeconds: 300, startFailures: 9 }], { kind: 'retry', waitSeconds: 5 }],
      [
        'past the deadline',
        [capacity, { dueAt, now: at('2026-12-01T02:05:00Z'), startingDeadlineSeconds: 300, startFailures: 4 }],
        { kind: 'missed', reason: 'could not start within startingDeadlineSeconds (300) after 5 attempts: RESOURCE:FARGATE' },
      ],
      ['a bad request', [{ reason: 'InvalidParameterException: no such cluster', transient: false }, { dueAt, now: at(dueAt), startingDeadlineSeconds: 300, startFailures: 0 }], { kind: 'failed', reason: 'RunTask failed: InvalidParameterException: no such cluster' }],
    ];
    for (const [name, args, expected] of cases) assert.deepEqual(decideStartFailure(...args), expected, name);
  });

  it('tells capacity failures of RunTask from the rest', () => {
    const cases: Array<[string, boolean]> = [['RESOURCE:MEMORY', true], ['RESOURCE:FARGATE', true], ['AGENT', true], ['Capacity is unavailable at this time', true], ['MISSING', false], ['ATTRIBUTE', false]];
    for (const [reason, transient] of cases) assert.equal(isTransientRunTaskFailure(reason), transient, reason);
  });

  it('misses a fire that arrives after its deadline', () => {
    assert.equal(lateBy('2026-12-01T02:00:00Z', at('2026-12-01T02:05:00Z'), 300), undefined);
    assert.equal(lateBy('2026-12-01T02:00:00Z', at('2026-12-01T02:05:01Z'), 300), 301);
  });

  it('judges a stopped task by its essential containers, and names the log stream of each from its awslogs options', () => {
    const definitions: ContainerDefinitionFacts[] = [
      { name: 'app', essential: true, logGroup: '/ecs/report', logStreamPrefix: 'report' },
      { name: 'sidecar', essential: false, logGroup: '/ecs/report' },
    ];
    const task = (app: number | undefined, sidecar: number | undefined) => ({ lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', exitCode: app }, { name: 'sidecar', exitCode: sidecar }] });
    assert.deepEqual(stoppedOutcome(task(0, 137), definitions, false), { outcome: 'SUCCEEDED' }, 'a non-essential container’s exit does not count');
    assert.deepEqual(stoppedOutcome(task(2, 0), definitions, false), { outcome: 'FAILED', reason: 'container app exited 2: Essential container in task exited' });
    assert.deepEqual(stoppedOutcome(task(undefined, 0), definitions, false), { outcome: 'FAILED', reason: 'container app has no exit code: Essential container in task exited' });
    assert.deepEqual(stoppedOutcome(task(0, 0), definitions, true), { outcome: 'TIMED_OUT', reason: 'stopped when timeoutSeconds was reached' });
    assert.deepEqual(containerResults({ ...task(3, 0), containers: [{ name: 'app', exitCode: 3, reason: 'OOM' }, { name: 'sidecar', exitCode: 0 }] }, definitions, 'arn:aws:ecs:us-east-1:123456789012:task/batch/0f1e'), [
      { name: 'app', exitCode: 3, reason: 'OOM', logGroup: '/ecs/report', logStream: 'report/app/0f1e' },
      { name: 'sidecar', exitCode: 0, logGroup: '/ecs/report' },
    ]);
  });

  it('looks at a running task sparsely, at its timeout, and briefly after stopping it', () => {
    const startedAt = '2026-12-01T02:00:00Z';
    const cases: Array<[string, Parameters<typeof decideRunning>[0], ReturnType<typeof decideRunning>]> = [
      ['no timeout', { startedAt, now: at('2026-12-01T02:00:05Z'), stopRequested: false }, { kind: 'wait', waitSeconds: 300 }],
      ['timeout far off', { startedAt, now: at('2026-12-01T02:00:05Z'), timeoutSeconds: 3600, stopRequested: false }, { kind: 'wait', waitSeconds: 300 }],
      ['timeout near', { startedAt, now: at('2026-12-01T02:00:05Z'), timeoutSeconds: 60, stopRequested: false }, { kind: 'wait', waitSeconds: 55 }],
      ['timeout reached', { startedAt, now: at('2026-12-01T02:01:00Z'), timeoutSeconds: 60, stopRequested: false }, { kind: 'stop', reason: 'Timed out after 60 s (timeoutSeconds)' }],
      ['stop requested', { startedAt, now: at('2026-12-01T02:01:05Z'), timeoutSeconds: 60, stopRequested: true }, { kind: 'wait', waitSeconds: 30 }],
    ];
    for (const [name, facts, expected] of cases) assert.deepEqual(decideRunning(facts), expected, name);
  });

  it('retries failed attempts with exponential backoff while the limit allows, nothing else', () => {
    const retries = { limit: 2, backoffSeconds: 60 };
    assert.deepEqual(decideRetry('FAILED', 1, retries), { kind: 'retry', waitSeconds: 60 });
    assert.deepEqual(decideRetry('FAILED', 2, retries), { kind: 'retry', waitSeconds: 120 });
    assert.deepEqual(decideRetry('FAILED', 3, retries), { kind: 'done' });
    assert.deepEqual(decideRetry('FAILED', 1, { limit: 10, backoffSeconds: 3600 }), { kind: 'retry', waitSeconds: 3600 });
    assert.deepEqual(decideRetry('FAILED', 5, { limit: 10, backoffSeconds: 3600 }), { kind: 'retry', waitSeconds: 3600 }, 'at most an hour');
    for (const outcome of ['SUCCEEDED', 'TIMED_OUT', 'MISSED', 'SKIPPED', 'REPLACED'] as const) assert.deepEqual(decideRetry(outcome, 1, retries), { kind: 'done' }, outcome);
  });

  it('deletes the oldest ended records beyond each history limit, never an active one', () => {
    const runs = ['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'SKIPPED', 'SUCCEEDED', 'RUNNING', 'MISSED'].map((outcome, index) => ({ outcome, index })) as Array<{ outcome: ScheduleRun['outcome']; index: number }>;
    assert.deepEqual(runsBeyondHistory(runs, { successful: 2, failed: 1 }).map((run) => run.index), [0, 1, 3]);
    assert.deepEqual(runsBeyondHistory(runs, { successful: 0, failed: 0 }).map((run) => run.index), [0, 1, 2, 3, 4, 6]);
    assert.deepEqual(runsBeyondHistory(runs, { successful: 10, failed: 10 }), []);
  });

  it('reads the revision a service runs now: its primary task set, else its primary deployment, else its own', () => {
    assert.equal(liveTaskDefinition({ taskDefinition: 'web:1', taskSets: [{ status: 'ACTIVE', taskDefinition: 'web:3' }, { status: 'PRIMARY', taskDefinition: 'web:2' }] }), 'web:2');
    assert.equal(liveTaskDefinition({ taskDefinition: 'web:1', deployments: [{ status: 'ACTIVE', taskDefinition: 'web:1' }, { status: 'PRIMARY', taskDefinition: 'web:4' }] }), 'web:4');
    assert.equal(liveTaskDefinition({ taskDefinition: 'web:1' }), 'web:1');
    assert.equal(liveTaskDefinition({}), undefined);
  });

  it('gives RunTask the same 64-character client token for the same try, another for the next', () => {
    const token = runTaskClientToken('nightly@2026-12-01T02:00:00Z', 1, 0);
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(runTaskClientToken('nightly@2026-12-01T02:00:00Z', 1, 0), token);
    assert.notEqual(runTaskClientToken('nightly@2026-12-01T02:00:00Z', 1, 1), token);
    assert.notEqual(runTaskClientToken('nightly@2026-12-01T02:00:00Z', 2, 0), token);
  });

  it('announces each ended attempt once, by kind, and not a replaced one', () => {
    const run: ScheduleRun = { schedule: 'nightly', runId: 'nightly@2026-12-01T02:00:00Z', attempt: 2, trigger: 'schedule', scheduledTime: '2026-12-01T02:00:00Z', outcome: 'FAILED', containers: [{ name: 'app', exitCode: 3 }] };
    const failed = scheduleRunNotification(run, 'batch', '2026-12-01T02:03:00Z');
    assert.equal(failed?.id, 'schedule-run-failed#nightly#2026-12-01T02:00:00Z#2');
    assert.equal(failed?.subject, 'Scheduled task nightly failed (attempt 2): app exited 3');
    assert.equal(failed?.cluster, 'batch');
    const kinds = (['SUCCEEDED', 'TIMED_OUT', 'SKIPPED', 'MISSED', 'REPLACED'] as const).map((outcome) => scheduleRunNotification({ ...run, outcome, attempt: 1 }, 'batch', run.scheduledTime)?.kind);
    assert.deepEqual(kinds, ['schedule-run-succeeded', 'schedule-run-timed-out', 'schedule-run-skipped', 'schedule-run-missed', undefined]);
  });
});
