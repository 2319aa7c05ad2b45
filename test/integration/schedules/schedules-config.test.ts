import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegisterTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { scheduleRunKey, type ScheduleRun } from '../../../functions/schedules/domain/schedule.ts';
import { runCli, writeConfigFile } from '../../cli-support.ts';
import { STATE_TABLE, useDeployedStack } from '../support.ts';

const stack = useDeployedStack();

const GROUP = 'harbormaster-local';
const ACCOUNT_REGION = 'us-east-1:123456789012';
const RUN_STATE_MACHINE = `arn:aws:states:${ACCOUNT_REGION}:stateMachine:harbormaster-local-scheduled-task-run`;
const DEAD_LETTERS = `arn:aws:sqs:${ACCOUNT_REGION}:harbormaster-local-schedule-dead-letters`;

const FILE = `services:
  shop:
    cluster: demo
schedules:
  nightly-report:
    expression: cron(30 2 * * ? *)
    timeZone: America/New_York
    cluster: demo
    taskDefinition: { followService: shop }
    startingDeadlineSeconds: 600
  hourly-sync:
    expression: rate(1 hour)
    cluster: demo
    taskDefinition: { family: sync }
    flexibleWindowMinutes: 5
    suspended: true
`;

const scheduler = () => new SchedulerClient(stack.aws.clientConfig);
const getSchedule = (name: string) => scheduler().send(new GetScheduleCommand({ GroupName: GROUP, Name: name }));
const scheduleNames = async () => ((await scheduler().send(new ListSchedulesCommand({ GroupName: GROUP }))).Schedules ?? []).map(({ Name }) => Name).sort();

async function registerFamily(family: string): Promise<void> {
  await new ECSClient(stack.aws.clientConfig).send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:latest', memory: 128 }] }));
}

async function applied(text: string, ...flags: string[]) {
  const run = await runCli(['apply', '--file', writeConfigFile(text), ...flags]);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  return run;
}

describe('schedules: apply deploys EventBridge Scheduler schedules', () => {
  it('creates each schedule in the stage group with its expression, zone, state, target input, retry policy and dead-letter queue', async () => {
    await registerFamily('sync');
    await applied(FILE);

    assert.deepEqual(await scheduleNames(), ['hourly-sync', 'nightly-report']);
    const nightly = await getSchedule('nightly-report');
    assert.equal(nightly.GroupName, GROUP);
    assert.equal(nightly.ScheduleExpression, 'cron(30 2 * * ? *)');
    assert.equal(nightly.ScheduleExpressionTimezone, 'America/New_York');
    assert.equal(nightly.State, 'ENABLED');
    assert.deepEqual(nightly.FlexibleTimeWindow, { Mode: 'OFF' });
    assert.equal(nightly.Target?.Arn, RUN_STATE_MACHINE);
    assert.match(nightly.Target?.RoleArn ?? '', /^arn:aws:iam::123456789012:role\//);
    assert.deepEqual(JSON.parse(nightly.Target?.Input ?? '{}'), { schedule: 'nightly-report', scheduledTime: '<aws.scheduler.scheduled-time>', trigger: 'schedule' });
    assert.deepEqual(nightly.Target?.RetryPolicy, { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 600 });
    assert.deepEqual(nightly.Target?.DeadLetterConfig, { Arn: DEAD_LETTERS });

    const hourly = await getSchedule('hourly-sync');
    assert.equal(hourly.State, 'DISABLED', 'suspended: true deploys a disabled schedule');
    assert.deepEqual(hourly.FlexibleTimeWindow, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 });
    assert.deepEqual(hourly.Target?.RetryPolicy, { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 300 });

    // The configuration item: the Schedule's fields at the top level beside the revision (domain/schedule.ts).
    const { Item } = await stack.documents.send(new GetCommand({ TableName: STATE_TABLE, Key: { pk: 'CONFIG', sk: 'SCHEDULE#nightly-report' } }));
    assert.equal(Item?.['kind'], 'schedule-config');
    assert.equal(Item?.['revision'], 1);
    assert.equal(Item?.['expression'], 'cron(30 2 * * ? *)');
    assert.deepEqual(Item?.['taskDefinition'], { followService: 'shop' });
    assert.equal(Item?.['concurrencyPolicy'], 'Forbid');

    const again = await runCli(['apply', '--file', writeConfigFile(FILE), '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as { counts: Record<string, number> }).counts, { add: 0, change: 0, remove: 0, keep: 0, unchanged: 3 });
  });

  it('prunes a schedule no longer declared: its Scheduler schedule and its item', async () => {
    await registerFamily('sync');
    await applied(FILE);
    const withoutHourly = FILE.replace(/ {2}hourly-sync:[\s\S]*$/, '');
    const kept = await applied(withoutHourly);
    assert.match(kept.stdout, /hourly-sync: stored but not in the file; kept/);
    assert.deepEqual(await scheduleNames(), ['hourly-sync', 'nightly-report']);

    await applied(withoutHourly, '--prune');
    assert.deepEqual(await scheduleNames(), ['nightly-report']);
    const { Item } = await stack.documents.send(new GetCommand({ TableName: STATE_TABLE, Key: { pk: 'CONFIG', sk: 'SCHEDULE#hourly-sync' } }));
    assert.equal(Item, undefined);
  });

  it('plans a schedule lost from Scheduler as drift, and the next apply deploys it again', async () => {
    await registerFamily('sync');
    await applied(FILE);
    await scheduler().send(new DeleteScheduleCommand({ GroupName: GROUP, Name: 'nightly-report' }));

    const planned = await runCli(['plan', '--file', writeConfigFile(FILE)]);
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, /~ nightly-report: changed at revision 1/);
    assert.match(planned.stdout, /- scheduler: "missing from EventBridge Scheduler"/);

    await applied(FILE);
    assert.equal((await getSchedule('nightly-report')).ScheduleExpression, 'cron(30 2 * * ? *)');
  });

  it('refuses, in plan and apply, a family with no registered revision, and deploys nothing for it', async () => {
    const file = writeConfigFile(FILE);
    const planned = await runCli(['plan', '--file', file]);
    assert.match(planned.stdout, /✗ taskDefinition\.family: no ACTIVE revision of family sync is registered \(apply skips it\)/);
    const run = await runCli(['apply', '--file', file]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ schedules hourly-sync: taskDefinition\.family: no ACTIVE revision of family sync/);
    assert.deepEqual(await scheduleNames(), ['nightly-report']);
  });
});

describe('harbormaster schedules', () => {
  const now = () => new Date('2026-03-06T12:00:00Z');

  async function writeRun(run: Partial<ScheduleRun> & Pick<ScheduleRun, 'scheduledTime' | 'outcome'>): Promise<void> {
    const attempt = run.attempt ?? 1;
    const item: ScheduleRun = { schedule: 'nightly-report', runId: `nightly-report@${run.scheduledTime}`, attempt, trigger: 'schedule', containers: [{ name: 'app', exitCode: run.outcome === 'SUCCEEDED' ? 0 : 1 }], ...run };
    await stack.documents.send(new PutCommand({ TableName: STATE_TABLE, Item: { ...scheduleRunKey('nightly-report', run.scheduledTime, attempt), kind: 'schedule-run', ...item } }));
  }

  it('lists each schedule with its next fire times in its zone (skipping the spring-forward gap) and its last run', async () => {
    await registerFamily('sync');
    await applied(FILE);
    await writeRun({ scheduledTime: '2026-03-04T07:30:00Z', outcome: 'SUCCEEDED' });
    await writeRun({ scheduledTime: '2026-03-05T07:30:00Z', outcome: 'FAILED', reason: 'app exited 1' });

    const listed = await runCli(['schedules', '--json'], { now });
    assert.equal(listed.code, 0, listed.stderr);
    const { schedules } = JSON.parse(listed.stdout) as { schedules: Array<{ name: string; nextFireTimes: string[]; suspended: boolean; lastRun?: { outcome: string; scheduledTime: string } }> };
    const nightly = schedules.find(({ name }) => name === 'nightly-report');
    // 8 March 2026: 02:30 does not exist in New York, so that day has no fire.
    assert.deepEqual(nightly?.nextFireTimes, ['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z', '2026-03-11T06:30:00.000Z', '2026-03-12T06:30:00.000Z']);
    assert.deepEqual([nightly?.lastRun?.outcome, nightly?.lastRun?.scheduledTime], ['FAILED', '2026-03-05T07:30:00Z']);
    assert.equal(schedules.find(({ name }) => name === 'hourly-sync')?.suspended, true);

    const table = await runCli(['schedules'], { now });
    assert.match(table.stdout, /nightly-report {2}cron\(30 2 \* \* \? \*\) {2}America\/New_York {2}active/);
    assert.match(table.stdout, /2026-03-07 02:30 EST\n {4}2026-03-09 02:30 EDT/);
    assert.match(table.stdout, /last run: FAILED 2026-03-05T07:30:00Z \(schedule, attempt 1\)/);
  });

  it('reads the history newest first, paging, up to --limit', async () => {
    await registerFamily('sync');
    await applied(FILE);
    const days = ['01', '02', '03', '04', '05'];
    for (const day of days) await writeRun({ scheduledTime: `2026-03-${day}T07:30:00Z`, outcome: 'SUCCEEDED' });
    await writeRun({ scheduledTime: '2026-03-05T07:30:00Z', attempt: 2, outcome: 'FAILED' });

    const run = await runCli(['schedules', 'history', 'nightly-report', '--limit', '4', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const { runs } = JSON.parse(run.stdout) as { runs: ScheduleRun[] };
    assert.deepEqual(runs.map(({ scheduledTime, attempt }) => `${scheduledTime}#${attempt}`), ['2026-03-05T07:30:00Z#2', '2026-03-05T07:30:00Z#1', '2026-03-04T07:30:00Z#1', '2026-03-03T07:30:00Z#1']);

    const table = await runCli(['schedules', 'history', 'nightly-report', '--limit', '2']);
    assert.match(table.stdout, /2026-03-05T07:30:00Z +2 +schedule +FAILED/);
    const unknown = await runCli(['schedules', 'history', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No schedule nope is configured in this stage/);
  });

  it('suspends and resumes as an operator override that apply keeps and plan reports', async () => {
    await registerFamily('sync');
    await applied(FILE);
    const dry = await runCli(['schedules', 'suspend', 'nightly-report', '--dry-run'], { now });
    assert.match(dry.stdout, /Dry run: would leave nightly-report suspended \(an operator override/);
    assert.equal((await getSchedule('nightly-report')).State, 'ENABLED', 'a dry run changes nothing');

    const suspended = await runCli(['schedules', 'suspend', 'nightly-report'], { now });
    assert.equal(suspended.code, 0, suspended.stderr);
    assert.equal((await getSchedule('nightly-report')).State, 'DISABLED');
    const { Item } = await stack.documents.send(new GetCommand({ TableName: STATE_TABLE, Key: { pk: 'CONFIG', sk: 'SCHEDULE#nightly-report' } }));
    assert.deepEqual(Item?.['operatorOverride'], { suspended: true, at: '2026-03-06T12:00:00.000Z' });

    const planned = await runCli(['plan', '--file', writeConfigFile(FILE)]);
    assert.match(planned.stdout, /= nightly-report: unchanged\n +note: suspended by `harbormaster schedules suspend` at 2026-03-06T12:00:00.000Z/);
    await applied(FILE.replace('startingDeadlineSeconds: 600', 'startingDeadlineSeconds: 900'));
    assert.equal((await getSchedule('nightly-report')).State, 'DISABLED', 'apply keeps the override');
    assert.equal((await getSchedule('nightly-report')).Target?.RetryPolicy?.MaximumEventAgeInSeconds, 900, 'and applies the file');

    const resumed = await runCli(['schedules', 'resume', 'nightly-report', '--json'], { now });
    assert.deepEqual(JSON.parse(resumed.stdout), { schedule: 'nightly-report', dryRun: false, before: true, after: false });
    assert.equal((await getSchedule('nightly-report')).State, 'ENABLED');
    const after = await stack.documents.send(new GetCommand({ TableName: STATE_TABLE, Key: { pk: 'CONFIG', sk: 'SCHEDULE#nightly-report' } }));
    assert.equal(after.Item?.['operatorOverride'], undefined, 'resuming to what the file says ends the override');
  });

  it('runs a schedule now: a dry run starts nothing; a run starts the run state machine once per request', async () => {
    await registerFamily('sync');
    await applied(FILE);
    const dry = await runCli(['schedules', 'run', 'nightly-report', '--dry-run', '--json'], { now });
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(JSON.parse(dry.stdout), {
      dryRun: true,
      executionName: 'nightly-report-manual-20260306T120000Z',
      executionArn: `arn:aws:states:${ACCOUNT_REGION}:execution:harbormaster-local-scheduled-task-run:nightly-report-manual-20260306T120000Z`,
      input: { schedule: 'nightly-report', scheduledTime: '2026-03-06T12:00:00.000Z', trigger: 'manual' },
      started: false,
    });

    // Until the run state machine (branch h/sched-run) is in the stack, a stand-in with its fixed name takes the start.
    const sfn = new SFNClient(stack.aws.clientConfig);
    await sfn.send(
      new CreateStateMachineCommand({
        name: 'harbormaster-local-scheduled-task-run',
        roleArn: 'arn:aws:iam::123456789012:role/stand-in',
        definition: JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
      }),
    );
    const started = await runCli(['schedules', 'run', 'nightly-report', '--json'], { now });
    assert.equal(started.code, 0, started.stderr);
    const { executionArn, started: first } = JSON.parse(started.stdout) as { executionArn: string; started: boolean };
    assert.equal(first, true);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.deepEqual(JSON.parse(execution.input ?? '{}'), { schedule: 'nightly-report', scheduledTime: '2026-03-06T12:00:00.000Z', trigger: 'manual' });
    const repeated = await runCli(['schedules', 'run', 'nightly-report', '--json'], { now });
    assert.equal((JSON.parse(repeated.stdout) as { started: boolean }).started, false, 'the same request starts no second run');
  });
});
