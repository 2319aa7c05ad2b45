import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { openDashboard } from '../cli/dashboard/dashboard.ts';
import { Session } from '../cli/session.ts';
import { startLocalAws } from '../local/local-aws.ts';
import { createBlueGreenService } from '../local/sample-blue-green.ts';
import { runCli } from '../test/cli-support.ts';

/**
 * `harbormaster dashboard` on the local control plane with three sample services: the page's first paint and the
 * moment its overview shows them (in headless chromium: paint timing, then performance.now() when the Services table
 * has its rows), and GET /api/overview's latency. Baseline: `harbormaster status --json` (the same reads, in
 * process), which /api/overview should match within the HTTP and JSON overhead. Medians of RUNS; the load average is
 * printed, since the figures follow it on a shared machine. Figures only, no thresholds.
 */

const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);
const SERVICES = ['api', 'shop', 'web'];
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(1));
};

async function timed(run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

const aws = await startLocalAws({ stage: 'bench' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  await aws.deployStack();
  for (const name of SERVICES) await createBlueGreenService(aws.clientConfig, { name, stage: 'bench' });
  await aws.runtime.idle();
  const dashboard = await openDashboard(new Session({ stage: 'bench' }), { port: 0, intervalMs: 2000 });

  // Warm both paths once (SDK clients, the task-definition cache each reader keeps).
  await fetch(`${dashboard.url}api/overview`);
  await runCli(['--stage', 'bench', 'status', '--json']);
  const status = await timed(async () => {
    const run = await runCli(['--stage', 'bench', 'status', '--json']);
    if (run.code !== 0) throw new Error(run.stderr);
  });
  const overview = await timed(async () => {
    const answer = await fetch(`${dashboard.url}api/overview`);
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    await answer.json();
  });

  const paints: number[] = [];
  const populated: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const page = await browser.newPage();
    await page.goto(dashboard.url);
    await page.getByRole('table', { name: 'Services' }).getByRole('link', { name: SERVICES.at(-1) ?? '', exact: true }).waitFor();
    // The row is there now: performance.now() counts from the navigation's start.
    const timing = await page.evaluate(() => ({ now: performance.now(), paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN }));
    paints.push(timing.paint);
    populated.push(timing.now);
    await page.close();
  }
  await dashboard.close();
  console.log(`harbormaster dashboard, ${SERVICES.length} services on the local AWS, medians of ${RUNS} (load average ${(loadavg()[0] ?? 0).toFixed(1)}):`);
  console.table([
    { measure: 'baseline: harbormaster status --json (ms)', value: median(status) },
    { measure: 'GET /api/overview (ms)', value: median(overview) },
    { measure: 'page: first contentful paint (ms)', value: median(paints) },
    { measure: 'page: overview populated, upper bound (ms)', value: median(populated) },
  ]);
} finally {
  await browser.close();
  await aws.stop();
}
