import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { FIXTURE_CSRF_TOKEN, startFixtureServer, type FixtureServer } from '../fixtures/dashboard/fixture-server.ts';

/**
 * The dashboard's page in a real browser (Debian's chromium) against the fixture server: it selects by the roles and
 * names cli/dashboard/api.ts promises, follows a snapshot pushed over SSE, posts actions with the CSRF token, and axe
 * finds no serious or critical accessibility violation. DASHBOARD_SCREENSHOTS=<dir> keeps a screenshot of each page.
 */

const CHROMIUM = '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DEADLINE_MS = 60_000;
const SCREENSHOTS = process.env['DASHBOARD_SCREENSHOTS'];

const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: apt-get install chromium`;
if (missing && process.env['CI'] === 'true') throw new Error(`${missing} (CI must run the dashboard's browser tests)`);

describe('dashboard page', { skip: missing }, () => {
  let fixture: FixtureServer;
  let browser: Browser;
  let page: Page;
  const refusedByPolicy: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    fixture = await startFixtureServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(DEADLINE_MS);
    page.on('console', (message) => message.type() === 'error' && /Content Security Policy/.test(message.text()) && refusedByPolicy.push(message.text()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    assert.deepEqual(refusedByPolicy, [], 'the page needs nothing its CSP refuses');
    assert.deepEqual(pageErrors, [], 'the page threw');
    await browser?.close();
    await fixture?.close();
  });

  it('renders the overview table "Services", a row per service linking to its page', async () => {
    await page.goto(`${fixture.url}/#/`);
    const table = page.getByRole('table', { name: 'Services' });
    await table.waitFor();
    await until(async () => (await table.getByRole('row').count()) === 4, 'a header row and three service rows');
    await table.getByRole('link', { name: 'shop', exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Schedules' }).waitFor();
    await noSeriousViolations(page, 'overview');
  });

  it("shows a service's deploy: steps with the current one marked, green and blue meters", async () => {
    await page.getByRole('table', { name: 'Services' }).getByRole('link', { name: 'shop', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'shop' }).waitFor();
    const steps = page.getByRole('region', { name: 'Deploy in flight' }).getByRole('list', { name: 'Steps' });
    await until(async () => (await currentStep(page)).includes('traffic-10'), 'traffic-10 is the current step');
    assert.equal(await steps.locator('[aria-current="step"]').count(), 1);
    assert.equal(await page.getByRole('meter', { name: 'Production traffic on green' }).getAttribute('aria-valuenow'), '10');
    assert.equal(await page.getByRole('meter', { name: 'Production traffic on blue' }).getAttribute('aria-valuenow'), '90');
    assert.match(await steps.locator('[aria-current="step"]').innerText(), /Bake ends in\s+\d+m\d*s?/);
    await page.getByRole('table', { name: 'Deploy history' }).waitFor();
    await page.getByRole('table', { name: 'Analysis measurements' }).waitFor();
    await noSeriousViolations(page, 'service-deploying');
  });

  it('moves the current step when a snapshot arrives over SSE, without a reload', async () => {
    await page.evaluate('window.sameDocument = true');
    fixture.advance();
    await until(async () => (await currentStep(page)).includes('approval'), 'approval is the current step');
    assert.equal(await page.evaluate<boolean>('window.sameDocument === true'), true, 'the page reloaded');
    await page.getByRole('button', { name: 'Approve' }).waitFor();
  });

  it('shows a non-blocking banner when the server reports a failed look, keeping the page', async () => {
    fixture.fail({ ok: false, error: 'ECS throttled the look.', hint: 'It will retry.' });
    await until(async () => (await page.getByRole('alert').innerText().catch(() => '')).includes('ECS throttled the look.'), 'the failure banner');
    await page.getByRole('heading', { level: 1, name: 'shop' }).waitFor();
    fixture.advance();
    await until(async () => (await page.getByRole('alert').count()) === 0, 'the banner goes with the next snapshot');
  });

  it("confirms an action in a dialog named after it and posts it with the page's CSRF token", async () => {
    const before = fixture.received.length;
    await page.getByRole('button', { name: 'Abort' }).click();
    const dialog = page.getByRole('dialog', { name: 'Abort' });
    await dialog.waitFor();
    await noSeriousViolations(page, 'dialog-abort');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await until(async () => (await page.getByRole('status').innerText()).includes('abort of service shop accepted'), 'the outcome in the status region');
    await dialog.waitFor({ state: 'hidden' });
    assert.deepEqual(fixture.received.slice(before), [{ path: '/api/services/shop/abort', csrfToken: FIXTURE_CSRF_TOKEN, body: { deploymentId: 'shop-20261202-1332-v42' } }]);
  });

  it('reaches the controls with Tab, opens a dialog with Enter and closes it with Escape', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'shop' }).waitFor();
    const reached: string[] = [];
    for (let presses = 0; presses < 20 && !reached.includes('Promote fully'); presses++) {
      await page.keyboard.press('Tab');
      reached.push(await focusedText(page));
    }
    assert.equal(reached[0], 'Skip to content', 'the skip link comes first');
    assert.ok(reached.includes('Promote fully'), `Tab reached: ${reached.join(', ')}`);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Promote fully' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focusedText(page), 'Promote fully', 'focus returns to the button');
    await screenshot(page, 'service-deploying');
  });

  it('charts scaling activity with a table fallback on a service without a deploy', async () => {
    await page.goto(`${fixture.url}/#/services/search`);
    await page.getByRole('heading', { level: 1, name: 'search' }).waitFor();
    const figure = page.getByRole('figure', { name: 'Scaling activity' });
    await figure.locator('canvas').waitFor();
    assert.equal(await figure.getByRole('table', { name: 'Scaling activity data' }).getByRole('row').count(), 17);
    await page.getByRole('button', { name: 'Roll back' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Abort' }).count(), 0, 'only the actions ServiceDetail.actions allows');
    await noSeriousViolations(page, 'service-scaling');
  });

  for (const [hash, table] of [
    ['#/schedules', 'Schedules'],
    ['#/notifications', 'Deliveries'],
  ] as const) {
    it(`renders ${hash} accessibly`, async () => {
      await page.goto(`${fixture.url}/${hash}`);
      await page.getByRole('table', { name: table }).waitFor();
      await noSeriousViolations(page, hash.slice(2));
    });
  }

  it('stops animating the meters when reduced motion is asked for', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${fixture.url}/#/services/shop`);
    const bar = page.getByRole('meter', { name: 'Production traffic on green' }).locator(':scope > *');
    assert.equal(await transitionOf(bar), '0s');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    assert.notEqual(await transitionOf(bar), '0s');
  });

  it('stays accessible in the dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${fixture.url}/#/services/shop`);
    await page.getByRole('list', { name: 'Steps' }).waitFor();
    await noSeriousViolations(page, 'service-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});

async function currentStep(page: Page): Promise<string> {
  const current = page.getByRole('list', { name: 'Steps' }).locator('[aria-current="step"]');
  return (await current.count()) === 1 ? current.innerText() : '';
}

/**
 * axe-core on the page as it is: no serious or critical violation. It is evaluated rather than added as a script tag,
 * which the page's CSP (default-src 'self') rightly refuses.
 */
async function noSeriousViolations(page: Page, name: string): Promise<void> {
  await page.evaluate(AXE);
  // Strings, not functions: the tests' type check has no DOM library.
  const violations = await page.evaluate<string[]>(`axe.run(document).then((result) => result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => violation.id + ': ' + violation.help + ' (' + violation.nodes.map((node) => node.target.join(' ')).join(', ') + ')'))`);
  assert.deepEqual(violations, [], `axe on ${name}`);
  await screenshot(page, name);
}

function transitionOf(element: Locator): Promise<string> {
  return element.evaluate((node) => (globalThis as unknown as { getComputedStyle(node: unknown): { transitionDuration: string } }).getComputedStyle(node).transitionDuration);
}

function focusedText(page: Page): Promise<string> {
  return page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
