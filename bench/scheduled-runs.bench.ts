import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { CreateScheduleCommand, CreateScheduleGroupCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEDULE_TASK_WAITER_KIND } from '../functions/schedules/index.ts';
import { parseSchedule } from '../functions/schedules/config.ts';
import { STOPPED_POLL_SECONDS } from '../functions/schedules/domain/scheduled-run.ts';
import { startLocalAws } from '../local/local-aws.ts';
import { defaultAwsvpcConfiguration } from '../local/sample-resources.ts';
import { waitFor } from '../local/wait.ts';

/**
 * Scheduled runs on the local AWS: fire → RunTask latency (the local scheduler delivers a Scheduler schedule's fire
 * when the local clock reaches it → StartExecution → Begin → Start → RunTask), and state transitions per run, counted
 * from execution histories, for each way a run goes: a success resumed by its task's stop event, a failure retried
 * once, a skipped overlap, and a long run that takes one sparse look. Beside them the baselines: Scheduler's RunTask
 * target (no execution at all: no record, no overlap control, a capacity failure is silent) and a polling machine
 * that checks a running task every minute (what a run without task tokens costs).
 */

const FIRES = 10;
const STAGE = 'bench';
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

// Handlers run in this process and share the SDK module: note when RunTask leaves, per schedule (its group).
const runTaskAt = new Map<string, number>();
const send = ECSClient.prototype.send;
ECSClient.prototype.send = function (this: ECSClient, ...args: Parameters<ECSClient['send']>) {
  const [command] = args;
  if (command instanceof RunTaskCommand && command.input.group && !runTaskAt.has(command.input.group)) runTaskAt.set(command.input.group, Date.now());
  return (send as (...a: unknown[]) => ReturnType<ECSClient['send']>).apply(this, args);
} as ECSClient['send'];

const aws = await startLocalAws({ stage: STAGE });
try {
  await aws.deployStack();
  const ecs = new ECSClient(aws.clientConfig);
  const sfn = new SFNClient(aws.clientConfig);
  const scheduler = new SchedulerClient(aws.clientConfig);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig));
  const stateMachineArn = `arn:aws:states:us-east-1:123456789012:stateMachine:harbormaster-${STAGE}-scheduled-task-run`;
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'job',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'job', image: 'public.ecr.aws/docker/library/busybox:latest', memory: 512, essential: true, command: ['sh', '-c', 'exit 0'] }],
    }),
  );
  const network = await defaultAwsvpcConfiguration(aws.clientConfig);
  const putSchedule = (name: string, fields: Record<string, unknown> = {}) => {
    const schedule = parseSchedule({ name, expression: 'rate(1 minute)', cluster: 'bench', taskDefinition: { family: 'job' }, launchType: 'FARGATE', network, ...fields });
    return documents.send(new PutCommand({ TableName: `harbormaster-${STAGE}-state`, Item: { pk: 'CONFIG', sk: `SCHEDULE#${name}`, kind: 'schedule-config', ...schedule, revision: 1, updatedAt: new Date().toISOString() } }));
  };
  const command = (script: string) => ({ overrides: { containers: [{ name: 'job', command: ['sh', '-c', script] }] } });
  const ended = (executionArn: string) =>
    waitFor(`${executionArn} to end`, async () => ((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING' ? undefined : true), 120_000);
  const transitions = async (executionArn: string) => {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events.filter((event) => event.type?.endsWith('StateEntered')).length;
  };

  // Fire → RunTask: one Scheduler schedule per fire, delivered by advancing the local clock to its minute.
  await scheduler.send(new CreateScheduleGroupCommand({ Name: `harbormaster-${STAGE}` }));
  const latencies: number[] = [];
  const successTransitions: number[] = [];
  for (let fire = 0; fire < FIRES; fire += 1) {
    const name = `fire${fire}`;
    await putSchedule(name);
    const input = JSON.stringify({ schedule: name, scheduledTime: '<aws.scheduler.scheduled-time>', trigger: 'schedule' });
    await scheduler.send(new CreateScheduleCommand({ GroupName: `harbormaster-${STAGE}`, Name: name, ScheduleExpression: 'cron(* * * * ? *)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: stateMachineArn, RoleArn: 'arn:aws:iam::123456789012:role/scheduler', Input: input } }));
    const next = Math.floor(aws.runtime.clock.now().getTime() / 60_000 + 1) * 60_000;
    const firedAt = Date.now();
    await aws.runtime.clock.set(new Date(next));
    const delivery = aws.runtime.scheduler.fires.find((candidate) => candidate.schedule === name);
    await scheduler.send(new DeleteScheduleCommand({ GroupName: `harbormaster-${STAGE}`, Name: name }));
    await waitFor(`RunTask of ${name}`, async () => runTaskAt.has(`schedule:${name}`), 60_000, 2);
    latencies.push((runTaskAt.get(`schedule:${name}`) ?? NaN) - firedAt);
    await ended(String(delivery?.executionArn));
    successTransitions.push(await transitions(String(delivery?.executionArn)));
  }

  const start = async (name: string) => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ schedule: name, scheduledTime: aws.runtime.clock.now().toISOString(), trigger: 'manual' }) }));
    return String(executionArn);
  };
  // A failure retried once (backoff 1 s).
  await putSchedule('failing', { retries: { limit: 1, backoffSeconds: 1 }, ...command('exit 1') });
  const failing = await start('failing');
  await ended(failing);
  // A long run with one sparse look (the local clock passes the look's timeout), then its stop event.
  await putSchedule('long', command('sleep 3'));
  const long = await start('long');
  // Parked: its task waiter is registered, so the clock's move resumes it as the look's timeout would.
  const parked = async () => ((await documents.send(new ScanCommand({ TableName: `harbormaster-${STAGE}-state`, FilterExpression: 'kind = :kind', ExpressionAttributeValues: { ':kind': SCHEDULE_TASK_WAITER_KIND } }))).Items ?? []).length > 0;
  await waitFor('the long run to wait', parked, 60_000);
  await aws.runtime.clock.advance(STOPPED_POLL_SECONDS * 1000);
  await ended(long);
  // A skipped overlap: the long-running holder, then a fire that finds it active.
  await putSchedule('busy', command('sleep 30'));
  const holder = await start('busy');
  await waitFor('the holder to run', async () => (await transitions(holder)) >= 5, 60_000);
  await aws.runtime.clock.advance(60_000);
  const skipped = await start('busy');
  await ended(skipped);

  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    return { 'p50 ms': at(0.5), 'p95 ms': at(0.95), 'max ms': sorted[sorted.length - 1] ?? NaN };
  };
  console.log(`Scheduled runs: fire → RunTask on the local AWS (${FIRES} fires delivered by the local scheduler)`);
  console.table({
    'clock reaches the fire → RunTask sent (ours: StartExecution, Begin, Route, Start)': stats(latencies),
    'baseline: Scheduler RunTask target (no execution; nothing recorded)': { 'p50 ms': 0, 'p95 ms': 0, 'max ms': 0 },
  });
  const longTransitions = await transitions(long);
  const successMedian = [...successTransitions].sort((a, b) => a - b)[Math.floor(successTransitions.length / 2)] ?? NaN;
  const perLook = longTransitions - successMedian;
  const day = 24 * 60 * 60;
  console.log('State transitions per scheduled run (states entered, from execution histories)');
  console.table({
    'succeeded, resumed by its stop event': { transitions: successMedian },
    'failed, retried once, failed again': { transitions: await transitions(failing) },
    'skipped (Forbid overlap)': { transitions: await transitions(skipped) },
    [`one sparse look (${STOPPED_POLL_SECONDS} s) before the stop event`]: { transitions: longTransitions },
    '24-hour run: ours (one look per 300 s)': { transitions: successMedian + perLook * Math.ceil(day / STOPPED_POLL_SECONDS) },
    '24-hour run: baseline, a machine polling DescribeTasks every 60 s (Wait, Describe, Choice)': { transitions: 3 * (day / 60) },
  });
} finally {
  await aws.stop();
}
