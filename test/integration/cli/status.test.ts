import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { ScalingStore } from '../../../functions/scaling/index.ts';
import { createBlueGreenService, deployExecutions, pushImage, waitForExecution, type BlueGreenService, type ServiceOptions } from '../../../local/sample-blue-green.ts';
import { runCli } from '../../cli-support.ts';
import { controls, deployOnPush, deployments, eventually, parkedIn } from '../deploy/blue-green-support.ts';
import { OUTBOX_TABLE, STATE_TABLE, useDeployedStack } from '../support.ts';

/**
 * `harbormaster status` and `harbormaster deploys` on the local AWS, with real deploys: canaries with second-long bakes,
 * a rollback of crashing green tasks, a deploy held at its approval gate.
 */

const stack = useDeployedStack();

const CANARY: ServiceOptions = { deploy: { strategy: { type: 'canary', percent: 50, bakeMinutes: 0.05 } } };

/** Ids, digests and times vary from run to run: fixed-width stand-ins keep the tables' columns where they were. */
function normalise(text: string): string {
  return text
    .replace(/\b(web|api)-[0-9a-f]{16}\b/g, '$1-XXXXXXXXXXXXXXXX')
    .replace(/sha256:[0-9a-f]{12}\b/g, 'sha256:XXXXXXXXXXXX')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g, 'YYYY-MM-DD hh:mm:ssZ')
    .replace(/ \d+s$/gm, ' Ns')
    // A green task's id, where the reason column cuts it.
    .replace(/(stopped unexpectedly: )[0-9a-f]{2}…/g, '$1XX…');
}

async function lockTaken(target: BlueGreenService): Promise<string> {
  let holder: string | undefined;
  await eventually('the deploy took the lock', async () => (holder = await deployments(stack).lockHolder(target.cluster, target.service)) !== undefined);
  return holder ?? '';
}

/** A clock for the CLI that only its sleeps move, at once (with a short real pause, so the deploy moves too). */
function fastClock(): { now: () => Date; sleep: (milliseconds: number) => Promise<void>; slept: number[] } {
  const start = Date.now();
  let offset = 0;
  const slept: number[] = [];
  return {
    now: () => new Date(start + offset),
    sleep: async (milliseconds) => {
      slept.push(milliseconds);
      offset += milliseconds;
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
    slept,
  };
}

async function recordScaling(target: BlueGreenService, evaluatedAt: Date): Promise<void> {
  const store = new ScalingStore(stack.documents, { state: STATE_TABLE, outbox: OUTBOX_TABLE });
  const activity = {
    cluster: target.cluster,
    service: target.service,
    alarmName: 'web-cpu-high',
    executionName: 'web-cpu-high-1',
    evaluation: 1,
    evaluatedAt: evaluatedAt.toISOString(),
    outcome: 'scaled' as const,
    reason: 'metric 85 is in step [0, +∞) of threshold 70: +2',
    fromCapacity: 2,
    toCapacity: 4,
  };
  assert.equal(await store.recordActivity(activity, []), 'written');
}

async function settle(target: BlueGreenService): Promise<void> {
  const [execution] = await deployExecutions(target);
  if (execution) await waitForExecution(target, execution.executionArn, 60_000);
  await stack.aws.runtime.idle();
}

describe('harbormaster status', () => {
  it('lists every service: live revision and image, the deploy in flight and its step, weights, last scaling', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig);
    const api = await createBlueGreenService(stack.aws.clientConfig, { name: 'api', deploy: { manualApproval: true } });
    const { result } = await deployOnPush(stack, web);
    assert.equal(result.status, 'SUCCEEDED');
    await recordScaling(web, new Date(Date.now() - 2 * 3600_000));
    await pushImage(api, 'v1');
    await parkedIn(stack, api, 'approval');

    const overview = await runCli(['status']);
    assert.equal(overview.code, 0, overview.stderr);
    assert.equal(
      normalise(overview.stdout),
      [
        'SERVICE  ECS SERVICE      REVISION  IMAGE                       DEPLOY                            STEP            WEIGHTS             LAST SCALING',
        'api      api-cluster/api  api:1     api:v0                      api-XXXXXXXXXXXXXXXX IN_PROGRESS  approval (2/5)  blue 100% green 0%  -',
        'web      web-cluster/web  web:2     web:v1@sha256:XXXXXXXXXXXX  -                                 -               live 100%           scaled 2→4 (web-cpu-high) 2h ago',
        '',
      ].join('\n'),
    );

    const json = await runCli(['status', '--json']);
    const parsed = JSON.parse(json.stdout) as { stage: string; services: Array<{ name: string; inFlight: boolean; deploy?: { waitingFor?: string }; live?: { revision: string } }> };
    assert.equal(parsed.stage, 'local');
    assert.deepEqual(
      parsed.services.map((service) => [service.name, service.live?.revision, service.inFlight, service.deploy?.waitingFor]),
      [
        ['api', 'api:1', true, 'approval'],
        ['web', 'web:2', false, undefined],
      ],
    );
    await controls(stack, api).abort({ cluster: api.cluster, service: api.service, deploymentId: (await lockTaken(api)) });
    await settle(api);
  });

  it('--watch --json: one NDJSON frame per change, the canary step by step, until the deploy ends', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, CANARY);
    const digest = await pushImage(target, 'v1');
    const deploymentId = await lockTaken(target);

    const watched = await runCli(['status', 'web', '--watch', '--json', '--interval', '200ms']);
    assert.equal(watched.code, 0, watched.stderr);
    type Frame = { inFlight: boolean; deploy?: { deploymentId: string; step?: { name: string }; greenWeight: number }; taskSets: { role: string; weight?: number }[]; lastDeploy?: { status: string }; verdict: { ended: boolean; healthy?: boolean; exitCode?: number } };
    const frames = watched.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Frame);
    assert.ok(frames.length >= 3, `frames: ${frames.length}`);
    const steps = frames.map((frame) => frame.deploy?.step?.name).filter((name, index, all): name is string => name !== undefined && name !== all[index - 1]);
    const plan = ['green-stable', 'traffic-50', 'traffic-100', 'promote', 'delete-blue'];
    assert.ok(steps.includes('traffic-50'), `the 3-second canary bake is seen: ${steps.join(', ')}`);
    assert.deepEqual([...steps].sort((a, b) => plan.indexOf(a) - plan.indexOf(b)), steps, 'steps only move forward');
    assert.ok(
      frames.some((frame) => frame.taskSets.some((set) => set.role === 'green' && set.weight === 50)),
      'a frame shows half of production on green',
    );
    assert.ok(frames.every((frame) => frame.deploy === undefined || frame.deploy.deploymentId === deploymentId));
    for (let index = 1; index < frames.length; index += 1) assert.notDeepEqual(frames[index], frames[index - 1], 'no frame repeats the one before');
    const last = frames.at(-1);
    assert.equal(last?.inFlight, false);
    assert.equal(last?.lastDeploy?.status, 'SUCCEEDED');
    assert.deepEqual(last?.verdict, { ended: true, healthy: true, message: `deployment ${deploymentId} SUCCEEDED; web-cluster/web is stable`, exitCode: 0 });
    assert.ok(frames.slice(0, -1).every((frame) => !frame.verdict.ended));

    const detail = await runCli(['status', 'web']);
    assert.match(detail.stdout, new RegExp(`^Live +web:2  web:v1@${digest.slice(0, 19)}$`, 'm'));
    const healthy = await runCli(['status', 'web', '--timeout', '30s']);
    assert.equal(healthy.code, 0, 'no deploy in flight and stable: healthy at once');
    assert.match(healthy.stdout, /✓ no deploy in flight; web-cluster\/web is stable/);
  });

  it('--watch without a terminal prints a frame only when something changed, and the last one with the outcome', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, CANARY);
    await pushImage(target, 'v1');
    await lockTaken(target);
    const watched = await runCli(['status', 'web', '--watch', '--interval', '100ms']);
    assert.equal(watched.code, 0, watched.stderr);
    const frames = watched.stdout.split(/\n\n(?=web {2}web-cluster\/web {2})/);
    assert.ok(frames.length >= 3);
    assert.ok(!watched.stdout.includes('\x1b['), 'no cursor movement or colour off a terminal');
    assert.match(frames.at(-1) ?? '', /✓ deployment web-[0-9a-f]{16} SUCCEEDED; web-cluster\/web is stable\n$/);
    assert.ok(frames.some((frame) => /^traffic-50 +baking +50%/m.test(frame)));
  });

  it('--timeout exits 1 when the deploy rolls back (green tasks crash), with the reason', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, CANARY);
    stack.aws.runtime.faults.crashTasks({ taskDefinitionFamily: target.family, afterMs: 10, exitCode: 137 });
    await pushImage(target, 'v1');
    await lockTaken(target);
    const waited = await runCli(['status', 'web', '--timeout', '2m', '--interval', '200ms', '--json']);
    assert.equal(waited.code, 1, waited.stderr);
    const final = JSON.parse(waited.stdout) as { verdict: { healthy: boolean; message: string; exitCode: number }; lastDeploy: { status: string }; deploy?: unknown };
    assert.equal(final.lastDeploy.status, 'ROLLED_BACK');
    assert.equal(final.verdict.exitCode, 1);
    assert.match(final.verdict.message, /ended ROLLED_BACK: GreenTasksFailedError: Green tasks stopped unexpectedly/);
  });

  it('--timeout exits 3 when it elapses while the deploy still waits (approval gate); the CLI clock drives it', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy: { manualApproval: true } });
    await pushImage(target, 'v1');
    const deploymentId = await parkedIn(stack, target, 'approval');
    const clock = fastClock();
    const waited = await runCli(['status', 'web', '--timeout', '20s'], clock);
    assert.equal(waited.code, 3, waited.stderr);
    assert.equal(clock.slept.reduce((sum, milliseconds) => sum + milliseconds, 0), 20_000, 'slept until the timeout, in 2-second looks');
    assert.ok(clock.slept.every((milliseconds) => milliseconds === 2000));
    assert.match(waited.stdout, new RegExp(`✗ timed out after 20s: deployment ${deploymentId} is IN_PROGRESS at approval\\n$`));
    assert.match(waited.stdout, /^approval +awaiting approval +0% /m);
    await controls(stack, target).abort({ cluster: target.cluster, service: target.service, deploymentId });
    await settle(target);
  });

  it('a service on the ECS deployment controller (scaling only): its task definition live, its own tasks counted', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig);
    const registered = await web.clients.ecs.send(new RegisterTaskDefinitionCommand({ family: 'worker', containerDefinitions: [{ name: 'worker', image: 'busybox:1.36', memory: 128 }] }));
    await web.clients.ecs.send(new CreateServiceCommand({ cluster: web.cluster, serviceName: 'worker', taskDefinition: registered.taskDefinition?.taskDefinitionArn, desiredCount: 2 }));
    const policy = { alarmName: 'worker-cpu', adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }] };
    await web.clients.configs.putServiceConfig({ cluster: web.cluster, service: 'worker', scaling: { minCapacity: 1, maxCapacity: 4, policies: [policy] } }, 0);
    await stack.aws.runtime.idle();

    const waited = await runCli(['status', 'worker', '--timeout', '20s', '--interval', '200ms', '--json']);
    assert.equal(waited.code, 0, waited.stdout);
    const status = JSON.parse(waited.stdout) as { live: { revision: string; image: { label: string } }; stable: boolean; taskSets: unknown[] };
    assert.deepEqual([status.live.revision, status.live.image.label, status.stable, status.taskSets], ['worker:1', 'busybox:1.36', true, []]);
  });

  it('refuses --watch without a service, and a duration it cannot read', async () => {
    const noService = await runCli(['status', '--watch']);
    assert.equal(noService.code, 2);
    assert.match(noService.stderr, /--watch and --timeout follow one service\n {2}Name it: `harbormaster status SERVICE --watch`\./);
    const badDuration = await runCli(['status', 'web', '--timeout', '10 minutes']);
    assert.equal(badDuration.code, 2);
    assert.match(badDuration.stderr, /option '--timeout <duration>' argument '10 minutes' is invalid\. "10 minutes" is not a duration: write e\.g\. 30s, 10m, 1h30m or 500ms/);
    const tooOften = await runCli(['status', 'web', '--watch', '--interval', '10ms']);
    assert.equal(tooOften.code, 2);
    assert.match(tooOften.stderr, /argument '10ms' is invalid\. must be at least 100ms/);
  });
});

describe('harbormaster deploys', () => {
  it('lists deployments newest first: id, image, trigger, strategy, outcome, reason, start, duration; --json and --limit', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig, CANARY);
    assert.equal((await deployOnPush(stack, target, 'v1')).result.status, 'SUCCEEDED');
    stack.aws.runtime.faults.crashTasks({ taskDefinitionFamily: target.family, afterMs: 10, exitCode: 137 });
    assert.equal((await deployOnPush(stack, target, 'v2')).deployment.status, 'ROLLED_BACK');

    const listed = await runCli(['deploys', 'web']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(
      normalise(listed.stdout),
      [
        'DEPLOYMENT            IMAGE                       TRIGGER     STRATEGY           OUTCOME      REASON                                                        STARTED               DURATION',
        'web-XXXXXXXXXXXXXXXX  web:v2@sha256:XXXXXXXXXXXX  image-push  canary 50% for 3s  ROLLED_BACK  GreenTasksFailedError: Green tasks stopped unexpectedly: XX…  YYYY-MM-DD hh:mm:ssZ  Ns',
        'web-XXXXXXXXXXXXXXXX  web:v1@sha256:XXXXXXXXXXXX  image-push  canary 50% for 3s  SUCCEEDED    -                                                             YYYY-MM-DD hh:mm:ssZ  Ns',
        '',
      ].join('\n'),
    );

    const json = await runCli(['deploys', 'web', '--json', '--limit', '1']);
    const parsed = JSON.parse(json.stdout) as { name: string; cluster: string; service: string; deployments: Array<Record<string, unknown>> };
    assert.deepEqual([parsed.name, parsed.cluster, parsed.service, parsed.deployments.length], ['web', 'web-cluster', 'web', 1]);
    const [newest] = parsed.deployments;
    assert.deepEqual(Object.keys(newest ?? {}).sort(), ['deploymentId', 'durationSeconds', 'endedAt', 'image', 'reason', 'requestedAt', 'startedAt', 'status', 'strategy', 'trigger']);
    assert.deepEqual(newest?.['strategy'], { type: 'canary', percent: 50, bakeMinutes: 0.05 });
    assert.deepEqual(Object.keys(newest?.['image'] as object).sort(), ['digest', 'label', 'tag', 'uri']);
    assert.match(String(newest?.['reason']), /^GreenTasksFailedError: Green tasks stopped unexpectedly: .*exited with code 137/);

    const badLimit = await runCli(['deploys', 'web', '--limit', '0']);
    assert.equal(badLimit.code, 2);
    assert.match(badLimit.stderr, /must be a whole number from 1 to 1000/);
  });
});
