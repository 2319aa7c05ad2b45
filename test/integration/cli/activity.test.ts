import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { main } from '../../../cli/program.ts';
import { ConfigStore } from '../../../functions/config/index.ts';
import type { TimelineEvent } from '../../../functions/kernel/timeline.ts';
import { createBlueGreenService } from '../../../local/sample-blue-green.ts';
import { createCpuAlarm, defaultAwsvpcConfiguration, fireAlarm, registerFargateTaskDefinition } from '../../../local/sample-resources.ts';
import { runCli } from '../../cli-support.ts';
import { deployOnPush } from '../deploy/blue-green-support.ts';
import { STATE_TABLE, queryByOwner, useDeployedStack } from '../support.ts';
import { waitFor } from '../../../local/wait.ts';

/**
 * `harbormaster events`, `scaling` and `cleanup` on the local AWS: real task events from the local ECS scheduler, real
 * deploys, real step scaling driven by CloudWatch alarms and real cleanup runs; the CLI reads what they recorded.
 */

const stack = useDeployedStack();

const CLUSTER = 'prod';

/**
 * Golden text from a live run: times become <time>, ids <id-1>, <id-2> … in order of appearance, ECS deployment ids
 * (whose length varies) <ecs-svc>. A value followed by a column gap keeps its width, so the columns still line up.
 */
function normalise(text: string): string {
  const ids = new Map<string, string>();
  const replacements: Array<[RegExp, (value: string) => string]> = [
    [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z/, () => '<time>'],
    [/ecs-svc\/\d+/, () => '<ecs-svc>'],
    [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, (id) => {
      if (!ids.has(id)) ids.set(id, `<id-${ids.size + 1}>`);
      return ids.get(id) as string;
    }],
  ];
  return replacements.reduce(
    (result, [pattern, placeholder]) =>
      result.replace(new RegExp(`(${pattern.source})( {2,})?`, 'g'), (match: string, value: string, gap?: string) => (gap ? `${placeholder(value).padEnd(match.length - 2)}  ` : placeholder(value))),
    text,
  );
}

/** An ECS-controller Fargate service the local scheduler runs, configured in the stage under its own name. */
async function rollingService(ecs: ECSClient, service: string, desiredCount: number, config: Record<string, unknown> = {}): Promise<void> {
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: service,
      taskDefinition: (await registerFargateTaskDefinition(ecs, service, 'nginx:1')).taskDefinitionArn,
      desiredCount,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: await defaultAwsvpcConfiguration(stack.aws.clientConfig) },
    }),
  );
  await new ConfigStore(stack.documents, STATE_TABLE).putServiceConfig({ cluster: CLUSTER, service, ...config }, 0);
}

async function runningTasks(ecs: ECSClient, service: string): Promise<string[]> {
  return (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service, desiredStatus: 'RUNNING' }))).taskArns ?? [];
}

/** A verb that runs until interrupted, in-process, with what it printed so far readable while it runs. */
function startCli(args: string[]) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const done = main(args, { io: { out: (text) => void (stdout += text), err: (text) => void (stderr += text), isTTY: false }, signal: controller.signal });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    /** Waits until the output matches, then interrupts the verb and returns its exit code. */
    async stopWhen(pattern: RegExp, timeoutMs = 20_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline) {
          controller.abort();
          await done;
          assert.fail(`timed out waiting for ${pattern} in:\n${stdout}${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      controller.abort();
      return done;
    },
  };
}

describe('harbormaster events', () => {
  it("lists a service's task and ECS events oldest first: a table, NDJSON, --since and --limit", async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await rollingService(ecs, 'web', 1);
    await stack.aws.runtime.idle();
    const [first] = await runningTasks(ecs, 'web');
    await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: first, reason: 'Scaled in by hand' }));
    await stack.aws.runtime.idle();
    // The scheduler's replacement crashes: its essential container exits 137.
    stack.aws.runtime.faults.crashTasks({ exitCode: 137, times: 1 });
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: 1 }));
    await stack.aws.runtime.idle();

    const listed = await runCli(['events', 'web']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(
      normalise(listed.stdout),
      [
        'TIME                  EVENT                         SUBJECT                               MESSAGE',
        '<time>                TASK_CREATED                  <id-1>                                web:1, started by <ecs-svc>',
        '<time>                TASK_RUNNING                  <id-1>                                web:1',
        '<time>                SERVICE_STEADY_STATE          -                                     -',
        '<time>                TASK_STOPPING                 <id-1>                                Scaled in by hand',
        '<time>                TASK_STOPPED                  <id-1>                                UserInitiated: Scaled in by hand; web exited 0',
        '<time>                TASK_CREATED                  <id-2>                                web:1, started by <ecs-svc>',
        '<time>                TASK_RUNNING                  <id-2>                                web:1',
        '<time>                SERVICE_DEPLOYMENT_COMPLETED  <ecs-svc>                             ECS deployment <ecs-svc> completed.',
        '<time>                SERVICE_STEADY_STATE          -                                     -',
        '<time>                TASK_STOPPING                 <id-2>                                Essential container in task exited',
        '<time>                TASK_STOPPED                  <id-2>                                EssentialContainerExited: Essential container in task exited; web exited 137',
        '',
      ].join('\n'),
    );

    const json = await runCli(['events', 'prod/web', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const events = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as TimelineEvent);
    assert.equal(events.length, 11, 'NDJSON: one event per line');
    const crashed = events.at(-1);
    assert.deepEqual(crashed && { ...crashed, id: '', at: '', subject: '', details: { ...crashed.details, taskArn: '', startedBy: '' } }, {
      id: '',
      at: '',
      source: 'task',
      type: 'TASK_STOPPED',
      subject: '',
      severity: 'error',
      message: 'EssentialContainerExited: Essential container in task exited; web exited 137',
      details: {
        taskArn: '',
        taskDefinition: 'web:1',
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        version: crashed?.details['version'],
        startedBy: '',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 137 }],
      },
    });
    assert.match(String(crashed?.id), /^task#arn:aws:ecs:us-east-1:123456789012:task\/prod\/[0-9a-f-]{36}#STOPPED$/);
    const times = events.map((event) => Date.parse(event.at));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first');

    const newest = await runCli(['events', 'web', '--json', '--limit', '2']);
    assert.deepEqual(newest.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as TimelineEvent).type), ['TASK_STOPPING', 'TASK_STOPPED'], '--limit keeps the newest');
    const since = await runCli(['events', 'web', '--json', '--since', events[5]?.at ?? '']);
    assert.equal(since.stdout.trimEnd().split('\n').length, 6, '--since an ISO time: that event and the later ones');
    const none = await runCli(['events', 'web', '--since', new Date(Date.now() + 60_000).toISOString()]);
    assert.match(none.stdout, /^No events of web \(prod\/web\) recorded since /);

    const bad = await runCli(['events', 'web', '--since', 'last week']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since <when>' argument 'last week' is invalid\. Give a duration ago \(e\.g\. 30m, 1h, 2d\) or an ISO-8601 time/);
    const unknown = await runCli(['events', 'api']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No service api is configured in stage local\n {2}Configured: web\./);
  });

  it('--follow prints the events recorded after it started, until interrupted', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await rollingService(ecs, 'web', 1);
    await stack.aws.runtime.idle();
    const [task] = await runningTasks(ecs, 'web');
    const taskId = String(task?.split('/').pop());

    const follower = startCli(['events', 'web', '--follow', '--interval', '100ms']);
    const ndjson = startCli(['--json', 'events', 'web', '--follow', '--interval', '100ms']);
    await waitFor('the first listing', async () => follower.stdout().includes('SERVICE_STEADY_STATE') && ndjson.stdout().includes('SERVICE_STEADY_STATE'));
    assert.doesNotMatch(follower.stdout(), /TASK_STOPPED/);
    await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task, reason: 'Scaled in by hand' }));

    assert.equal(await follower.stopWhen(/TASK_STOPPED/), 0, follower.stderr());
    assert.equal(await ndjson.stopWhen(/TASK_STOPPED/), 0, ndjson.stderr());
    const lines = follower.stdout().trimEnd().split('\n');
    assert.equal(lines[0], 'TIME                  EVENT                           SUBJECT                               MESSAGE', 'a header, then one aligned line per event');
    assert.deepEqual(
      lines.slice(1).map((line) => normalise(line)),
      [
        '<time>                TASK_CREATED                    <id-1>                                web:1, started by <ecs-svc>',
        '<time>                TASK_RUNNING                    <id-1>                                web:1',
        '<time>                SERVICE_DEPLOYMENT_COMPLETED    <ecs-svc>                             ECS deployment <ecs-svc> completed.',
        '<time>                SERVICE_STEADY_STATE            -                                     -',
        '<time>                TASK_STOPPING                   <id-1>                                Scaled in by hand',
        '<time>                TASK_STOPPED                    <id-1>                                UserInitiated: Scaled in by hand; web exited 0',
      ],
    );
    assert.ok(lines.at(-1)?.includes(taskId));
    const followed = ndjson.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as TimelineEvent);
    assert.deepEqual(followed.map((event) => event.type).slice(-2), ['TASK_STOPPING', 'TASK_STOPPED']);
    assert.equal(new Set(followed.map((event) => event.id)).size, followed.length, 'each event once, however often it was read');
  });

  it("shows a blue/green deploy's request, steps and outcome among the task events", async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    await stack.aws.runtime.idle();
    const { result } = await deployOnPush(stack, target);
    assert.equal(result.status, 'SUCCEEDED');

    const listed = await runCli(['events', 'web', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const events = listed.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as TimelineEvent);
    const deploy = events.filter((event) => event.source === 'deploy');
    assert.deepEqual(
      deploy.map((event) => [event.type, event.message.replace(/sha256:[0-9a-f]+/, '<digest>')]),
      [
        ['DEPLOY_REQUESTED', '123456789012.dkr.ecr.us-east-1.amazonaws.com/web@<digest> (image-push)'],
        ['DEPLOY_STEP', 'register-revision SUCCEEDED'],
        ['DEPLOY_STEP', 'green-stable SUCCEEDED, green 0%'],
        ['DEPLOY_STEP', 'traffic-100 SUCCEEDED, green 100%'],
        ['DEPLOY_STEP', 'promote SUCCEEDED, green 100%'],
        ['DEPLOY_SUCCEEDED', '123456789012.dkr.ecr.us-east-1.amazonaws.com/web@<digest>'],
      ],
    );
    assert.ok(new Set(deploy.map((event) => event.subject)).size === 1, 'all of one deployment');
    const greenTasks = events.filter((event) => event.type === 'TASK_RUNNING' && event.details['taskDefinition'] === 'web:2');
    assert.equal(greenTasks.length, 2, "green's tasks are among the service's tasks");
  });
});

describe('harbormaster scaling', () => {
  const HIGH = 'web-cpu-high';
  const LOW = 'web-cpu-low';
  const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:harbormaster-local-step-scaling';

  /** Waits until every step-scaling execution has ended (each stops after maxEvaluations). */
  async function executionsEnded(sfn: SFNClient, count: number): Promise<void> {
    await waitFor(`${count} scaling executions to end`, async () => {
      const listed = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }))).executions ?? [];
      const statuses = await Promise.all(listed.map(async ({ executionArn }) => (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status));
      return listed.length === count && statuses.every((status) => status !== 'RUNNING');
    });
  }

  it('lists each evaluation newest first: alarm, metric, step, desired count before → after, outcome and reason', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    const cloudwatch = new CloudWatchClient(stack.aws.clientConfig);
    const sfn = new SFNClient(stack.aws.clientConfig);
    const steps = (lower: number | undefined, upper: number | undefined, scalingAdjustment: number) => ({
      ...(lower === undefined ? {} : { metricIntervalLowerBound: lower }),
      ...(upper === undefined ? {} : { metricIntervalUpperBound: upper }),
      scalingAdjustment,
    });
    await rollingService(ecs, 'web', 1, {
      scaling: {
        minCapacity: 1,
        maxCapacity: 4,
        evaluationIntervalSeconds: 1,
        maxEvaluations: 2,
        policies: [
          { alarmName: HIGH, adjustmentType: 'ChangeInCapacity', cooldown: 300, stepAdjustments: [steps(0, 10, 2), steps(10, undefined, 3)] },
          { alarmName: LOW, adjustmentType: 'ChangeInCapacity', cooldown: 300, stepAdjustments: [steps(-10, 0, -1), steps(undefined, -10, -2)] },
        ],
      },
    });
    await createCpuAlarm(cloudwatch, { name: HIGH, cluster: CLUSTER, service: 'web', threshold: 70, comparison: 'GreaterThanOrEqualToThreshold' });
    await createCpuAlarm(cloudwatch, { name: LOW, cluster: CLUSTER, service: 'web', threshold: 30, comparison: 'LessThanThreshold' });

    // At the minimum already: the low alarm's step is held by the limit; its second look finds no datapoints.
    await fireAlarm(cloudwatch, LOW, 15);
    await executionsEnded(sfn, 1);
    // +3 for 85, clamped to the maximum 4; then 75 asks +2 from the cooldown's base 1: already covered.
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/ECS',
        MetricData: [{ MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: CLUSTER }, { Name: 'ServiceName', Value: 'web' }], Value: 75, Timestamp: new Date() }],
      }),
    );
    await fireAlarm(cloudwatch, HIGH, 85);
    await executionsEnded(sfn, 2);
    assert.equal((await queryByOwner(stack.documents, `SERVICE#${CLUSTER}#web`, 'SCALING#')).length, 4);

    const listed = await runCli(['scaling', 'web']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(
      normalise(listed.stdout),
      [
        'TIME                  ALARM         METRIC             STEP          DESIRED  OUTCOME      REASON',
        '<time>                web-cpu-high  75 (threshold 70)  [0, 10] +2    4        in cooldown  step [0, 10] +2 for metric 75 (threshold 70): scale-out cooldown until <time>; capacity 4 already covers this step from 1',
        '<time>                web-cpu-high  85 (threshold 70)  [10, +∞] +3   1 → 4    scaled       step [10, +∞] +3 for metric 85 (threshold 70): scale out from 1 to 4',
        "<time>                web-cpu-low   -                  -             1        no action    no datapoints of the alarm's metric in its last evaluation window",
        '<time>                web-cpu-low   15 (threshold 30)  [-∞, -10] -2  1        at limit     step [-∞, -10] -2 for metric 15 (threshold 30): capacity 1 is already at or below the minimum 1',
        '',
      ].join('\n'),
    );

    const json = await runCli(['scaling', 'web', '--json', '--limit', '2']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { service: unknown; activities: Array<Record<string, unknown>> };
    assert.deepEqual(report.service, { name: 'web', cluster: CLUSTER, service: 'web' });
    assert.deepEqual(
      report.activities.map(({ at, executionName, ...activity }) => (assert.match(String(at), /Z$/), assert.match(String(executionName), /.+/), activity)),
      [
        {
          alarmName: HIGH,
          evaluation: 2,
          metric: 75,
          threshold: 70,
          step: '[0, 10] +2',
          fromCapacity: 4,
          toCapacity: null,
          outcome: 'cooldown',
          reason: report.activities[0]?.['reason'],
        },
        { alarmName: HIGH, evaluation: 1, metric: 85, threshold: 70, step: '[10, +∞] +3', fromCapacity: 1, toCapacity: 4, outcome: 'scaled', reason: 'step [10, +∞] +3 for metric 85 (threshold 70): scale out from 1 to 4' },
      ],
    );
  });

  it('says so when a service has no scaling activity', async () => {
    await rollingService(new ECSClient(stack.aws.clientConfig), 'api', 0);
    const listed = await runCli(['scaling', 'api']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'No scaling activity recorded for api (prod/api). It has no scaling section in harbormaster.yml.\n');
  });
});

describe('harbormaster cleanup', () => {
  async function registerRevisions(ecs: ECSClient, family: string, count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family, requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512 }] }));
    }
  }

  async function revisions(ecs: ECSClient, family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<number[]> {
    const { taskDefinitionArns } = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status }));
    return (taskDefinitionArns ?? []).map((arn) => Number(arn.split(':').pop())).sort((a, b) => a - b);
  }

  /** batch: 12 revisions, 7 of them old enough to go; tiny: 2 revisions, nothing to do. */
  async function account(ecs: ECSClient): Promise<void> {
    await registerRevisions(ecs, 'batch', 12);
    await registerRevisions(ecs, 'tiny', 2);
    await new ConfigStore(stack.documents, STATE_TABLE).putCleanupConfig({ keepLatest: 5, minAgeDays: 0, inactiveRetentionDays: 0, dryRun: true }, 0);
  }

  it('plan: a dry run that prints what it would deregister and delete per family, with the totals, and changes nothing', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await account(ecs);

    const planned = await runCli(['cleanup', 'plan']);
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stderr, /^Started a dry-run cleanup run in stage local: on-demand-plan-[0-9a-f-]{36}\n$/);
    assert.equal(
      normalise(planned.stdout),
      [
        'Dry run on-demand-plan-<id-1>: nothing was changed.',
        '',
        'FAMILY  STATUS   KEPT  WOULD DEREGISTER  WOULD DELETE  FAILED',
        'batch   planned  5     1-7               1-7           -',
        '',
        '1 family has nothing to remove.',
        'Total: 2 families, would deregister 7, would delete 7, kept 7 revisions.',
        '',
      ].join('\n'),
    );
    assert.deepEqual(await revisions(ecs, 'batch', 'ACTIVE'), Array.from({ length: 12 }, (_, index) => index + 1), 'a plan changes nothing');

    const json = await runCli(['cleanup', 'run', '--dry-run', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { executionArn: string; run: Record<string, unknown>; families: Array<Record<string, unknown>> };
    assert.match(report.executionArn, /:execution:harbormaster-local-revision-cleanup:on-demand-plan-/);
    assert.deepEqual(Object.keys(report.run).sort(), ['dryRun', 'executionName', 'failedFamilies', 'finishedAt', 'runId', 'settings', 'startedAt', 'status', 'totals', 'trigger', 'unreadableReferences']);
    assert.deepEqual([report.run['status'], report.run['dryRun'], report.run['trigger']], ['planned', true, 'on-demand']);
    assert.deepEqual(report.run['totals'], { families: 2, failedFamilies: 0, kept: 7, deregistered: 7, deleted: 7, revisionFailures: 0 });
    assert.deepEqual(report.families, [
      { family: 'batch', status: 'planned', kept: 5, deregister: [1, 2, 3, 4, 5, 6, 7], delete: [1, 2, 3, 4, 5, 6, 7], deregistered: 7, deleted: 7, failed: 0, failures: [] },
      { family: 'tiny', status: 'planned', kept: 2, deregister: [], delete: [], deregistered: 0, deleted: 0, failed: 0, failures: [] },
    ]);
  });

  it('run: deregisters and deletes for real and prints the summary', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await account(ecs);

    const ran = await runCli(['cleanup', 'run']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(
      normalise(ran.stdout),
      [
        'Cleanup run on-demand-run-<id-1>: succeeded.',
        '',
        'FAMILY  STATUS   KEPT  DEREGISTERED  DELETED  FAILED',
        'batch   cleaned  5     1-7           1-7      -',
        '',
        '1 family has nothing to remove.',
        'Total: 2 families, deregistered 7, deleted 7, kept 7 revisions.',
        '',
      ].join('\n'),
    );
    assert.deepEqual(await revisions(ecs, 'batch', 'ACTIVE'), [8, 9, 10, 11, 12]);
    assert.deepEqual(await revisions(ecs, 'batch', 'INACTIVE'), [], 'deregistered, then deleted (retention 0)');
  });

  it('run: exits 1 when a family could not be cleaned, naming it and why', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await account(ecs);
    await new ConfigStore(stack.documents, STATE_TABLE).putCleanupConfig({ keepLatest: 5, minAgeDays: 30, inactiveRetentionDays: 0, dryRun: true }, 1);
    // batch needs its revisions' ages (minAgeDays 30); tiny does not.
    stack.aws.runtime.faults.failCalls({ service: 'ecs', operation: 'DescribeTaskDefinition', code: 'ClientException', message: 'Injected refusal' });
    const ran = await runCli(['cleanup', 'run']);
    stack.aws.runtime.faults.clear();
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stdout, /^Cleanup run on-demand-run-[0-9a-f-]{36}: partial\.\n/);
    assert.match(ran.stdout, /\nbatch +failed +0 +- +- +-\n/);
    assert.match(ran.stdout, /\nNot done:\n {2}batch: AwsCallError: .*Injected refusal/);
    assert.match(ran.stdout, /Total: 2 families, deregistered 0, deleted 0, kept 2 revisions; 1 families and 0 revisions failed\.\n$/);
  });

  it('run: exits 1 with the error when the run failed as a whole', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await account(ecs);
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    stack.aws.runtime.faults.failCalls({ service: 'ecs', operation: 'ListServices', code: 'ClientException', message: 'Injected refusal' });
    const ran = await runCli(['cleanup', 'run']);
    stack.aws.runtime.faults.clear();
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stdout, /^✗ Cleanup run on-demand-run-[0-9a-f-]{36} failed: (UsageIncompleteError|States\.ExceedToleratedFailureThreshold): /);
    assert.deepEqual(await revisions(ecs, 'batch', 'ACTIVE'), Array.from({ length: 12 }, (_, index) => index + 1), 'nothing deregistered');
  });
});
