import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { DASHBOARD_PUBLIC, dashboardBuildOptions } from '../../scripts/build-dashboard.ts';

/** The committed page bundle (cli/dashboard/public/) is what its sources build to, so `harbormaster dashboard` needs no build. */

/** Minified app.js and app.css together; the page should stay light for a tool an operator opens in passing. */
const BUDGET_BYTES = 120 * 1024;

describe('dashboard page bundle', () => {
  it('is committed as its sources build it (else run npm run build:dashboard and commit)', async () => {
    const result = await build({ ...dashboardBuildOptions(), write: false });
    assert.ok(result.outputFiles.length > 0);
    for (const output of result.outputFiles) {
      const committed = await readFile(`${DASHBOARD_PUBLIC}/${basename(output.path)}`, 'utf8').catch(() => '(missing)');
      assert.ok(committed === output.text, `cli/dashboard/public/${basename(output.path)} is stale: run npm run build:dashboard and commit it`);
    }
  });

  it('builds the same bytes twice (no timestamps)', async () => {
    const [first, second] = await Promise.all([build({ ...dashboardBuildOptions(), write: false }), build({ ...dashboardBuildOptions(), write: false })]);
    assert.deepEqual(
      first.outputFiles.map((file) => file.hash),
      second.outputFiles.map((file) => file.hash),
    );
  });

  it(`stays under ${BUDGET_BYTES / 1024} KB minified`, async () => {
    const result = await build({ ...dashboardBuildOptions(), write: false });
    const bytes = result.outputFiles.reduce((total, file) => total + file.contents.byteLength, 0);
    assert.ok(bytes < BUDGET_BYTES, `the page bundle is ${(bytes / 1024).toFixed(1)} KB; keep it under ${BUDGET_BYTES / 1024} KB`);
  });
});
