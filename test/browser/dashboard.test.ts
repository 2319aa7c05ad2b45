import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openDashboard } from '../../cli/dashboard/dashboard.ts';
import { operatorName } from '../../cli/operator.ts';
import type { DashboardServer } from '../../cli/dashboard/server.ts';
import { Session } from '../../cli/session.ts';
import { createBlueGreenService, productionWeights, pushImage, type BlueGreenService, type ServiceOptions } from '../../local/sample-blue-green.ts';
import { runCli } from '../cli-support.ts';
import { assertRolledBack, deployments, eventually, parkedIn } from '../integration/deploy/blue-green-support.ts';
import { SCALED, scaledOutService } from '../integration/dashboard/scaled-service.ts';
import { useDeployedStack } from '../integration/support.ts';

/**
 * The dashboard in a real browser (Debian's headless chromium, driven by playwright-core) against the local control
 * plane: real deploys of the sample service, watched and acted on from the page, checked in the deployment store, ECS
 * and ELB. Elements are found by role and accessible name (cli/dashboard/api.ts), as a screen reader would. It saves
 * the README's screenshots (docs/screenshots/, with UPDATE_SCREENSHOTS=1: `npm run screenshots`).
 */

const CHROMIUM = '/usr/bin/chromium';
/** The README's screenshots are replaced only when asked (`npm run screenshots`); other runs keep theirs in a temporary folder. */
const SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : `${mkdtempSync(join(tmpdir(), 'dashboard-screenshots-'))}/`;
const missing = existsSync(CHROMIUM) ? undefined : `no chromium at ${CHROMIUM}: \`apt-get install chromium\` (Debian's) to run the dashboard's browser tests`;
if (missing && process.env['CI'] === 'true') throw new Error(`The dashboard's browser tests need Debian's chromium under CI: ${missing} (.ci/run installs it).`);

const GATED: ServiceOptions['deploy'] = { manualApproval: true };
const HOUR_BAKE: ServiceOptions['deploy'] = { strategy: { type: 'canary', percent: 50, bakeMinutes: 60 } };
/** Four traffic steps of 6 s each: long enough to see each one run, short enough for a test. */
const LINEAR: ServiceOptions['deploy'] = { strategy: { type: 'linear', stepPercent: 25, intervalMinutes: 0.1 } };
const TIMEOUT = 60_000;

describe('harbormaster dashboard in the browser', { skip: missing }, () => {
  const stack = useDeployedStack();
  let browser: Browser;
  let dashboard: DashboardServer;
  let page: Page;

  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(() => browser?.close());
  beforeEach(async () => {
    dashboard = await openDashboard(new Session({ stage: 'local' }), { port: 0, intervalMs: 250 });
    // Reduced motion: the meters jump to their value, so a screenshot never catches a bar mid-transition.
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    page.setDefaultTimeout(TIMEOUT);
  });
  afterEach(async () => {
    await page.close();
    await dashboard.close();
  });

  async function service(deploy: ServiceOptions['deploy']): Promise<BlueGreenService> {
    const target = await createBlueGreenService(stack.aws.clientConfig, { deploy });
    await stack.aws.runtime.idle();
    await pushImage(target, 'build-1');
    await stack.aws.runtime.idle();
    return target;
  }

  async function deploy(): Promise<void> {
    const started = await runCli(['deploy', 'web', '--image', 'build-1']);
    assert.equal(started.code, 0, started.stderr);
  }

  /** Opens the service's page; a marker on window proves later changes arrived without a reload. */
  async function openService(name: string): Promise<void> {
    await page.goto(`${dashboard.url}#/services/${name}`);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.evaluate(() => Object.assign(globalThis, { loadedOnce: true }));
  }

  const notReloaded = async () => assert.equal(await page.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce), true, 'the page was never reloaded');

  async function confirm(action: string): Promise<string> {
    await page.getByRole('button', { name: action, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: action });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const status = page.getByRole('status').filter({ hasText: /\w/ });
    await status.first().waitFor();
    return (await status.first().textContent()) ?? '';
  }

  it('lists the services (one deploying, one scaled), each linking to its page', async () => {
    const target = await service(GATED);
    await scaledOutService(stack);
    await deploy();
    await parkedIn(stack, target, 'approval');
    await page.setViewportSize({ width: 1280, height: 400 });
    await page.goto(dashboard.url);
    const table = page.getByRole('table', { name: 'Services' });
    const link = table.getByRole('link', { name: 'web', exact: true });
    await link.waitFor();
    await table.getByRole('link', { name: SCALED.name, exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Services' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}overview.png` });
    await link.click();
    await page.getByRole('heading', { level: 1, name: 'web' }).waitFor();
  });

  it('follows a canary deploy live: the highlighted step moves on without a reload', async () => {
    const target = await service(LINEAR);
    await openService('web');
    await deploy();
    const seen: string[] = [];
    const steps = page.getByRole('region', { name: 'Deploy in flight' }).getByRole('list', { name: 'Steps' });
    let screenshot = false;
    await eventually('the page showed three traffic steps running in turn', async () => {
      const current = steps.locator('[aria-current="step"]');
      const text = (await current.count()) > 0 ? ((await current.first().textContent({ timeout: 1000 }).catch(() => null)) ?? '') : '';
      const name = /traffic-\d+/.exec(text)?.[0];
      if (name && seen.at(-1) !== name) seen.push(name);
      // The README's picture: traffic-50 baking, once the page shows its weights moved (the step starts before the shift).
      const green = name === 'traffic-50' && !screenshot ? await page.getByRole('meter', { name: 'Production traffic on green' }).getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null) : null;
      if (green === '50') {
        screenshot = true;
        await page.screenshot({ path: `${SCREENSHOTS}deploy-live.png`, fullPage: true });
      }
      return seen.length >= 3;
    }, 120_000);
    assert.deepEqual(seen.slice(0, 3), ['traffic-25', 'traffic-50', 'traffic-75'], `the steps in order: ${seen.join(', ')}`);
    await notReloaded();
    await eventually('the deploy SUCCEEDED', async () => (await deployments(stack).history(target.cluster, target.service))[0]?.status === 'SUCCEEDED', 120_000);
    await page.getByRole('table', { name: 'Deploy history' }).getByText('Succeeded').first().waitFor();
  });

  it('approves a gated deploy from the page (dialog, Confirm): it resumes and SUCCEEDS', async () => {
    const target = await service(GATED);
    await deploy();
    const deploymentId = await parkedIn(stack, target, 'approval');
    await openService('web');
    const outcome = await confirm('Approve');
    assert.match(outcome, new RegExp(`Approved deployment ${deploymentId}`));
    await eventually('the deployment SUCCEEDED', async () => (await deployments(stack).getDeployment(target.cluster, target.service, deploymentId))?.status === 'SUCCEEDED');
    const recorded = await deployments(stack).getDeployment(target.cluster, target.service, deploymentId);
    assert.equal(recorded?.['approvedBy'], operatorName('dashboard', process.env), 'who approved: the page, and the user who ran it');
    assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
    await notReloaded();
  });

  it('charts a scale-out: desired count against the CPU CloudWatch recorded', async () => {
    await scaledOutService(stack);
    await page.goto(`${dashboard.url}#/services/${SCALED.name}`);
    const figure = page.getByRole('figure', { name: 'Scaling activity' });
    await figure.locator('canvas').first().waitFor();
    await page.getByRole('table', { name: 'Scaling history' }).getByText(SCALED.alarmName).first().waitFor();
    await figure.screenshot({ path: `${SCREENSHOTS}scaling.png` });
  });

  it('aborts a baking deploy from the page: it rolls back', async () => {
    const target = await service(HOUR_BAKE);
    await deploy();
    const deploymentId = await parkedIn(stack, target, 'traffic-50');
    await openService('web');
    await page.getByRole('meter', { name: 'Production traffic on green' }).waitFor();
    const outcome = await confirm('Abort');
    assert.match(outcome, new RegExp(`Deployment ${deploymentId} of web-cluster/web rolls back now`));
    await eventually('the deployment ROLLED_BACK', async () => (await deployments(stack).getDeployment(target.cluster, target.service, deploymentId))?.status === 'ROLLED_BACK');
    await stack.aws.runtime.idle();
    await assertRolledBack(stack, target, /DeploymentAbortedError: An operator aborted the deployment/);
    await page.getByRole('table', { name: 'Deploy history' }).getByText('Rolled back').first().waitFor();
    await notReloaded();
  });

});
