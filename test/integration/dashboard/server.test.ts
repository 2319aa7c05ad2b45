import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { ActionResult, ApiError, Overview, SchedulesView, ServiceDetail } from '../../../cli/dashboard/api.ts';
import { openDashboard } from '../../../cli/dashboard/dashboard.ts';
import type { DashboardServer } from '../../../cli/dashboard/server.ts';
import { main } from '../../../cli/program.ts';
import { operatorName } from '../../../cli/operator.ts';
import { Session } from '../../../cli/session.ts';
import { createBlueGreenService, deployExecutions, productionWeights, pushImage, type BlueGreenService, type ServiceOptions } from '../../../local/sample-blue-green.ts';
import { runCli, writeConfigFile } from '../../cli-support.ts';
import { assertRolledBack, deployments, eventually, parkedIn } from '../deploy/blue-green-support.ts';
import { useDeployedStack } from '../support.ts';
import { SCALED, scaledOutService } from './scaled-service.ts';

/**
 * `harbormaster dashboard`'s server on the local AWS, over HTTP: real deploys of the sample blue/green service
 * (started with `harbormaster deploy`), read and acted on through the dashboard's routes, checked in the deployment
 * store, ECS and ELB.
 */

const stack = useDeployedStack();
const GATED: ServiceOptions['deploy'] = { manualApproval: true };
const HOUR_BAKE: ServiceOptions['deploy'] = { strategy: { type: 'canary', percent: 50, bakeMinutes: 60 } };

let dashboard: DashboardServer;
let token = '';
beforeEach(async () => {
  dashboard = await openDashboard(new Session({ stage: 'local' }), { port: 0, intervalMs: 200 });
  token = /<meta name="csrf-token" content="([^"]+)">/.exec(await (await fetch(dashboard.url)).text())?.[1] ?? '';
  assert.ok(token, 'the page carries the token');
});
afterEach(() => dashboard.close());

async function deployed(deploy: ServiceOptions['deploy'], parkedAt: string): Promise<{ target: BlueGreenService; deploymentId: string }> {
  const target = await createBlueGreenService(stack.aws.clientConfig, { deploy });
  await stack.aws.runtime.idle();
  await pushImage(target, 'build-1');
  await stack.aws.runtime.idle();
  const started = await runCli(['deploy', 'web', '--image', 'build-1']);
  assert.equal(started.code, 0, started.stderr);
  return { target, deploymentId: await parkedIn(stack, target, parkedAt) };
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, dashboard.url));
  assert.equal(response.status, 200, path);
  return (await response.json()) as T;
}

function act(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, dashboard.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token, ...headers }, body: JSON.stringify(body) });
}

/** What an action could change: the deployment as recorded, its execution, and production's weights. */
async function recorded(target: BlueGreenService, deploymentId: string) {
  const deployment = await deployments(stack).getDeployment(target.cluster, target.service, deploymentId);
  return { status: deployment?.status, approvedAt: deployment?.['approvedAt'], abortRequested: deployment?.['abortRequested'], executions: (await deployExecutions(target)).map((execution) => execution.status), weights: await productionWeights(target) };
}

describe('harbormaster dashboard (server)', () => {
  it('is served by the verb until interrupted (--port 0: a free port)', async () => {
    await createBlueGreenService(stack.aws.clientConfig, {});
    let out = '';
    let err = '';
    const interrupt = new AbortController();
    const running = main(['--stage', 'local', 'dashboard', '--port', '0', '--interval', '500ms'], {
      io: { out: (text) => void (out += text), err: (text) => void (err += text), isTTY: false, columns: 120 },
      signal: interrupt.signal,
    });
    let url = '';
    await eventually('the verb prints its URL', async () => {
      url = /^Dashboard of stage local: (http:\/\/127\.0\.0\.1:\d+\/)\nCtrl-C stops it\.\n$/.exec(out)?.[1] ?? '';
      return url !== '' || err !== '';
    });
    assert.equal(err, '');
    const overview = (await (await fetch(`${url}api/overview`)).json()) as Overview;
    assert.deepEqual(overview.services.map((service) => service.name), ['web']);
    interrupt.abort();
    assert.equal(await running, 0);
    await assert.rejects(fetch(url), 'nothing serves it once interrupted');
  });

  it('lists the configured services and shows one in detail: status with steps, history, scaling, actions', async () => {
    const { deploymentId } = await deployed(GATED, 'approval');
    const overview = await get<Overview>('/api/overview');
    assert.equal(overview.stage, 'local');
    assert.deepEqual(overview.services.map((service) => [service.name, service.inFlight, service.deploy?.deploymentId]), [['web', true, deploymentId]]);

    const detail = await get<ServiceDetail>('/api/services/web');
    assert.equal(detail.status.name, 'web');
    assert.equal(detail.status.deploy?.waitingFor, 'approval');
    assert.ok(detail.status.deploy?.steps.some((step) => step.state === 'running'), 'the running step is marked');
    assert.ok(detail.status.taskSets.some((taskSet) => taskSet.role === 'green' && taskSet.running !== undefined), 'tasks are counted');
    assert.deepEqual(detail.deploys.map((deploy) => [deploy.deploymentId, deploy.status]), [[deploymentId, 'IN_PROGRESS']]);
    assert.deepEqual(detail.scaling, []);
    assert.deepEqual(detail.actions, { approve: true, promote: true, abort: true, rollback: false, deploymentId });
    assert.deepEqual(detail.scalingSeries.points, [], 'no scaling activity and no datapoints: nothing to chart');

    const unknown = await fetch(new URL('/api/services/nope', dashboard.url));
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as ApiError).hint ?? '', /Configured: web\./);
  });

  it('charts scaling: the desired count from the activity against the alarm metric read from CloudWatch', async () => {
    await scaledOutService(stack);
    const detail = await get<ServiceDetail>(`/api/services/${SCALED.name}`);
    assert.deepEqual(detail.scaling.map((entry) => [entry.alarmName, entry.outcome, entry.fromCapacity, entry.toCapacity]), [[SCALED.alarmName, 'scaled', 2, 4]]);
    assert.equal(detail.scalingSeries.metricName, 'CPUUtilization');
    assert.deepEqual(detail.scalingSeries.points.flatMap((point) => (point.metric === undefined ? [] : [point.metric])), [35, 48, 62, 85], 'the datapoints CloudWatch has, oldest first');
    assert.deepEqual(detail.scalingSeries.points.flatMap((point) => (point.desiredCount === undefined ? [] : [point.desiredCount])), [2, 4, 4], 'from 2, set to 4 by the activity, 4 now');
    assert.deepEqual(detail.actions, { approve: false, promote: false, abort: false, rollback: false }, 'no deploy configuration: no deploy actions');
  });

  it('approves a gated deploy through POST, which then SUCCEEDS; without the token, or from another Host, nothing changes', async () => {
    const { target, deploymentId } = await deployed(GATED, 'approval');
    const before = await recorded(target, deploymentId);
    assert.equal(before.approvedAt, undefined);

    const forged: Record<string, string>[] = [{ 'x-csrf-token': '' }, { 'x-csrf-token': 'not-the-token' }, { origin: 'http://evil.example' }];
    for (const headers of forged) {
      assert.equal((await act('/api/services/web/approve', {}, headers)).status, 403, JSON.stringify(headers));
    }
    const rebound = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: dashboard.port, path: '/api/services/web/approve', method: 'POST', headers: { host: `attacker.example:${dashboard.port}`, 'content-type': 'application/json', 'x-csrf-token': token } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end('{}');
    });
    assert.equal(rebound, 403, 'a rebound hostname is refused even with the token');
    await stack.aws.runtime.idle();
    assert.deepEqual(await recorded(target, deploymentId), before, 'nothing changed');

    const approved = await act('/api/services/web/approve', {});
    const result = (await approved.json()) as ActionResult;
    assert.equal(approved.status, 200, JSON.stringify(result));
    assert.deepEqual(result, { ok: true, message: `Approved deployment ${deploymentId} of web-cluster/web: it goes on to move production traffic to green`, deploymentId });
    await eventually('the deployment SUCCEEDED', async () => (await recorded(target, deploymentId)).status === 'SUCCEEDED');
    const after = await deployments(stack).getDeployment(target.cluster, target.service, deploymentId);
    assert.equal(typeof after?.['approvedAt'], 'string');
    assert.equal(after?.['approvedBy'], operatorName('dashboard', process.env), 'who approved: the page, and the user who ran it');
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    await eventually('its execution succeeded', async () => (await deployExecutions(target)).every((execution) => execution.status === 'SUCCEEDED'));

    await eventually('the service is free', async () => (await deployments(stack).lockHolder(target.cluster, target.service)) === undefined, 30_000);
    const again = await act('/api/services/web/approve', {});
    assert.equal(again.status, 409);
    assert.deepEqual(await again.json(), {
      ok: false,
      error: 'No deployment of web (web-cluster/web) is running: nothing to approve',
      hint: 'It may have just ended: the deploy history on this page shows how.',
    });
    const detail = await get<ServiceDetail>('/api/services/web');
    assert.deepEqual(detail.actions, { approve: false, promote: false, abort: false, rollback: true });
  });

  it('promotes fully through POST (the hour-long bake ends), then rolls back the success: a rollback deploy of the previous revision', async () => {
    const { target, deploymentId } = await deployed(HOUR_BAKE, 'traffic-50');
    const malformed = await act('/api/services/web/promote', { full: 'yes' });
    assert.deepEqual([malformed.status, ((await malformed.json()) as ApiError).field], [400, 'full']);
    const promoted = await act('/api/services/web/promote', { full: true });
    assert.equal(promoted.status, 200, await promoted.clone().text());
    await eventually('the promoted deployment SUCCEEDED', async () => (await recorded(target, deploymentId)).status === 'SUCCEEDED');
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    await eventually('the service is free', async () => (await deployments(stack).lockHolder(target.cluster, target.service)) === undefined, 30_000);

    const rolledBack = await act('/api/services/web/rollback', {});
    const result = (await rolledBack.json()) as ActionResult;
    assert.equal(rolledBack.status, 200, JSON.stringify(result));
    assert.match(result.message, new RegExp(`^Started deployment web-[0-9a-f]{16} of revision .+ to web \\(web-cluster/web\\), undoing deployment ${deploymentId}$`));
    await eventually('the rollback deploy is recorded', async () => (await deployments(stack).history(target.cluster, target.service))[0]?.deploymentId === result.deploymentId);
    const [rollback] = await deployments(stack).history(target.cluster, target.service);
    assert.equal(rollback?.['trigger'], 'rollback');
  });

  it('reads the schedules and notifications views (none configured: empty)', async () => {
    const schedules = await get<{ schedules: unknown[] }>('/api/schedules');
    const notifications = await get<{ channels: unknown[]; deliveries: unknown[] }>('/api/notifications');
    assert.deepEqual([schedules.schedules, notifications.channels, notifications.deliveries], [[], [], []]);
    const unknown = await act('/api/schedules/nightly/run', {});
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as ApiError).error, /^No schedule nightly is configured in this stage/);
  });

  it('runs a schedule now through POST: one execution of the run machine with a manual fire, and the view lists the schedule', async () => {
    await new ECSClient(stack.aws.clientConfig).send(new RegisterTaskDefinitionCommand({ family: 'sync', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:latest', memory: 128 }] }));
    const file = writeConfigFile('schedules:\n  hourly-sync:\n    expression: rate(1 hour)\n    cluster: demo\n    taskDefinition: { family: sync }\n');
    const applied = await runCli(['apply', '--file', file]);
    assert.equal(applied.code, 0, `${applied.stdout}\n${applied.stderr}`);

    const view = await get<SchedulesView>('/api/schedules');
    assert.deepEqual(view.schedules.map((schedule) => [schedule.name, schedule.expression, schedule.suspended, schedule.nextFireTimes.length]), [['hourly-sync', 'rate(1 hour)', false, 5]]);
    const forged = await act('/api/schedules/hourly-sync/run', {}, { 'x-csrf-token': 'not-the-token' });
    assert.equal(forged.status, 403);
    const answer = await act('/api/schedules/hourly-sync/run', {});
    const result = (await answer.json()) as ActionResult;
    assert.equal(answer.status, 200, JSON.stringify(result));
    assert.match(result.message, /^Started hourly-sync-manual-\d{8}T\d{6}Z \(scheduled time .+\)$/);

    // The stack's run machine (functions/schedules/scheduled-task-run.asl.json) got exactly that fire, once.
    const sfn = new SFNClient(stack.aws.clientConfig);
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    const runMachine = stateMachines?.find((machine) => machine.name === 'harbormaster-local-scheduled-task-run')?.stateMachineArn;
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: runMachine }));
    assert.deepEqual(executions?.map((execution) => execution.name), [/^Started (\S+) /.exec(result.message)?.[1]]);
    const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: executions?.[0]?.executionArn }))).input ?? '{}') as Record<string, unknown>;
    assert.deepEqual([input['schedule'], input['trigger']], ['hourly-sync', 'manual']);
  });

  it('refuses an approve while the deploy bakes (409 with the hint), then aborts it and the stream shows it rolled back', async () => {
    const { target, deploymentId } = await deployed(HOUR_BAKE, 'traffic-50');
    const before = await recorded(target, deploymentId);
    const refusal = await act('/api/services/web/approve', {});
    assert.equal(refusal.status, 409);
    const body = (await refusal.json()) as ApiError;
    assert.match(body.error, new RegExp(`^Deployment ${deploymentId} of web-cluster/web is not waiting for approval: it is baking at step traffic-50 \\(green 50 %\\)$`));
    assert.match(body.hint ?? '', /approve once it waits at the approval gate/);
    assert.deepEqual(await recorded(target, deploymentId), before, 'the refusal changed nothing');

    const stream = follow('service:web');
    try {
      await stream.until((snapshots) => snapshots.some((snapshot) => snapshot.status.deploy?.step?.name === 'traffic-50'));
      const aborted = await act('/api/services/web/abort', { deploymentId });
      assert.equal(aborted.status, 200, await aborted.clone().text());
      assert.match(((await aborted.json()) as ActionResult).message, new RegExp(`^Abort requested: Deployment ${deploymentId} of web-cluster/web rolls back now`));
      await stream.until((snapshots) => snapshots.at(-1)?.status.lastDeploy?.status === 'ROLLED_BACK' && snapshots.at(-1)?.status.deploy === undefined);
      assert.equal(dashboard.streamLoops, 1);
    } finally {
      stream.stop();
    }
    await stack.aws.runtime.idle();
    await assertRolledBack(stack, target, /DeploymentAbortedError: An operator aborted the deployment/);
    await eventually('the stream stops looking', async () => dashboard.streamLoops === 0);
  });
});

/** Follows a view's stream, keeping its snapshots. */
function follow(view: string) {
  const controller = new AbortController();
  const snapshots: ServiceDetail[] = [];
  let buffer = '';
  const reading = fetch(new URL(`/api/stream?view=${encodeURIComponent(view)}`, dashboard.url), { signal: controller.signal }).then(async (response) => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = /^event: snapshot\ndata: (.*)$/s.exec(block)?.[1];
        if (data) snapshots.push(JSON.parse(data) as ServiceDetail);
      }
    }
  });
  reading.catch(() => undefined);
  return {
    until: (condition: (snapshots: ServiceDetail[]) => boolean) => eventually('the stream shows it', async () => condition(snapshots)),
    stop: () => controller.abort(),
  };
}
