import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createBlueGreenService, deployExecutions, productionWeights, pushImage, taskSets, type BlueGreenService, type ServiceOptions } from '../../../local/sample-blue-green.ts';
import { runCli, type CliRun } from '../../cli-support.ts';
import { assertRolledBack, deployments, eventually, parkedIn } from '../deploy/blue-green-support.ts';
import { STATE_TABLE, scanAll, useDeployedStack } from '../support.ts';

/**
 * The mutating deploy verbs on the local AWS: real deploys of the sample blue/green service, driven by the CLI and
 * checked in ECS, ELB and the state table. Images are pushed with `build-*` tags, which the sample's tag pattern (v*)
 * does not track, so only the CLI starts deploys. Waits last an hour and are checked every two, so whatever ends one
 * early was the verb under test.
 */

const stack = useDeployedStack();

const HOUR_BAKE: ServiceOptions['deploy'] = { strategy: { type: 'canary', percent: 50, bakeMinutes: 60 } };
const GATED: ServiceOptions['deploy'] = { manualApproval: true };
const DIGEST = /sha256:[0-9a-f]{64}/g;

/** --wait polls every 2 s; the tests poll every 50 ms of real time. */
const fastSleep = () => delay(50);
const harbormaster = (...args: string[]): Promise<CliRun> => runCli(args, { sleep: fastSleep });

async function service(deploy: ServiceOptions['deploy'] = {}): Promise<BlueGreenService> {
  const target = await createBlueGreenService(stack.aws.clientConfig, { deploy });
  await stack.aws.runtime.idle();
  return target;
}

async function push(target: BlueGreenService, tag: string): Promise<string> {
  const digest = await pushImage(target, tag);
  await stack.aws.runtime.idle();
  return digest;
}

function json<T = Record<string, unknown>>(run: CliRun): T {
  assert.equal(run.stderr, '', 'no error');
  return JSON.parse(run.stdout) as T;
}

/** Everything a control could change: every state item, the executions, the task sets and the production weights. */
async function snapshot(target: BlueGreenService): Promise<unknown> {
  const items = (await scanAll(stack.documents, STATE_TABLE)).map((item) => JSON.stringify(item)).sort();
  const executions = (await deployExecutions(target)).map(({ name, status }) => `${name} ${status}`).sort();
  const sets = (await taskSets(target)).map((taskSet) => `${taskSet.taskSetArn} ${taskSet.status} ${taskSet.taskDefinition}`).sort();
  return { items, executions, sets, weights: await productionWeights(target) };
}

/** Runs each dry run and checks it changed nothing; returns their runs. */
async function dryRuns(target: BlueGreenService, ...commands: string[][]): Promise<CliRun[]> {
  // What earlier steps set off (the notifier's deliveries of their announcements) lands first.
  await stack.aws.runtime.idle();
  const before = await snapshot(target);
  const runs: CliRun[] = [];
  for (const args of commands) runs.push(await harbormaster(...args, '--dry-run'));
  await stack.aws.runtime.idle();
  assert.deepEqual(await snapshot(target), before, `${commands.map((args) => args.join(' ')).join(', ')} with --dry-run changed nothing`);
  return runs;
}

async function newestDeployment(target: BlueGreenService) {
  const [deployment] = await deployments(stack).history(target.cluster, target.service);
  assert.ok(deployment, 'a deployment is recorded');
  return deployment;
}

describe('harbormaster deploy', () => {
  it('resolves a tag to its digest, deploys it pinned and, with --wait, exits 0 once it SUCCEEDED', async () => {
    const target = await service();
    const digest = await push(target, 'build-1');
    const pinned = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${digest}`;

    const [dry] = await dryRuns(target, ['deploy', 'web', '--image', 'build-1']);
    assert.equal(dry?.code, 0, dry?.stderr);
    assert.equal(
      dry?.stdout.replace(DIGEST, 'sha256:<digest>').replace(/pushed [^;]+;/, 'pushed <time>;'),
      [
        'Dry run: nothing is changed.',
        'Would deploy 123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:<digest> to web (web-cluster/web) now',
        '  Tag build-1 of ECR repository web is sha256:<digest> (pushed <time>; tags build-1), deployed as 123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:<digest>',
        '  Deploy plan for web-cluster/web (all-at-once); containers replaced: app',
        '  1. create the green task set and wait until all its tasks run (at most 30 s)',
        '  2. green 100% / blue 0%',
        '  3. make green the primary task set',
        '  4. delete the blue task set',
        '  Rolls back on: green tasks stopping, a failed check, a timeout, or an abort.',
        '',
      ].join('\n'),
    );

    const run = await harbormaster('deploy', 'web', '--image', 'build-1', '--wait');
    assert.equal(run.code, 0, run.stderr);
    const deployment = await newestDeployment(target);
    assert.match(run.stdout, new RegExp(`^✓ Started deployment ${deployment.deploymentId} of web \\(web-cluster/web\\)\n`));
    const [, progress = ''] = run.stdout.split(`Waiting for deployment ${deployment.deploymentId} to end (Ctrl-C stops the waiting, not the deployment):\n`);
    const lines = progress.trimEnd().split('\n');
    assert.match(lines.pop() ?? '', new RegExp(`^✓ Deployment ${deployment.deploymentId} SUCCEEDED at \\S+$`));
    assert.ok(lines.length > 0, 'progress was shown');
    // Which states a poll sees depends on timing; each line says what the deployment does, at a time.
    for (const line of lines) assert.match(line, /^ {2}\d{2}:\d{2}:\d{2} {2}is (starting|preparing|waiting|at step|baking)/);
    assert.deepEqual([deployment.status, deployment['image'], deployment['trigger']], ['SUCCEEDED', pinned, 'operator']);
    const [live] = await taskSets(target);
    assert.equal(live?.taskDefinition, deployment['greenTaskDefinitionArn'], 'green serves');
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
  });

  it('accepts a digest or a pinned reference; --json reports the image and the outcome', async () => {
    const target = await service();
    const digest = await push(target, 'build-1');
    const pinned = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${digest}`;

    const byDigest = json(await harbormaster('--json', 'deploy', 'web', '--image', digest, '--dry-run'));
    const { pushedAt, ...image } = byDigest['image'] as Record<string, unknown>;
    assert.match(String(pushedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/, 'ECR push times have whole seconds');
    assert.deepEqual(image, { reference: digest, repository: 'web', digest, tags: ['build-1'], uri: pinned });
    assert.equal(byDigest['outcome'], 'would-start');

    const report = json(await harbormaster('--json', 'deploy', 'web', '--image', `web@${digest}`, '--wait'));
    const deployment = await newestDeployment(target);
    assert.deepEqual({ ...report, result: { ...(report['result'] as object), endedAt: '<time>' } }, {
      service: { name: 'web', cluster: 'web-cluster', service: 'web' },
      action: 'deploy',
      dryRun: false,
      image: { reference: `web@${digest}`, repository: 'web', digest, tags: ['build-1'], pushedAt, uri: pinned },
      outcome: 'started',
      deploymentId: deployment.deploymentId,
      message: `Started deployment ${deployment.deploymentId} of web (web-cluster/web)`,
      result: { status: 'SUCCEEDED', timedOut: false, endedAt: '<time>' },
    });
    assert.equal(deployment['image'], pinned);
  });

  it('refuses an unknown tag, or another repository, naming the repository, and starts nothing', async () => {
    const target = await service();
    await push(target, 'build-1');
    const before = await snapshot(target);

    const unknown = await harbormaster('deploy', 'web', '--image', 'build-404');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    assert.equal(
      unknown.stderr,
      'Error: ECR repository web has no image with tag build-404\n  Push it first, or pick one that exists: `aws ecr describe-images --repository-name web` lists them. Nothing was deployed.\n',
    );
    const other = await harbormaster('deploy', 'web', '--image', `api@sha256:${'0'.repeat(64)}`);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^Error: api@sha256:0+ is in repository api, but this service deploys images of ECR repository web\n {2}Pass a tag or digest of web, or change services\.web\.deploy\.image\.repository/);
    const invalid = await harbormaster('deploy', 'web', '--image', 'sha256:abc');
    assert.match(invalid.stderr, /^Error: sha256:abc is not a digest/);
    assert.equal((await harbormaster('deploy', 'web')).code, 2, '--image is required');
    const timeoutAlone = await harbormaster('deploy', 'web', '--image', 'build-1', '--timeout', '5m');
    assert.deepEqual([timeoutAlone.code, timeoutAlone.stderr], [2, 'Error: --timeout needs --wait\n  Add --wait, or leave --timeout out.\n']);
    assert.equal((await harbormaster('deploy', 'web', '--image', 'build-1', '--wait', '--timeout', 'soon')).code, 2, 'a timeout is a duration');
    assert.equal((await harbormaster('deploy', 'web', '--image', 'build-1', '--wait', '--dry-run')).code, 2);

    assert.deepEqual(await snapshot(target), before, 'nothing started');
    assert.deepEqual(await deployExecutions(target), []);
  });

  it('queues behind the running deployment; --wait --timeout exits 3 while it is still in flight', async () => {
    const target = await service(GATED);
    await push(target, 'build-1');
    await push(target, 'build-2');
    assert.equal((await harbormaster('deploy', 'web', '--image', 'build-1')).code, 0);
    const first = await parkedIn(stack, target, 'approval');

    let clock = Date.now();
    const queued = await runCli(['deploy', 'web', '--image', 'build-2', '--wait', '--timeout', '6s'], {
      now: () => new Date(clock),
      sleep: async (milliseconds) => {
        clock += milliseconds;
        await delay(20);
      },
    });
    assert.equal(queued.code, 3, queued.stderr);
    const [, second] = queued.stdout.match(/^✓ Queued deployment (web-[0-9a-f]{16}) of web \(web-cluster\/web\) behind the running deployment (web-[0-9a-f]{16})/) ?? [];
    assert.ok(second, queued.stdout);
    assert.match(queued.stdout, new RegExp(`is queued behind deployment ${first}\n`));
    assert.match(queued.stdout, new RegExp(`Stopped waiting after 6 s; deployment ${second} goes on\\. Follow it with \`harbormaster status web\`\\.\n$`));
    assert.equal((await deployments(stack).queued(target.cluster, target.service))?.deploymentId, second);
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), first, 'the first still runs');
  });
});

describe('harbormaster approve / abort', () => {
  it('approve passes the gate (a dry run first changes nothing) and the deploy proceeds to SUCCEEDED', async () => {
    const target = await service(GATED);
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1');
    const deploymentId = await parkedIn(stack, target, 'approval');

    const [dry] = await dryRuns(target, ['approve', 'web']);
    assert.equal(dry?.code, 0, dry?.stderr);
    assert.match(dry?.stdout ?? '', new RegExp(`^Dry run: nothing is changed\\.\nWould approve deployment ${deploymentId} of web-cluster/web, waiting for approval since .+: it would then move production traffic to green\n$`));

    const approved = json(await harbormaster('approve', 'web', '--json', '--wait'));
    assert.deepEqual({ ...approved, result: { ...(approved['result'] as object), endedAt: '<time>' } }, {
      service: { name: 'web', cluster: 'web-cluster', service: 'web' },
      action: 'approve',
      dryRun: false,
      outcome: 'approved',
      deploymentId,
      message: `Approved deployment ${deploymentId} of web-cluster/web: it goes on to move production traffic to green`,
      result: { status: 'SUCCEEDED', timedOut: false, endedAt: '<time>' },
    });
    const deployment = await newestDeployment(target);
    assert.equal(typeof deployment['approvedAt'], 'string');
    assert.equal(deployment['approvedBy'], `cli:${process.env['USER'] ?? process.env['USERNAME'] ?? userInfo().username}`, 'who approved, as Slack approvals record theirs');
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });

    const nothing = await harbormaster('approve', 'web');
    assert.equal(nothing.code, 1);
    assert.equal(nothing.stderr, 'Error: No deployment of web (web-cluster/web) is running: nothing to approve\n  Name one with --deployment ID; `harbormaster status web` shows the recent ones.\n');
    const ended = await harbormaster('approve', 'web', '--deployment', deploymentId);
    assert.match(ended.stderr, new RegExp(`^Error: Deployment ${deploymentId} of web-cluster/web is not waiting for approval: it ended SUCCEEDED at .+ \\(approved at .+\\)\n  See where it is with \`harbormaster status web\``));
  });

  it('approve while nothing waits for approval says what the deployment does and changes nothing', async () => {
    const target = await service(HOUR_BAKE);
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1');
    const deploymentId = await parkedIn(stack, target, 'traffic-50');
    const before = await snapshot(target);

    const refused = await harbormaster('approve', 'web');
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      new RegExp(
        `^Error: Deployment ${deploymentId} of web-cluster/web is not waiting for approval: it is baking at step traffic-50 \\(green 50 %\\)\n  See where it is with \`harbormaster status web\`; approve once it waits at the approval gate \\(only deploys with manualApproval have one\\)\\.\n$`,
      ),
    );
    assert.equal((await harbormaster('approve', 'web', '--dry-run')).code, 1, 'a dry run refuses as the real one would');
    assert.deepEqual(await snapshot(target), before);
  });

  it('abort rolls the deploy back: traffic on blue, green gone, ROLLED_BACK recorded; --wait exits 0', async () => {
    const target = await service(HOUR_BAKE);
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1');
    const deploymentId = await parkedIn(stack, target, 'traffic-50');
    assert.deepEqual(await productionWeights(target), { blue: 50, green: 50 });

    const [dry] = await dryRuns(target, ['abort', 'web']);
    assert.match(dry?.stdout ?? '', new RegExp(`Would ask deployment ${deploymentId} of web-cluster/web, which is baking at step traffic-50 \\(green 50 %\\), to roll back at once, as it waits\n$`));

    const aborted = await harbormaster('abort', 'web', '--wait');
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.match(aborted.stdout, /^✓ Abort requested: /);
    assert.match(aborted.stdout, new RegExp(`✓ Deployment ${deploymentId} ROLLED_BACK at \\S+: DeploymentAbortedError: An operator aborted the deployment\n$`));
    await assertRolledBack(stack, target, /DeploymentAbortedError: An operator aborted the deployment/);

    const again = json(await harbormaster('--json', 'abort', 'web', '--deployment', deploymentId));
    assert.deepEqual([again['outcome'], again['status']], ['already-ended', 'ROLLED_BACK']);
  });

  it('abort of a deployment that already SUCCEEDED fails and points at rollback', async () => {
    const target = await service();
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1', '--wait');
    const { deploymentId } = await newestDeployment(target);

    const late = await harbormaster('abort', 'web', '--deployment', deploymentId);
    assert.equal(late.code, 1);
    assert.match(late.stdout, new RegExp(`^✗ Deployment ${deploymentId} of web-cluster/web already ended SUCCEEDED at \\S+: nothing to abort\n  \`harbormaster rollback web\` deploys the revision before it\\.\n$`));
  });
});

describe('harbormaster promote', () => {
  it('--full skips an hour-long bake and the final bake: SUCCEEDED at once', async () => {
    const target = await service({ ...HOUR_BAKE, finalBakeMinutes: 60 });
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1');
    const deploymentId = await parkedIn(stack, target, 'traffic-50');

    const [dry] = await dryRuns(target, ['promote', 'web', '--full']);
    assert.match(
      dry?.stdout ?? '',
      new RegExp(`^Dry run: nothing is changed\\.\nWould make deployment ${deploymentId} of web-cluster/web, which is baking at step traffic-50 \\(green 50 %\\), skip every remaining bake and pass its approval gate \\(green and the rollback alarms are still checked once per step\\)\n$`),
    );

    const promoted = json(await harbormaster('promote', 'web', '--full', '--json', '--wait'));
    assert.deepEqual([promoted['outcome'], promoted['skipped'], (promoted['result'] as { status: string }).status], ['promoted', 'remaining-waits', 'SUCCEEDED']);
    const steps = await deployments(stack).steps(target.cluster, target.service, deploymentId);
    assert.deepEqual(steps.filter((step) => step['note']).map((step) => [step['name'], step['note']]), [['traffic-50', 'bake skipped (fast track)'], ['promote', 'bake skipped (fast track)']]);
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
  });

  it('without --full ends only the current bake, as Argo Rollouts does; the next bake waits for the next promote', async () => {
    const target = await service({ ...HOUR_BAKE, finalBakeMinutes: 60 });
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1');
    const deploymentId = await parkedIn(stack, target, 'traffic-50');

    const [dry] = await dryRuns(target, ['promote', 'web']);
    assert.match(dry?.stdout ?? '', new RegExp(`Would end the bake of step traffic-50 of deployment ${deploymentId} of web-cluster/web now; later steps bake as planned`));
    const first = json(await harbormaster('--json', 'promote', 'web'));
    assert.deepEqual([first['outcome'], first['skipped'], first['step']], ['promoted', 'bake', 'traffic-50']);
    await parkedIn(stack, target, 'promote');
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    assert.equal((await newestDeployment(target)).status, 'IN_PROGRESS', 'the final bake waits');

    const second = await harbormaster('promote', 'web', '--wait');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^✓ Ended the bake of step promote of /);
    const steps = await deployments(stack).steps(target.cluster, target.service, deploymentId);
    assert.deepEqual(steps.filter((step) => step['note']).map((step) => [step['name'], step['note']]), [['traffic-50', 'bake ended early (promote)'], ['promote', 'bake ended early (promote)']]);
  });

  it('at the approval gate passes it, as approve does', async () => {
    const target = await service(GATED);
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1');
    await parkedIn(stack, target, 'approval');

    const promoted = json(await harbormaster('--json', 'promote', 'web', '--wait'));
    assert.deepEqual([promoted['skipped'], promoted['step'], (promoted['result'] as { status: string }).status], ['approval', 'approval', 'SUCCEEDED']);
    assert.equal(typeof (await newestDeployment(target))['approvedAt'], 'string');
  });
});

describe('harbormaster rollback', () => {
  it('deploys the revision that ran before the newest successful deployment; refused while one runs', async () => {
    const target = await service();
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1', '--wait');
    const undone = await newestDeployment(target);
    // --wait ends once the outcome is recorded; Finish releases the lock just after, and a rollback before that queues.
    await eventually('build-1 released the lock', async () => (await deployments(stack).lockHolder(target.cluster, target.service)) === undefined);

    const [dry] = await dryRuns(target, ['rollback', 'web']);
    assert.equal(dry?.code, 0, dry?.stderr);
    assert.match(dry?.stdout ?? '', new RegExp(`^Dry run: nothing is changed\\.\nWould deploy revision ${target.blueTaskDefinitionArn} to web \\(web-cluster/web\\), undoing deployment ${undone.deploymentId}\n  Deploy plan for `));

    const report = json(await harbormaster('--json', 'rollback', 'web', '--wait'));
    const deployment = await newestDeployment(target);
    assert.deepEqual({ ...report, result: { ...(report['result'] as object), endedAt: '<time>' } }, {
      service: { name: 'web', cluster: 'web-cluster', service: 'web' },
      action: 'rollback',
      dryRun: false,
      outcome: 'started',
      deploymentId: deployment.deploymentId,
      revision: target.blueTaskDefinitionArn,
      undoes: undone.deploymentId,
      message: `Started deployment ${deployment.deploymentId} of revision ${target.blueTaskDefinitionArn} to web (web-cluster/web), undoing deployment ${undone.deploymentId}`,
      result: { status: 'SUCCEEDED', timedOut: false, endedAt: '<time>' },
    });
    assert.equal(deployment['trigger'], 'rollback');
    const [live] = await taskSets(target);
    assert.equal(live?.taskDefinition, target.blueTaskDefinitionArn, 'the original revision serves again');
    assert.deepEqual(await productionWeights(target), { blue: 100, green: 0 }, 'on the original target group');

    await push(target, 'build-2');
    await harbormaster('deploy', 'web', '--image', 'build-2');
    await eventually('the deploy of build-2 runs', async () => ![undefined, deployment.deploymentId].includes(await deployments(stack).lockHolder(target.cluster, target.service)));
    const refused = await harbormaster('rollback', 'web');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: Deployment web-[0-9a-f]{16} of web-cluster\/web is running: abort it to roll it back, or roll back once it has ended\n {2}`harbormaster status web` shows/);
  });
});

describe('harbormaster unlock', () => {
  it('--dry-run says what it would do and changes nothing; it refuses a running execution without --force', async () => {
    const target = await service(GATED);
    await push(target, 'build-1');
    await harbormaster('deploy', 'web', '--image', 'build-1');
    const deploymentId = await parkedIn(stack, target, 'approval');

    const [refusing, forced] = await dryRuns(target, ['unlock', 'web'], ['unlock', 'web', '--force']);
    assert.equal(refusing?.code, 1, 'the real unlock would refuse');
    assert.match(refusing?.stdout ?? '', /\n {2}Would refuse: it still runs: abort it \(rolls back\), or unlock with force \(stops the execution first\)\n {2}`harbormaster abort web` rolls it back/);
    assert.equal(forced?.code, 0, forced?.stderr);
    assert.match(forced?.stdout ?? '', /^Dry run: nothing is changed\.\nThe deploy lock of web-cluster\/web is held by deployment web-[0-9a-f]{16} \(IN_PROGRESS\)/);
    assert.match(forced?.stdout ?? '', /\n {2}Would stop execution arn:aws:states:.+\n {2}Would put production traffic back on blue .+\n {2}Would record the deployment STOPPED: .+\n {2}Would release the lock\n$/);

    const refused = await harbormaster('unlock', 'web');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Refusing to unlock: it still runs.*\n {2}`harbormaster abort web` rolls it back; `harbormaster unlock web --force` stops its execution first/);
    const other = await harbormaster('unlock', 'web', '--force', '--deployment', 'web-0000000000000000');
    assert.match(other.stderr, new RegExp(`^Error: The deploy lock of web-cluster/web is held by deployment ${deploymentId}, not web-0000000000000000: nothing released\n`));
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), deploymentId, 'still held');

    const released = json(await harbormaster('--json', 'unlock', 'web', '--force', '--deployment', deploymentId));
    assert.deepEqual([released['outcome'], released['deploymentId'], (released['execution'] as { status: string }).status], ['released', deploymentId, 'RUNNING']);
    await stack.aws.runtime.idle();
    assert.equal((await newestDeployment(target)).status, 'STOPPED');
    assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined);
    assert.deepEqual(await productionWeights(target), { blue: 100, green: 0 });
    assert.deepEqual((await taskSets(target)).map((taskSet) => taskSet.taskSetArn), [target.blueTaskSetArn]);

    const none = json(await harbormaster('--json', 'unlock', 'web', '--dry-run'));
    assert.deepEqual([none['outcome'], none['message']], ['no-lock', 'No deploy lock is held on web-cluster/web: nothing to release']);
  });
});
