import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, type TaskDefinition } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseSchedule } from '../../../functions/schedules/config.ts';
import type { Schedule, ScheduleFire, ScheduleRun } from '../../../functions/schedules/domain/schedule.ts';
import { defaultAwsvpcConfiguration } from '../../../local/sample-resources.ts';
import { waitFor } from '../../../local/wait.ts';
import { OUTBOX_TABLE, STATE_TABLE, type StackUnderTest } from '../support.ts';

/** The run machine of the local stage (fixed name: functions/schedules/resources.yml). */
export const RUN_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:harbormaster-local-scheduled-task-run';
export const CLUSTER = 'batch';
export const FAMILY = 'report';
export const LOG_GROUP = '/ecs/report';

/** The same generous wait everywhere: the machine has 2 cores shared by many test runs. */
export const WAIT_MS = 90_000;

export interface ScheduleWorld {
  ecs: ECSClient;
  sfn: SFNClient;
  taskDefinition: TaskDefinition;
  subnets: string[];
  securityGroups: string[];
}

/** A cluster and a Fargate task definition with two containers (the sidecar not essential), both logging with awslogs. */
export async function createScheduleWorld(stack: StackUnderTest): Promise<ScheduleWorld> {
  const ecs = new ECSClient(stack.aws.clientConfig);
  const sfn = new SFNClient(stack.aws.clientConfig);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const awslogs = { logDriver: 'awslogs' as const, options: { 'awslogs-group': LOG_GROUP, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'report' } };
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: FAMILY,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'report', image: 'public.ecr.aws/docker/library/busybox:latest', memory: 256, essential: true, command: ['sh', '-c', 'exit 0'], logConfiguration: awslogs },
        { name: 'sidecar', image: 'public.ecr.aws/docker/library/busybox:latest', memory: 256, essential: false, logConfiguration: awslogs },
      ],
    }),
  );
  if (!taskDefinition) throw new Error('RegisterTaskDefinition returned nothing');
  const network = await defaultAwsvpcConfiguration(stack.aws.clientConfig);
  return { ecs, sfn, taskDefinition, subnets: network.subnets ?? [], securityGroups: network.securityGroups ?? [] };
}

/**
 * Stores a schedule as `apply` does (pk CONFIG, sk SCHEDULE#<name>, the fields beside revision: schedule.ts), through
 * the section's own parser, so defaults and bounds are the real ones. `command` overrides the essential container's.
 */
export async function putSchedule(stack: StackUnderTest, world: ScheduleWorld, name: string, fields: Record<string, unknown> = {}, command?: string[]): Promise<Schedule> {
  const schedule = parseSchedule({
    name,
    expression: 'cron(0 * * * ? *)',
    cluster: CLUSTER,
    taskDefinition: { family: FAMILY },
    launchType: 'FARGATE',
    network: { subnets: world.subnets, securityGroups: world.securityGroups },
    ...(command ? { overrides: { containers: [{ name: 'report', command }] } } : {}),
    ...fields,
  });
  await stack.documents.send(new PutCommand({ TableName: STATE_TABLE, Item: { pk: 'CONFIG', sk: `SCHEDULE#${name}`, kind: 'schedule-config', ...schedule, revision: 1, updatedAt: new Date().toISOString() } }));
  return schedule;
}

/** What a Scheduler fire (or `schedules run`) does: StartExecution of the run machine with the fire as its input. */
export async function fire(world: ScheduleWorld, scheduleFire: ScheduleFire): Promise<string> {
  const { executionArn } = await world.sfn.send(new StartExecutionCommand({ stateMachineArn: RUN_STATE_MACHINE_ARN, input: JSON.stringify(scheduleFire) }));
  if (!executionArn) throw new Error('StartExecution returned no execution ARN');
  return executionArn;
}

/** A fire at the local clock's current time, to the second as Scheduler gives it. */
export function fireNow(stack: StackUnderTest, schedule: string): ScheduleFire {
  return { schedule, scheduledTime: `${stack.aws.runtime.clock.now().toISOString().slice(0, 19)}Z`, trigger: 'schedule' };
}

export async function waitForExecutionEnd(world: ScheduleWorld, executionArn: string): Promise<{ status: string; error?: string; cause?: string }> {
  return waitFor(
    `execution ${executionArn} to end`,
    async () => {
      const described = await world.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : { status: described.status ?? '', ...(described.error ? { error: described.error } : {}), ...(described.cause ? { cause: described.cause } : {}) };
    },
    WAIT_MS,
  );
}

/** Every run record of a schedule, oldest first. */
export async function runsOf(documents: DynamoDBDocumentClient, schedule: string): Promise<Array<ScheduleRun & Record<string, unknown>>> {
  const { Items } = await documents.send(
    new QueryCommand({ TableName: STATE_TABLE, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)', ExpressionAttributeValues: { ':pk': `SCHEDULE#${schedule}`, ':run': 'RUN#' }, ConsistentRead: true }),
  );
  return (Items ?? []) as Array<ScheduleRun & Record<string, unknown>>;
}

/** Waits until the schedule's runs satisfy `done`, returning them. */
export function waitForRuns(documents: DynamoDBDocumentClient, schedule: string, what: string, done: (runs: ScheduleRun[]) => boolean): Promise<Array<ScheduleRun & Record<string, unknown>>> {
  return waitFor(
    `${schedule}: ${what}`,
    async () => {
      const runs = await runsOf(documents, schedule);
      return done(runs) ? runs : undefined;
    },
    WAIT_MS,
    200,
  );
}

/** Announcements of a kind, oldest first. */
export async function announcements(documents: DynamoDBDocumentClient, kind: string): Promise<Array<Record<string, unknown>>> {
  const { Items } = await documents.send(new ScanCommand({ TableName: OUTBOX_TABLE, FilterExpression: 'kind = :kind', ExpressionAttributeValues: { ':kind': kind } }));
  return (Items ?? []).sort((a, b) => String(a['createdAt']).localeCompare(String(b['createdAt'])));
}

async function historyOf(world: ScheduleWorld, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await world.sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The states an execution entered, in order. */
export async function statesEntered(world: ScheduleWorld, executionArn: string): Promise<string[]> {
  return (await historyOf(world, executionArn)).flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : []));
}

/** The run's task waiter (registered by AwaitStop): present once the run is parked on its task. */
async function waiterOf(documents: DynamoDBDocumentClient, taskArn: string): Promise<Record<string, unknown> | undefined> {
  const { Items } = await documents.send(
    new QueryCommand({ TableName: STATE_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SCHEDULE-TASK#${taskArn}` }, ConsistentRead: true }),
  );
  return Items?.[0];
}

/** Waits until the schedule's attempt is RUNNING and parked on its task (so a clock move or a stop finds it waiting). */
export async function waitForParkedRun(stack: StackUnderTest, schedule: string, scheduledTime: string): Promise<ScheduleRun & Record<string, unknown>> {
  return waitFor(
    `${schedule}@${scheduledTime} to wait for its task`,
    async () => {
      const run = (await runsOf(stack.documents, schedule)).find((candidate) => candidate.scheduledTime === scheduledTime && candidate.outcome === 'RUNNING');
      return run?.taskArn && (await waiterOf(stack.documents, run.taskArn)) ? run : undefined;
    },
    WAIT_MS,
    200,
  );
}

/** Waits until the execution has entered `state` (e.g. a backoff wait), so the test acts while it is there. */
export async function waitForState(world: ScheduleWorld, executionArn: string, state: string): Promise<void> {
  await waitFor(`${executionArn} to enter ${state}`, async () => (await statesEntered(world, executionArn)).includes(state), WAIT_MS, 200);
}

/** A fire `minutesLater` after `base`, as the next fires of one schedule are. */
export function laterFire(base: ScheduleFire, minutesLater: number): ScheduleFire {
  return { ...base, scheduledTime: `${new Date(Date.parse(base.scheduledTime) + minutesLater * 60_000).toISOString().slice(0, 19)}Z` };
}
