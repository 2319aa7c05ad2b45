import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../scripts/serverless-functions.ts';
import { withFileLock } from './file-lock.ts';
import {
  nextStep,
  PIP_REQUIREMENTS,
  pipFailedMessage,
  PYTHON_PINS,
  venvFailedMessage,
  type InterpreterProbe,
  type InterpreterReport,
  type PlanOptions,
  type Probes,
  type PythonToolchain,
  type Step,
} from './python-env-plan.ts';

/**
 * The Python that runs moto and cfn-lint (decision in local/python-env-plan.ts), set up with pip in .local/python on
 * a machine that lacks them. `node local/python-env.ts` (npm start and npm test run it first) sets up and says which
 * Python it uses; `--check` only reports, for CI machines whose image brings the tools.
 */

export type { PythonToolchain };

export interface SetUpOptions {
  /** The project's virtual environment; default .local/python. */
  directory?: string;
  /** Whose PATH finds python3 and cfn-lint; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** false: fail with what is missing instead of installing. Default true. */
  mayInstall?: boolean;
  /** Progress lines of an install; default stderr. */
  progress?: (line: string) => void;
}

const PROBE_TIMEOUT_MS = 30_000;
const VENV_TIMEOUT_MS = 5 * 60_000;

/** Prints one JSON line (InterpreterReport) and imports nothing heavy: versions come from installed metadata. */
const PROBE_SCRIPT = `
import json, os, sys, sysconfig
from importlib.util import find_spec
try:
    from importlib import metadata
except ImportError:
    metadata = None

def version(name):
    try:
        return metadata.version(name) if metadata else None
    except metadata.PackageNotFoundError:
        return None

def script(name):
    directories = [sysconfig.get_path("scripts")]
    try:
        directories.append(sysconfig.get_path("scripts", os.name + "_user"))
    except KeyError:
        pass
    for directory in directories:
        path = os.path.join(directory, name)
        if os.access(path, os.X_OK):
            return path
    return None

print(json.dumps({
    "executable": sys.executable,
    "version": "%d.%d.%d" % sys.version_info[:3],
    "moto": version("moto"),
    "cfnLint": version("cfn-lint"),
    "motoServer": find_spec("flask") is not None and find_spec("flask_cors") is not None,
    "cfnLintScript": script("cfn-lint"),
}))
`;

/** Finds (or, when allowed, installs) the pinned moto and cfn-lint; throws a message that says what to install otherwise. */
export async function setUpPythonToolchain(options: SetUpOptions = {}): Promise<PythonToolchain> {
  const directory = options.directory ?? join(PROJECT_ROOT, '.local', 'python');
  const env = options.env ?? process.env;
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const venvName = displayPath(directory);
  const plan = (mayInstall: boolean) => settle(directory, env, { mayInstall, platform: process.platform, venvName });

  const first = await plan(options.mayInstall ?? true);
  if (first.kind !== 'install') return chosen(first);
  // Test files run in parallel processes: one installs, the others wait and then find the result.
  await withFileLock(`${directory}.lock`, async () => {
    const current = await plan(true);
    if (current.kind === 'install') await install(directory, current, env, venvName, progress);
    else if (current.kind === 'fail') throw new Error(current.message);
  });
  const installed = await plan(false);
  if (installed.kind === 'fail') throw new Error(`pip install finished, yet: ${installed.message}`);
  return chosen(installed);
}

let shared: Promise<PythonToolchain> | undefined;

/** This checkout's toolchain, found once per process (set up on first use when npm start/test did not). */
export function pythonToolchain(): Promise<PythonToolchain> {
  if (!shared) {
    shared = setUpPythonToolchain();
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

type Decision = Exclude<Step, { kind: 'probe' }>;

/** Probes what nextStep asks for until it decides. */
async function settle(directory: string, env: NodeJS.ProcessEnv, options: PlanOptions): Promise<Decision> {
  const probes: Probes = {};
  for (;;) {
    const step = nextStep(probes, options);
    if (step.kind !== 'probe') return step;
    if (step.what === 'project') probes.project = await probeProject(directory, env);
    else if (step.what === 'machine') probes.machine = await probeInterpreter('python3', env);
    else probes.pathCfnLint = await probeCfnLintOnPath(env);
  }
}

function chosen(decision: Decision): PythonToolchain {
  if (decision.kind === 'use') return decision.toolchain;
  throw new Error(decision.kind === 'fail' ? decision.message : 'the Python toolchain is not set up');
}

async function install(directory: string, step: Extract<Step, { kind: 'install' }>, env: NodeJS.ProcessEnv, venvName: string, progress: (line: string) => void): Promise<void> {
  progress(`Setting up moto ${PYTHON_PINS.moto} and cfn-lint ${PYTHON_PINS.cfnLint} in ${venvName} (one time, ~1 min)…`);
  if (step.base) {
    progress(`  ${step.base} -m venv ${venvName}`);
    const created = await run(step.base, ['-m', 'venv', ...(step.clear ? ['--clear'] : []), directory], env, { timeoutMs: VENV_TIMEOUT_MS });
    if (!created.ok) throw new Error(venvFailedMessage(step.base, created.output, process.platform));
  }
  progress(`  pip install ${PIP_REQUIREMENTS.join(' ')}`);
  const pip = await run(join(directory, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--no-input', ...PIP_REQUIREMENTS], env, {
    onLine: (line) => {
      if (/^(Collecting|Successfully installed) /.test(line)) progress(`    ${line}`);
    },
  });
  if (!pip.ok) throw new Error(pipFailedMessage(venvName, pip.output));
}

async function probeProject(directory: string, env: NodeJS.ProcessEnv): Promise<InterpreterProbe> {
  if (!existsSync(directory)) return { status: 'absent' };
  const probe = await probeInterpreter(join(directory, 'bin', 'python'), env);
  return probe.status === 'absent' ? { status: 'broken', output: `${directory} has no bin/python` } : probe;
}

async function probeInterpreter(command: string, env: NodeJS.ProcessEnv): Promise<InterpreterProbe> {
  const result = await run(command, ['-c', PROBE_SCRIPT], env, { timeoutMs: PROBE_TIMEOUT_MS });
  if (result.missing) return { status: 'absent' };
  if (!result.ok) return { status: 'broken', output: result.output };
  try {
    return { status: 'ok', report: JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as InterpreterReport };
  } catch {
    return { status: 'broken', output: `${command} printed no probe report:\n${result.output}` };
  }
}

async function probeCfnLintOnPath(env: NodeJS.ProcessEnv): Promise<string | null> {
  const result = await run('cfn-lint', ['--version'], env, { timeoutMs: PROBE_TIMEOUT_MS });
  return result.ok ? (/\d+(\.\d+)+/.exec(result.stdout)?.[0] ?? null) : null;
}

interface Ran {
  ok: boolean;
  /** The command was not found. */
  missing: boolean;
  stdout: string;
  /** stdout and stderr interleaved, for messages. */
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; onLine?: (line: string) => void }): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Not spawn's own timeout: its timer outlives a command that was not found and holds the process open.
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const finish = (ran: Ran) => {
      clearTimeout(timer);
      resolve(ran);
    };
    let stdout = '';
    let output = '';
    let partialLine = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
      const lines = (partialLine + chunk).split('\n');
      partialLine = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, missing: error.code === 'ENOENT', stdout, output: `${output}${error.message}` }));
    child.once('close', (code, signal) => finish({ ok: code === 0, missing: false, stdout, output: signal ? `${output}\n(stopped by ${signal})` : output }));
  });
}

function displayPath(directory: string): string {
  const inProject = relative(PROJECT_ROOT, directory);
  return inProject.startsWith('..') || isAbsolute(inProject) ? directory : inProject;
}

export function describeToolchain(toolchain: PythonToolchain): string {
  const origin = toolchain.origin === 'project' ? 'the project virtual environment' : "this machine's python3";
  return `python: ${toolchain.python} (${origin}) with moto ${toolchain.moto}, cfn-lint ${toolchain.cfnLint.version} (${toolchain.cfnLint.command})`;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  try {
    console.log(describeToolchain(await setUpPythonToolchain({ mayInstall: !values.check })));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
