import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { PROJECT_ROOT } from '../scripts/serverless-functions.ts';

/**
 * `npm start -- --once` as a newcomer runs it: seconds from the start of the process to the stack deployed (the real
 * `osls deploy`), to the first deploy started (stack up, example applied, shop:v2 pushed) and to it succeeded, read
 * from the Timings line start.ts prints, and the whole run. Twice: as on a fresh clone (no dist/ build, no compile
 * cache for osls) and again (the build is reused). The machine's load average is printed with each run: on a shared
 * machine the wall-clock figures follow it. Figures only, no thresholds.
 */

/**
 * The same command before this work (it showed no deploy of a service): as issue 9 measured it on a fresh clone, and
 * at commit ee680c5 on the shared 2-core project machine (median of 2, load average 3.6–6.4; `osls deploy` then
 * included the build: 32.8 and 35.4 s).
 */
const BEFORE = [
  { run: 'before: issue 9 (fresh clone)', 'stack deployed (s)': 24, 'whole --once run (s)': 43 },
  { run: 'before: ee680c5 (fresh clone)', 'stack deployed (s)': 37, 'whole --once run (s)': 55, 'load average (1 min)': 5 },
];
const MILESTONES = ['stack deployed', 'first deploy started', 'first deploy succeeded'] as const;

interface StartRun {
  milestones: Map<string, number>;
  wallSeconds: number;
}

async function runStart(): Promise<StartRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ['local/start.ts', '--once', '--stage', 'bench'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wallSeconds = (performance.now() - started) / 1000;
  const timings = /^Timings: (.*)$/m.exec(stdout)?.[1];
  if (code !== 0 || !timings) throw new Error(`npm start -- --once exited with ${code}:\n${stdout}`);
  const milestones = new Map([...timings.matchAll(/([a-zA-Z ]+?) (\d+\.\d) s(?:, |$)/g)].map(([, name, seconds]) => [String(name), Number(seconds)]));
  return { milestones, wallSeconds };
}

function row(run: string, measured: StartRun, load: number) {
  return {
    run,
    ...Object.fromEntries(MILESTONES.map((name) => [`${name} (s)`, measured.milestones.get(name)])),
    'whole --once run (s)': Number(measured.wallSeconds.toFixed(1)),
    'load average (1 min)': Number(load.toFixed(1)),
  };
}

// A fresh clone has neither: dist/ is built from scratch, and osls compiles its modules anew.
rmSync(join(PROJECT_ROOT, 'dist', '.built-from'), { force: true });
rmSync(join(PROJECT_ROOT, '.local', 'node-compile-cache'), { recursive: true, force: true });
const rows = [];
for (const run of ['fresh clone', 'again (build reused)']) {
  const load = loadavg()[0] ?? 0;
  rows.push(row(run, await runStart(), load));
}
console.log('npm start -- --once (seconds since the process started):');
console.table([...BEFORE, ...rows]);
