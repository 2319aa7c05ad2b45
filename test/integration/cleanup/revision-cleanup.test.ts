import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeregisterTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServicePrimaryTaskSetCommand,
} from '@aws-sdk/client-ecs';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConfigStore } from '../../../functions/config/adapters/config-store.ts';
import type { FailedFamily, FamilyOutcome } from '../../../functions/cleanup/domain/cleanup-outcome.ts';
import type { FamilyCleanupPlan, KeptRevision } from '../../../functions/cleanup/domain/revision-cleanup.ts';
import type { RunSummary } from '../../../functions/cleanup/handlers/cleanup-record-run.ts';
import { defaultNetworkConfiguration } from '../../../local/runtime/upstream.ts';
import { OUTBOX_TABLE, STATE_TABLE, getItem, scanAll, useDeployedStack, type StackUnderTest } from '../support.ts';
import { CLEANUP_STATE_MACHINE, childStateMachine, runToEnd } from './cleanup-support.ts';

/** The revision-cleanup state machine on the deployed stack: real ECS, EventBridge and Scheduler state in moto. */

const stack = useDeployedStack();

const ACCOUNT = '123456789012';
const arn = (family: string, revision: number) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${family}:${revision}`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

async function registerRevisions(ecs: ECSClient, family: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await ecs.send(new RegisterTaskDefinitionCommand({ family, requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512 }] }));
  }
}

async function revisions(ecs: ECSClient, family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<number[]> {
  const { taskDefinitionArns } = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status }));
  return (taskDefinitionArns ?? []).map((taskDefinitionArn) => Number(taskDefinitionArn.split(':').pop())).sort((a, b) => a - b);
}

async function configure(stackUnderTest: StackUnderTest, settings: Record<string, unknown>): Promise<void> {
  await new ConfigStore(stackUnderTest.documents, STATE_TABLE).putCleanupConfig(settings, 0);
}

/** Starts an on-demand run and polls it to its end. */
const runCleanup = (name: string, input: Record<string, unknown> = {}) => runToEnd(new SFNClient(stack.aws.clientConfig), CLEANUP_STATE_MACHINE, name, { trigger: 'on-demand', ...input });

function summaryOf(execution: DescribeExecutionCommandOutput): RunSummary {
  assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
  return JSON.parse(execution.output ?? '{}') as RunSummary;
}

interface FamilyRecord {
  status: string;
  outcome: FamilyOutcome | FailedFamily;
}

async function queryPartition(pk: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.documents.send(new QueryCommand({ TableName: STATE_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Each family's record in the run: its status and outcome. */
async function familyRecords(runId: string): Promise<Map<string, FamilyRecord>> {
  const items = await queryPartition(`CLEANUP_RUN#${runId}`);
  return new Map(items.filter((item) => item['kind'] === 'cleanup-family').map((item) => [String(item['family']), item as unknown as FamilyRecord]));
}

const outcomeOf = async (runId: string, family: string) => (await familyRecords(runId)).get(family)?.outcome;

/** A family's full plan, as its record holds it: kept revisions (with reasons) page by page, the work batch by batch. */
async function familyPlan(runId: string, family: string): Promise<FamilyCleanupPlan> {
  const items = await queryPartition(`CLEANUP_RUN#${runId}#FAMILY#${family}`);
  const of = (kind: string) => items.filter((item) => item['kind'] === kind);
  return {
    family,
    keep: of('cleanup-kept').flatMap((page) => page['keep'] as KeptRevision[]),
    deregister: of('cleanup-batch').flatMap((batch) => batch['deregister'] as number[]),
    delete: of('cleanup-batch').flatMap((batch) => batch['delete'] as number[]),
  };
}

/**
 * 210 revisions in five families: web (service deployment), api (EXTERNAL service with two task sets), batch
 * (a running task), cron (an EventBridge rule target and a Scheduler schedule) and legacy-reports (excluded).
 */
async function buildAccount(): Promise<ECSClient> {
  const ecs = new ECSClient(stack.aws.clientConfig);
  for (const [family, count] of Object.entries(REVISIONS)) await registerRevisions(ecs, family, count);
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web:40', desiredCount: 0 }));
  await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'api', deploymentController: { type: 'EXTERNAL' }, desiredCount: 0 }));
  const primary = await ecs.send(new CreateTaskSetCommand({ cluster: 'prod', service: 'api', taskDefinition: 'api:30' }));
  await ecs.send(new CreateTaskSetCommand({ cluster: 'prod', service: 'api', taskDefinition: 'api:20' }));
  await ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: 'prod', service: 'api', primaryTaskSet: primary.taskSet?.taskSetArn }));
  const networkConfiguration = await defaultNetworkConfiguration(new EC2Client(stack.aws.clientConfig));
  await ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'batch:10', launchType: 'FARGATE', networkConfiguration }));
  await stack.events.send(new PutRuleCommand({ Name: 'nightly-cron', ScheduleExpression: 'cron(0 2 * * ? *)' }));
  await stack.events.send(
    new PutTargetsCommand({
      Rule: 'nightly-cron',
      Targets: [{ Id: 'cron', Arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`, RoleArn: `arn:aws:iam::${ACCOUNT}:role/run-cron`, EcsParameters: { TaskDefinitionArn: arn('cron', 5) } }],
    }),
  );
  await new SchedulerClient(stack.aws.clientConfig).send(
    new CreateScheduleCommand({
      Name: 'hourly-cron',
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`, RoleArn: `arn:aws:iam::${ACCOUNT}:role/run-cron`, EcsParameters: { TaskDefinitionArn: arn('cron', 7) } },
    }),
  );
  await stack.aws.runtime.idle();
  return ecs;
}

const REVISIONS = { web: 60, api: 50, batch: 40, cron: 40, 'legacy-reports': 20 };
const CLEANED = ['api', 'batch', 'cron', 'web'];
/** What must survive: the 5 newest, everything in use, and each service's rollback target. */
const EXPECTED_ACTIVE: Record<string, number[]> = {
  web: [39, 40, ...range(56, 60)],
  api: [20, 29, 30, ...range(46, 50)],
  batch: [10, ...range(36, 40)],
  cron: [5, 7, ...range(36, 40)],
  'legacy-reports': range(1, 20),
};
const KEPT = CLEANED.reduce((total, family) => total + (EXPECTED_ACTIVE[family]?.length ?? 0), 0);
const REMOVED = CLEANED.reduce((total, family) => total + REVISIONS[family as keyof typeof REVISIONS], 0) - KEPT;
const APPLY_SETTINGS = { keepLatest: 5, minAgeDays: 0, inactiveRetentionDays: 0, excludeFamilies: ['legacy-*'], dryRun: false };

describe('revision cleanup on the local AWS', () => {
  it('plans in a dry run, then keeps the newest, everything in use and rollback targets and deletes the rest; a re-run is a no-op', async () => {
    const ecs = await buildAccount();
    await configure(stack, APPLY_SETTINGS);

    // Dry run: returns and records the plan, with a reason for every keep, and changes nothing.
    const dry = summaryOf(await runCleanup('dry', { dryRun: true }));
    assert.equal(dry.status, 'planned');
    assert.deepEqual(dry.totals, { families: 4, failedFamilies: 0, kept: KEPT, deregistered: REMOVED, deleted: REMOVED, revisionFailures: 0 });
    assert.deepEqual(await outcomeOf(dry.runId, 'web'), { family: 'web', status: 'planned', kept: 7, keptByReason: { 'rollback-target': 1, 'in-use': 1, latest: 5 }, deregistered: 53, deleted: 53, failed: 0, failures: [] });
    for (const [family, count] of Object.entries(REVISIONS)) assert.deepEqual(await revisions(ecs, family, 'ACTIVE'), range(1, count), `${family} untouched by the dry run`);
    assert.deepEqual([...(await familyRecords(dry.runId)).keys()].sort(), CLEANED);
    const plans = new Map(await Promise.all(CLEANED.map(async (family) => [family, await familyPlan(dry.runId, family)] as const)));
    const webPlan = plans.get('web') as FamilyCleanupPlan;
    const webUsages = await queryPartition(`CLEANUP_RUN#${dry.runId}#USAGE#web`);
    assert.deepEqual(webUsages.map((item) => item['usage']), [{ family: 'web', revision: 40, kind: 'service-deployment', owner: 'service prod/web', detail: 'PRIMARY deployment' }]);
    assert.equal(webUsages[0]?.['expiresAt'], Math.floor(Date.parse(dry.startedAt) / 1000) + 2 * 86_400, 'the usage set expires 2 days after the run started');
    assert.deepEqual(webPlan.keep.find((kept) => kept.revision === 40)?.reasons, [{ code: 'in-use', detail: 'service prod/web: PRIMARY deployment' }]);
    assert.deepEqual(webPlan.keep.find((kept) => kept.revision === 39)?.reasons, [{ code: 'rollback-target', detail: 'rollback target of service prod/web (runs revision 40)' }]);
    assert.deepEqual(webPlan.deregister, [...range(1, 38), ...range(41, 55)]);
    assert.deepEqual(webPlan.delete, webPlan.deregister, 'retention 0: deleted in the run that deregisters them');
    const apiReasons = (plans.get('api') as FamilyCleanupPlan).keep.filter((kept) => kept.revision <= 30).map((kept) => [kept.revision, kept.reasons.map((reason) => reason.code)]);
    assert.deepEqual(apiReasons, [[20, ['in-use']], [29, ['rollback-target']], [30, ['in-use']]]);
    const batchInUse = (plans.get('batch') as FamilyCleanupPlan).keep.find((kept) => kept.revision === 10)?.reasons[0]?.detail;
    assert.match(String(batchInUse), /^task prod\/[0-9a-f-]+: RUNNING task$/);
    const cronInUse = (plans.get('cron') as FamilyCleanupPlan).keep.filter((kept) => kept.revision < 10).map((kept) => kept.reasons[0]?.detail);
    assert.deepEqual(cronInUse, ['rule default/nightly-cron: target cron', 'schedule default/hourly-cron: ENABLED schedule']);

    // The real run applies exactly that plan.
    const applied = summaryOf(await runCleanup('apply'));
    assert.equal(applied.status, 'succeeded');
    assert.deepEqual(applied.totals, dry.totals);
    for (const [family, expected] of Object.entries(EXPECTED_ACTIVE)) {
      assert.deepEqual(await revisions(ecs, family, 'ACTIVE'), expected, `${family}: ACTIVE revisions`);
      assert.deepEqual(await revisions(ecs, family, 'INACTIVE'), [], `${family}: nothing left INACTIVE`);
    }
    const run = await getItem(stack.documents, { pk: 'CLEANUP', sk: `RUN#${applied.runId}` });
    assert.equal(run?.['status'], 'succeeded');
    assert.deepEqual(run?.['totals'], applied.totals);
    assert.equal((await familyRecords(applied.runId)).get('web')?.outcome.status, 'cleaned');

    // Re-running changes nothing.
    const rerun = summaryOf(await runCleanup('rerun'));
    assert.deepEqual(rerun.totals, { families: 4, failedFamilies: 0, kept: KEPT, deregistered: 0, deleted: 0, revisionFailures: 0 });
    for (const [family, expected] of Object.entries(EXPECTED_ACTIVE)) assert.deepEqual(await revisions(ecs, family, 'ACTIVE'), expected);

    const notifications = (await scanAll(stack.documents, OUTBOX_TABLE)).sort((a, b) => String(a['createdAt']).localeCompare(String(b['createdAt'])));
    assert.deepEqual(notifications.map((item) => item['pk']), [dry, applied, rerun].map((summary) => `cleanup-completed#${summary.runId}`), 'each run announced once');
    assert.match(String(notifications[0]?.['subject']), new RegExp(`dry run dry planned: would deregister ${REMOVED}, would delete ${REMOVED}, kept ${KEPT} revisions in 4 families`));
    assert.match(String(notifications[1]?.['subject']), new RegExp(`apply succeeded: deregistered ${REMOVED}, deleted ${REMOVED}`));
  });

  it('keeps young revisions and INACTIVE ones within retention; by default (no configuration) only plans', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await registerRevisions(ecs, 'young', 12);
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'young:1' }));
    const summary = summaryOf(await runCleanup('defaults'));
    assert.equal(summary.dryRun, true, 'without a stored configuration a run is a dry run');
    assert.deepEqual(((await outcomeOf(summary.runId, 'young')) as FamilyOutcome).keptByReason, { 'within-retention': 1, 'younger-than-min-age': 6, latest: 5 });
    assert.deepEqual(await revisions(ecs, 'young', 'ACTIVE'), range(2, 12));
  });

  it('retries throttled DeleteTaskDefinitions with backoff and still deletes every batch', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await registerRevisions(ecs, 'worker', 30);
    await configure(stack, { ...APPLY_SETTINGS, keepLatest: 3 });
    stack.aws.runtime.faults.throttle({ service: 'ecs', operation: 'DeleteTaskDefinitions', times: 2 });
    const summary = summaryOf(await runCleanup('throttled'));
    assert.deepEqual(summary.totals, { families: 1, failedFamilies: 0, kept: 3, deregistered: 27, deleted: 27, revisionFailures: 0 });
    assert.deepEqual(await revisions(ecs, 'worker', 'ACTIVE'), [28, 29, 30]);
    assert.deepEqual(await revisions(ecs, 'worker', 'INACTIVE'), []);
    assert.equal(stack.aws.runtime.faults.hasThrottleFor('ecs'), false, 'both throttles were hit and retried');
  });

  it('isolates a family that fails: the others are cleaned and the run records the failure', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await registerRevisions(ecs, 'old-and-many', 12);
    await registerRevisions(ecs, 'few', 3);
    await configure(stack, { ...APPLY_SETTINGS, keepLatest: 5, minAgeDays: 30 });
    // Only a family with revisions beyond the newest 5 needs their ages; make every DescribeTaskDefinition fail.
    // Refused for good (throttling would be retried for minutes: aws-transient).
    stack.aws.runtime.faults.failCalls({ service: 'ecs', operation: 'DescribeTaskDefinition', code: 'ClientException', message: 'Injected refusal' });
    const summary = summaryOf(await runCleanup('isolated'));
    stack.aws.runtime.faults.clear();
    assert.equal(summary.status, 'partial');
    assert.deepEqual(summary.failedFamilies, ['old-and-many']);
    assert.equal(((await outcomeOf(summary.runId, 'old-and-many')) as FailedFamily).error, 'AwsCallError');
    assert.deepEqual(await revisions(ecs, 'old-and-many', 'ACTIVE'), range(1, 12), 'the failed family is untouched');
    const records = await familyRecords(summary.runId);
    assert.equal(records.get('few')?.outcome.status, 'cleaned');
    const run = await getItem(stack.documents, { pk: 'CLEANUP', sk: `RUN#${summary.runId}` });
    assert.equal(run?.['status'], 'partial');
  });

  it('fails the run and plans nothing when a cluster cannot be gathered: no plan rests on a partial usage set', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await registerRevisions(ecs, 'web', 12);
    await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web:3', desiredCount: 0 }));
    await configure(stack, APPLY_SETTINGS);
    // Refused for good (throttling would be retried for minutes: aws-transient).
    stack.aws.runtime.faults.failCalls({ service: 'ecs', operation: 'ListServices', code: 'ClientException', message: 'Injected refusal' });
    const execution = await runCleanup('blind');
    stack.aws.runtime.faults.clear();
    assert.equal(execution.status, 'FAILED');
    assert.equal(execution.error, 'CleanupRunFailed');
    assert.deepEqual(await revisions(ecs, 'web', 'ACTIVE'), range(1, 12), 'nothing deregistered');
    const items = await scanAll(stack.documents, STATE_TABLE);
    assert.deepEqual(items.filter((item) => item['kind'] === 'cleanup-family'), [], 'no family listed, let alone planned');
    const run = items.find((item) => item['kind'] === 'cleanup-run');
    assert.equal(run?.['status'], 'failed');
    // AWS fails the cluster's Map run (no failure is tolerated); moto ignores failed children, and the seal refuses instead.
    assert.match((run?.['error'] as { error: string }).error, /^(UsageIncompleteError|States\.ExceedToleratedFailureThreshold)$/);
  });

  it('never plans a family from a usage set that is not sealed or is older than 24 hours', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await registerRevisions(ecs, 'web', 12);
    const sfn = new SFNClient(stack.aws.clientConfig);
    const families = await childStateMachine(sfn, 'CleanFamilies');
    const settings = { keepLatest: 5, minAgeDays: 0, inactiveRetentionDays: 0, includeFamilies: ['*'], excludeFamilies: [] };
    const runAt = (startedAt: string, name: string) => ({ runId: `${startedAt}#${name}`, executionName: name, startedAt, trigger: 'on-demand', dryRun: false, settings });
    const unsealed = runAt(new Date().toISOString(), 'unsealed');
    const old = runAt(new Date(Date.now() - 25 * 3_600_000).toISOString(), 'old');
    for (const [run, error] of [[unsealed, 'UsageIncompleteError'], [old, 'StaleUsageError']] as const) {
      const execution = await runToEnd(sfn, families, run.executionName, { run, family: 'web' });
      assert.equal(execution.status, 'SUCCEEDED', 'the family child records its failure');
      const outcome = (await outcomeOf(run.runId, 'web')) as FailedFamily;
      assert.deepEqual([outcome.status, outcome.error], ['failed', error]);
    }
    assert.deepEqual(await revisions(ecs, 'web', 'ACTIVE'), range(1, 12), 'nothing deregistered');
  });

  it('records and announces a run that cannot start, with a message naming the bad input', async () => {
    const execution = await runCleanup('bad-input', { dryRun: 'yes' });
    assert.equal(execution.status, 'FAILED');
    assert.equal(execution.error, 'CleanupRunFailed');
    const items = await scanAll(stack.documents, STATE_TABLE);
    const run = items.find((item) => item['kind'] === 'cleanup-run');
    assert.equal(run?.['status'], 'failed');
    assert.equal((run?.['error'] as { error: string }).error, 'InvalidConfigError');
    assert.match((run?.['error'] as { cause: string }).cause, /dryRun: Invalid input: expected boolean/);
    const [notification] = await scanAll(stack.documents, OUTBOX_TABLE);
    assert.equal(notification?.['kind'], 'cleanup-failed');
  });
});
