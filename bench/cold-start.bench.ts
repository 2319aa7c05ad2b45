import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { bundleOptions } from '../scripts/build.ts';
import { bundleContents } from '../scripts/bundle-contents.ts';
import { PROJECT_ROOT, readServerlessFunctions } from '../scripts/serverless-functions.ts';

/**
 * Cold start: each function's bundle (built as scripts/build.ts builds it) beside a bare DynamoDB document-client
 * bundle built the same way (bench/bare-dynamodb-handler.ts). Each bundle is imported in a fresh `node` process
 * (with the function's environment and --enable-source-maps, as in Lambda), ROUNDS times, rounds interleaved so
 * machine load falls on every bundle alike; the figures are the median wall and CPU time of the `import()`, i.e.
 * loading and evaluating the module and building its SDK clients. The ratio to the bare bundle is taken on CPU time,
 * which other processes on a shared machine disturb far less than wall time. Figures only, no thresholds.
 */

const ROUNDS = 11;
/** EventBridge-triggered functions: every event pays their cold start, so they must stay close to the bare bundle. */
const HOT_PATHS = new Set(['ingestTaskState', 'ingestImagePush', 'ingestDeploymentState', 'ingestServiceAction', 'startScaling']);
const BARE = '(bare DynamoDB client)';

/** Every environment variable serverless.yml sets, with a placeholder value: handlers read them at import. */
function functionEnvironment(): Record<string, string> {
  const config = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
    provider: { environment?: Record<string, unknown> };
    functions: Record<string, { environment?: Record<string, unknown> }>;
  };
  const names = [config.provider.environment, ...Object.values(config.functions).map((fn) => fn.environment)].flatMap((environment) => Object.keys(environment ?? {}));
  const placeholders = Object.fromEntries(names.map((name) => [name, name.endsWith('_ARN') ? `arn:aws:states:us-east-1:111122223333:stateMachine:${name.toLowerCase()}` : `bench-${name.toLowerCase()}`]));
  return { ...placeholders, NODE_OPTIONS: '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', POWERTOOLS_LOG_LEVEL: 'SILENT' };
}

function importMilliseconds(bundle: string, environment: Record<string, string>): { wall: number; cpu: number } {
  const script = [
    'const cpu = process.cpuUsage(); const started = performance.now();',
    'await import(process.env.BENCH_BUNDLE);',
    'const wall = performance.now() - started; const used = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000 }));',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    env: { PATH: process.env['PATH'] ?? '', ...environment, BENCH_BUNDLE: pathToFileURL(bundle).href },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`Importing ${bundle} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as { wall: number; cpu: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const directory = mkdtempSync(join(tmpdir(), 'harbormaster-cold-start-'));
try {
  const entries = [{ key: BARE, sourcePath: join(PROJECT_ROOT, 'bench', 'bare-dynamodb-handler.ts') }, ...readServerlessFunctions()];
  const bundles = await Promise.all(
    entries.map(async ({ key, sourcePath }) => {
      const outfile = join(directory, key.replace(/\W/g, '_'), 'handler.mjs');
      const result = await build({ ...bundleOptions(sourcePath, outfile), metafile: true });
      return { key, outfile, contents: bundleContents(result.metafile) };
    }),
  );
  const environment = functionEnvironment();
  const times = new Map(bundles.map(({ key }) => [key, [] as Array<{ wall: number; cpu: number }>]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const { key, outfile } of bundles) times.get(key)?.push(importMilliseconds(outfile, environment));
  }
  const medians = (key: string) => ({ wall: median((times.get(key) ?? []).map((time) => time.wall)), cpu: median((times.get(key) ?? []).map((time) => time.cpu)) });
  const bare = bundles[0] as (typeof bundles)[number];
  const bareMs = medians(BARE).cpu;
  const rows = bundles.map(({ key, contents }) => {
    const ms = medians(key);
    return {
      function: key,
      'hot path': HOT_PATHS.has(key) ? 'yes' : '',
      'bundle KiB': (contents.bytes / 1024).toFixed(0),
      'zod KiB': (contents.zodBytes / 1024).toFixed(0),
      'CommonJS KiB': (contents.commonJsBytes / 1024).toFixed(0),
      'size ×': `${(contents.bytes / bare.contents.bytes).toFixed(2)}×`,
      'import ms': ms.wall.toFixed(1),
      'import CPU ms': ms.cpu.toFixed(1),
      'cold import ×': `${(ms.cpu / bareMs).toFixed(2)}×`,
    };
  });
  console.log(`Cold import of each bundle in a fresh node process (medians of ${ROUNDS}), beside a bare DynamoDB-client bundle built the same way`);
  console.table(rows);
  const hot = rows.filter((row) => row['hot path'] === 'yes');
  console.log(`Hot paths (goal ≤ 1.2× the bare bundle, no zod): ${hot.map((row) => `${row.function} ${row['cold import ×']}${row['zod KiB'] === '0' ? '' : ' (zod)'}`).join(', ')}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
