import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../scripts/serverless-functions.ts';

/**
 * The README's first command: `npm start` deploys with the real osls, applies examples/harbormaster.yml, shows every
 * capability at work, then serves a second terminal's `npx harbormaster` until Ctrl+C.
 */

const run = promisify(execFile);
const START_TIMEOUT_MS = 300_000;

/** Runs `harbormaster …` as a second terminal would, in its own process, with the environment npm start printed. */
async function secondTerminal(args: string[], environment: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...environment, NO_COLOR: '1' };
  // The only stack in the local AWS is found without it, as in a fresh terminal.
  delete env['HARBORMASTER_STAGE'];
  try {
    const { stdout, stderr } = await run(process.execPath, ['cli/harbormaster.ts', ...args], { cwd: PROJECT_ROOT, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm start', () => {
  it('shows every scene, then serves the CLI of a second terminal until Ctrl+C', { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
    const child = spawn(process.execPath, ['local/start.ts', '--stage', 'e2e'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const exportLine = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No export line within ${START_TIMEOUT_MS / 1000} s:\n${stdout}\n${stderr}`)), START_TIMEOUT_MS);
        const look = () => {
          // Output arrives in chunks: the hints end with the Ctrl+C line.
          const line = /Ctrl\+C stops it\.\n/.test(stdout) ? /^ {2}export (AWS_ENDPOINT_URL=.*)$/m.exec(stdout)?.[1] : undefined;
          if (line) {
            clearTimeout(timer);
            resolve(line);
          }
        };
        child.stdout.on('data', look);
        void exited.then(([code]) => reject(new Error(`npm start exited with ${code} before serving:\n${stdout}\n${stderr}`)));
      });

      assert.match(stdout, /Deploying serverless\.yml \(stage e2e\) with osls deploy…\n {2}deployed in \d+\.\d s/);
      assert.match(stdout, /\$ npx harbormaster apply --file examples\/harbormaster\.yml\n/);
      assert.match(stdout, /Plan: 5 to add, 0 to change, 0 to remove, 0 unchanged\.\n\n✓ services shop added\n✓ services api added\n✓ cleanup settings added\n✓ schedules nightly-report added\n✓ notifications settings added/);
      const [, succeeded] = /Deploy +(shop-[0-9a-f]{16}) +\w+ +\(image-push, shop:v2@/.exec(stdout) ?? [];
      const [, rolledBack] = /Deploy +(shop-[0-9a-f]{16}) +\w+ +\(image-push, shop:v3@/.exec(stdout) ?? [];
      assert.ok(succeeded && rolledBack, 'both deploys are watched with status --watch');
      assert.match(stdout, /\$ npx harbormaster status shop --watch --interval 500ms\n/);
      assert.match(stdout, /\ntraffic-25 +baking +25% +\d+s of 3s\n/, 'the canary step, live');
      assert.match(stdout, new RegExp(`✓ deployment ${succeeded} SUCCEEDED; demo/shop is stable\n {2}ELB and ECS: traffic shop-blue 0 %, shop-green 100 %; task sets PRIMARY shop:2\n`));
      assert.match(stdout, /\(the first deploy started \d+\.\d s after npm start\)/);
      assert.match(stdout, /First service deployed \d+\.\d s after npm start\./);
      assert.match(stdout, new RegExp(`✗ deployment ${rolledBack} ended ROLLED_BACK: GreenTasksFailedError: Green tasks stopped unexpectedly: .*exited with code 1\n {2}ELB and ECS: traffic shop-blue 0 %, shop-green 100 %; task sets PRIMARY shop:2\n`), 'the previous green (shop:2) still serves');
      assert.match(stdout, new RegExp(`\\$ npx harbormaster deploys shop\nDEPLOYMENT .*\n${rolledBack} +shop:v3@sha256:[0-9a-f]{12} +image-push +canary 25% for 3s +ROLLED_BACK .*\n${succeeded} +shop:v2@sha256:[0-9a-f]{12} +image-push +canary 25% for 3s +SUCCEEDED `));
      assert.match(stdout, /\$ npx harbormaster scaling api\nTIME .*\n.* api-cpu-low +15 \(threshold 30\) .* 4 → 3 +scaled .*\n.* api-cpu-high +85 \(threshold 70\) .* 2 → 4 +scaled /);
      assert.match(stdout, /scaled: desired count 2 → 4 \(4 in ECS\)/);
      assert.match(stdout, /scaled: desired count 4 → 3 \(3 in ECS\)/);
      assert.match(stdout, /STOPPED +6 +UserInitiated\n/, 'the stopped task at its last version');
      assert.match(stdout, /STOPPED +5 +EssentialContainerExited\n/, 'the crashed task');
      assert.match(stdout, /Rejected ECS Task State Change: detail\.clusterArn must be a non-empty string/);
      assert.match(stdout, /Announced: Task web:1 in cluster demo failed: EssentialContainerExited/);
      assert.match(stdout, /\$ npx harbormaster notifications channels\nCHANNEL .*\ndeploys +slack-bot +deploy-\* .* ok /, 'the deploys reached Slack');
      assert.match(stdout, /webhook-signature v1,.*✓ verified by the receiver with the official standardwebhooks verifier/);
      assert.match(stdout, /\$ npx harbormaster notifications test audit\n✓ test delivery msg_\w+ to audit: delivered\n/);
      assert.match(stdout, /run nightly-report@\S+ RUNNING, task \S+ \(revision shop:4\)\n/, 'the fired schedule runs the revision shop runs now');
      assert.match(stdout, /outbox: schedule-run-skipped +"Scheduled task nightly-report was skipped: run nightly-report@\S+ is still active \(concurrencyPolicy Forbid\)"/);
      assert.match(stdout, /outbox: schedule-run-failed +"Scheduled task nightly-report failed: container app exited 2/);
      assert.match(stdout, /\$ npx harbormaster schedules history nightly-report\nSCHEDULED .*\n\S+ +1 +schedule +FAILED .*app=2/);
      assert.match(stdout, /\$ npx harbormaster cleanup plan\n[\s\S]*\nreport +planned +3 +1-3 +1-3 +-\n/, 'the dry run plans');
      assert.match(stdout, /\$ npx harbormaster cleanup run\n[\s\S]*\nreport +cleaned +3 +1-3 +1-3 +-\n/, 'the real run cleans');
      assert.match(stdout, /✗ deployment shop-[0-9a-f]{16} ended ROLLED_BACK: AnalysisFailedError: Analysis of analysis-traffic-25 failed: error-rate green [\d.]+ % \(success: result <= 0\.01\)/, 'the canary analysis scene rolls the 5xx image back');
      // Five shop revisions by now (v0 and four deploys): the three newest are kept, the live one (shop:4) among them.
      assert.match(stdout, /ACTIVE revisions: api 1; report 4,5,6; shop 3,4,5; web 1\n/);
      assert.match(stdout, /Timings: .*stack deployed \d+\.\d s.*first deploy started \d+\.\d s.*first deploy succeeded \d+\.\d s/);

      const environment = Object.fromEntries(exportLine.split(' ').map((pair) => pair.split('=') as [string, string]));
      assert.deepEqual(Object.keys(environment).sort(), ['AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY']);
      assert.match(stdout, /\n {2}npx harbormaster status\n/, 'what to try next');

      const [, dashboardUrl] = /\n {2}dashboard (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(stdout) ?? [];
      assert.ok(dashboardUrl, 'the dashboard is served right after the stack is deployed');
      assert.match(stdout, new RegExp(`\nOr watch it in the browser: ${dashboardUrl}\n`));
      const overview = (await (await fetch(`${dashboardUrl}api/overview`)).json()) as { stage: string; services: { name: string }[] };
      assert.equal(overview.stage, 'e2e');
      assert.deepEqual(overview.services.map((service) => service.name).sort(), ['api', 'shop'], 'the demo services of examples/harbormaster.yml');

      const plan = await secondTerminal(['plan', '--file', 'examples/harbormaster.yml'], environment);
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(plan.stdout, /Plan for stage e2e \(harbormaster-e2e\) from examples\/harbormaster\.yml:/);
      assert.match(plan.stdout, /Plan: 0 to add, 0 to change, 0 to remove, 5 unchanged\./, 'the second terminal sees what npm start applied');

      const status = await secondTerminal(['status'], environment);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /\bshop\b/);
      assert.match(status.stdout, /\bapi\b/);

      const deploys = await secondTerminal(['deploys', 'shop', '--json'], environment);
      assert.equal(deploys.code, 0, deploys.stderr);
      const history = JSON.stringify(JSON.parse(deploys.stdout));
      assert.ok(history.includes(succeeded) && history.includes(rolledBack), `both deploys are listed: ${history.slice(0, 500)}`);
      assert.match(history, /"SUCCEEDED"/);
      assert.match(history, /"ROLLED_BACK"/);

      child.kill('SIGINT');
      const [code, signal] = await exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, stderr);
      await assert.rejects(fetch(environment['AWS_ENDPOINT_URL'] as string), 'nothing serves the endpoint any more');
      await assert.rejects(fetch(dashboardUrl), 'nor the dashboard');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('with --once ends by itself after the scenes, every server it started stopped', { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
    const child = spawn(process.execPath, ['local/start.ts', '--once', '--stage', 'e2e-once'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(timer);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `npm start --once did not end by itself:\n${stdout.slice(-2000)}`);
    assert.match(stdout, /\nTimings: .*first deploy succeeded \d+\.\d s\n/);
    assert.doesNotMatch(stdout, /Ctrl\+C stops it/, '--once does not offer to keep serving');
  });

  it('explains itself with --help', async () => {
    const { stdout } = await run(process.execPath, ['local/start.ts', '--help'], { cwd: PROJECT_ROOT });
    assert.match(stdout, /Usage: npm start/);
    assert.match(stdout, /--once/);
    assert.match(stdout, /--port N +port of the local AWS endpoint \(default 4566/);
  });
});
