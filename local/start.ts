import { parseArgs } from 'node:util';
import type { DashboardServer } from '../cli/dashboard/server.ts';
import type { LocalAws } from './local-aws.ts';
import { findFreePort, portIsFree, startMotoAhead, type MotoAhead } from './moto/server.ts';

const DEFAULT_PORT = 4566;
/** The local control plane answers fast: the dashboard looks again every second. */
const DASHBOARD_INTERVAL_MS = 1000;

const HELP = `Usage: npm start [-- --once] [-- --port N] [-- --stage NAME]

Runs the Harbormaster control plane on the embedded local AWS (moto plus our local runtime):
  1. starts the local AWS (Lambda invocations run this checkout's handlers) while the functions are built,
  2. deploys serverless.yml into it with the real \`osls deploy\`,
  3. creates the demo services and applies examples/harbormaster.yml with \`harbormaster apply\`,
  4. shows each capability at work: a canary deploy on push, a bad image rolled back, an alarm scaling a service
     out and back in, task events ingested, a revision cleanup dry run then a real run.
The dashboard (\`harbormaster dashboard\`) is served from the moment the stack is deployed, so the scenes can be
watched in a browser. Then it prints the environment a second terminal needs to drive it with \`npx harbormaster\`,
and keeps running until Ctrl+C.

Options:
  --once        exit after the scenes
  --port N      port of the local AWS endpoint (default ${DEFAULT_PORT}, or a free port if that one is taken)
  --stage NAME  stage to deploy (default: local)
  -h, --help    show this help
`;

const { values: options } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    port: { type: 'string' },
    stage: { type: 'string', default: 'local' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const stage = options.stage as string;
const heading = (message: string) => console.log(`\n▸ ${message}`);

// moto and the build take the longest to start: both begin before the ~2 s of loading everything else.
const requestedPort = options.port === undefined ? undefined : Number(options.port);
const defaultPortTaken = requestedPort === undefined && !(await portIsFree(DEFAULT_PORT));
const motoAhead = await startMotoAhead(requestedPort ?? (defaultPortTaken ? await findFreePort() : DEFAULT_PORT));
const { buildFunctionZips } = await import('./build-cache.ts');
const building = buildFunctionZips().then(() => performance.now() / 1000);
// Awaited below; a build failing while the local AWS starts must not end the process as an unhandled rejection.
building.catch(() => undefined);

const { startLocalAws } = await import('./local-aws.ts');
const { deployWithOsls } = await import('./stack.ts');
const { createDemoServices } = await import('./demo-services.ts');
const { SCENES } = await import('./scenes/index.ts');
const { Session } = await import('../cli/session.ts');
const { DASHBOARD_PORT, openDashboard } = await import('../cli/dashboard/dashboard.ts');
const { Milestones, sceneContext } = await import('./scenes/scene.ts');
const milestones = new Milestones();

// The handlers' structured logs would bury the scenes; rejected events still log at ERROR.
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'ERROR';
heading('Starting the local AWS (moto + local runtime) while the functions are built…');
if (defaultPortTaken) console.log(`  port ${DEFAULT_PORT} is taken (another local AWS?): using a free one`);
const aws = await startAws(motoAhead);
milestones.reach('local AWS started');
let dashboard: DashboardServer | undefined;
let receivers: { stop(): Promise<void> } | undefined;
// Every server it started, so `--once` ends the process and Ctrl+C leaves nothing listening.
const stopAll = async () => {
  await Promise.all([dashboard?.close(), receivers?.stop()]);
  await aws.stop();
};
const stop = async () => {
  await stopAll();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

try {
  console.log(`  endpoint ${aws.endpoint}`);
  // moto prepares each service on its first call: here, while the build runs and osls loads.
  const warming = aws.warmUp().then(() => void milestones.reach('local AWS warmed up'));
  milestones.reach('functions built', await building);
  heading(`Deploying serverless.yml (stage ${stage}) with osls deploy…`);
  const deployStarted = performance.now();
  await Promise.all([deployWithOsls(stage, aws.endpoint), warming]);
  console.log(`  deployed in ${((performance.now() - deployStarted) / 1000).toFixed(1)} s (${milestones.reach('stack deployed').toFixed(1)} s after start)`);
  // Served from now on, so the scenes can be watched in the browser as they run.
  // The verb's port when it is free (a bookmark keeps working), else any free one.
  const session = new Session({ stage });
  dashboard = await openDashboard(session, { port: DASHBOARD_PORT, intervalMs: DASHBOARD_INTERVAL_MS }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return openDashboard(session, { port: 0, intervalMs: DASHBOARD_INTERVAL_MS });
  });
  console.log(`  dashboard ${dashboard.url}`);

  const { startNotificationReceivers } = await import('./notification-receivers.ts');
  receivers = await startNotificationReceivers(aws);
  const context = sceneContext(aws, stage, await createDemoServices(aws, stage), milestones);
  for (const scene of SCENES) {
    heading(scene.title);
    await scene.run(context);
  }
  await aws.runtime.idle(30_000);
  // From now on schedules fire as (local) time passes.
  aws.runtime.scheduler.start();
  console.log(`\nTimings: ${milestones.summary()}`);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
}

if (options.once) {
  await stopAll();
} else {
  // One write, so a reader (a second terminal's script, the e2e test) never sees half of the hints.
  console.log(
    [
      '\nThe local control plane keeps running. In a second terminal:',
      `  export AWS_ENDPOINT_URL=${aws.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
      '  npx harbormaster status',
      '  npx harbormaster deploys shop',
      '  npx harbormaster plan --file examples/harbormaster.yml',
      `Or watch it in the browser: ${dashboard?.url ?? ''}`,
      'Ctrl+C stops it.',
    ].join('\n'),
  );
}

/**
 * On the well-known port unless it was taken (another local AWS?) or another one was asked for. Another process can
 * take a port after it was found free: then the runtime and moto start again, on free ports.
 */
async function startAws(ahead: MotoAhead): Promise<LocalAws> {
  try {
    return await startLocalAws({ stage, moto: ahead });
  } catch (error) {
    const portTaken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /address already in use/i.test(String(error));
    if (!portTaken) throw error;
    if (requestedPort === undefined) console.log(`  port ${ahead.runtimePort} was taken meanwhile: using a free one`);
    return startLocalAws({ stage, port: requestedPort });
  }
}
