import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * The dashboard's page bundle (`npm run build:dashboard`): cli/dashboard/web/main.tsx → cli/dashboard/public/app.js
 * and app.css (uPlot's stylesheet). The output is committed so `harbormaster dashboard` needs no build step;
 * test/package/dashboard-bundle.test.ts fails when it is stale. Deterministic: same sources, same bytes.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DASHBOARD_PUBLIC = `${ROOT}cli/dashboard/public`;

export function dashboardBuildOptions(): BuildOptions & { outdir: string } {
  return {
    absWorkingDir: ROOT,
    entryPoints: { app: 'cli/dashboard/web/main.tsx' },
    outdir: DASHBOARD_PUBLIC,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: 'cli/dashboard/web/tsconfig.json',
    // uPlot's and Preact's licence notices stay with their code.
    legalComments: 'eof',
    sourcemap: false,
    logLevel: 'warning',
  };
}

if (import.meta.main) {
  const result = await build({ ...dashboardBuildOptions(), metafile: true });
  for (const [file, output] of Object.entries(result.metafile.outputs)) console.log(`${file}  ${(output.bytes / 1024).toFixed(1)} KB`);
}
