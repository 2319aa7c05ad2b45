/**
 * Which Python runs moto and cfn-lint, decided from what the interpreters report: the project's virtual environment
 * (.local/python) when it has the pinned versions, else the machine's python3 when it has them, else the virtual
 * environment is (re)installed with pip. Pure: local/python-env.ts probes and installs.
 */

/** The one place the Python tools are pinned; local/moto/launch.py's fixes are written for this moto. */
export const PYTHON_PINS = { moto: '5.2.1', cfnLint: '1.51.0' } as const;
/** What pip installs into the project's virtual environment. */
export const PIP_REQUIREMENTS = [`moto[server]==${PYTHON_PINS.moto}`, `cfn-lint==${PYTHON_PINS.cfnLint}`];
/** moto 5.2.1 and cfn-lint 1.51.0 declare Requires-Python >=3.10. */
export const MINIMUM_PYTHON = '3.10';

/** What one interpreter says about itself (the probe script's JSON line). */
export interface InterpreterReport {
  /** sys.executable: the real binary behind a pyenv shim, the venv's own python inside a venv. */
  executable: string;
  version: string;
  /** Installed distribution versions; null when not installed. */
  moto: string | null;
  cfnLint: string | null;
  /** moto's server extras (flask, flask-cors) are importable. */
  motoServer: boolean;
  /** The cfn-lint console script beside this interpreter, when there is one. */
  cfnLintScript: string | null;
}

export type InterpreterProbe =
  | { status: 'absent' }
  | { status: 'broken'; output: string }
  | { status: 'ok'; report: InterpreterReport };

export interface Probes {
  /** .local/python's interpreter; absent when the directory does not exist. */
  project?: InterpreterProbe;
  /** python3 on PATH. */
  machine?: InterpreterProbe;
  /** Version printed by `cfn-lint --version` on PATH; null when there is none. */
  pathCfnLint?: string | null;
}

export interface PythonToolchain {
  origin: 'project' | 'machine';
  /** Runs local/moto/launch.py. */
  python: string;
  moto: string;
  cfnLint: { command: string; version: string };
}

export type Step =
  | { kind: 'probe'; what: keyof Probes }
  | { kind: 'use'; toolchain: PythonToolchain }
  /** `base` creates the virtual environment (emptying a broken one when `clear`); without it pip reuses the existing one. */
  | { kind: 'install'; base?: string; clear: boolean }
  | { kind: 'fail'; message: string };

export interface PlanOptions {
  /** false: report what is missing instead of installing (CI checks its machine image). */
  mayInstall: boolean;
  platform: NodeJS.Platform;
  /** How the virtual environment is named in messages, e.g. `.local/python`. */
  venvName: string;
}

/** The next thing to do given what is known so far; probes are asked for one at a time, only when needed. */
export function nextStep(probes: Probes, options: PlanOptions): Step {
  if (!probes.project) return { kind: 'probe', what: 'project' };
  const project = probes.project.status === 'ok' ? probes.project.report : undefined;
  if (project && hasPinnedMoto(project) && project.cfnLint === PYTHON_PINS.cfnLint && project.cfnLintScript) {
    return use('project', project, project.cfnLintScript, project.cfnLint);
  }

  if (!probes.machine) return { kind: 'probe', what: 'machine' };
  const machine = probes.machine.status === 'ok' ? probes.machine.report : undefined;
  if (machine && hasPinnedMoto(machine)) {
    if (machine.cfnLintScript && machine.cfnLint) return use('machine', machine, machine.cfnLintScript, machine.cfnLint);
    if (probes.pathCfnLint === undefined) return { kind: 'probe', what: 'pathCfnLint' };
    if (probes.pathCfnLint !== null) return use('machine', machine, 'cfn-lint', probes.pathCfnLint);
  }

  if (!options.mayInstall) {
    return {
      kind: 'fail',
      message: `No Python here has moto[server] ${PYTHON_PINS.moto} and cfn-lint: ${describeProbes(probes, options.venvName)}. Run \`node local/python-env.ts\` (npm start and npm test run it) to set them up in ${options.venvName}.`,
    };
  }
  const reusable = project && isAtLeast(project.version, MINIMUM_PYTHON);
  if (reusable) return { kind: 'install', clear: false };
  switch (probes.machine.status) {
    case 'absent':
      return { kind: 'fail', message: missingPythonMessage(options.platform) };
    case 'broken':
      return { kind: 'fail', message: `python3 on PATH did not run:\n${probes.machine.output.trim()}\n${installPythonHint(options.platform)}` };
    case 'ok':
      if (!isAtLeast(probes.machine.report.version, MINIMUM_PYTHON)) {
        return {
          kind: 'fail',
          message: `python3 on PATH is Python ${probes.machine.report.version} (${probes.machine.report.executable}); moto ${PYTHON_PINS.moto} needs Python ${MINIMUM_PYTHON} or newer. ${installPythonHint(options.platform)}`,
        };
      }
      return { kind: 'install', base: probes.machine.report.executable, clear: probes.project.status !== 'absent' };
  }
}

function use(origin: PythonToolchain['origin'], report: InterpreterReport, command: string, cfnLintVersion: string): Step {
  return { kind: 'use', toolchain: { origin, python: report.executable, moto: PYTHON_PINS.moto, cfnLint: { command, version: cfnLintVersion } } };
}

function hasPinnedMoto(report: InterpreterReport): boolean {
  return report.moto === PYTHON_PINS.moto && report.motoServer;
}

export function isAtLeast(version: string, minimum: string): boolean {
  const parts = version.split('.').map(Number);
  const wanted = minimum.split('.').map(Number);
  for (const [index, part] of wanted.entries()) {
    const have = parts[index] ?? 0;
    if (have !== part) return have > part;
  }
  return true;
}

/** What each interpreter has, for messages: `.local/python: absent; python3 (/usr/bin/python3, Python 3.11.2): moto 5.1.0, no cfn-lint`. */
export function describeProbes(probes: Probes, venvName: string): string {
  const describe = (name: string, probe: InterpreterProbe | undefined): string | undefined => {
    if (!probe) return undefined;
    if (probe.status === 'absent') return `${name}: absent`;
    if (probe.status === 'broken') return `${name}: does not run (${probe.output.trim().split('\n').at(-1) ?? 'no output'})`;
    const { report } = probe;
    const moto = report.moto ? `moto ${report.moto}${report.motoServer ? '' : ' without its server extras'}` : 'no moto';
    const cfnLint = report.cfnLint ? `cfn-lint ${report.cfnLint}` : 'no cfn-lint';
    return `${name} (${report.executable}, Python ${report.version}): ${moto}, ${cfnLint}`;
  };
  const pathCfnLint = probes.pathCfnLint === undefined ? undefined : `cfn-lint on PATH: ${probes.pathCfnLint ?? 'none'}`;
  return [describe(venvName, probes.project), describe('python3', probes.machine), pathCfnLint].filter(Boolean).join('; ');
}

function installPythonHint(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'linux':
      return `Install Python ${MINIMUM_PYTHON}+ with its venv module: sudo apt install python3 python3-venv (Debian, Ubuntu), sudo dnf install python3 (Fedora), or see https://www.python.org/downloads/.`;
    case 'darwin':
      return `Install Python ${MINIMUM_PYTHON}+: brew install python, or the installer from https://www.python.org/downloads/macos/.`;
    default:
      return `Install Python ${MINIMUM_PYTHON}+ from https://www.python.org/downloads/ and put python3 on PATH.`;
  }
}

export function missingPythonMessage(platform: NodeJS.Platform): string {
  return `python3 is not on PATH: the local AWS runs moto ${PYTHON_PINS.moto} and the packaging check runs cfn-lint, both Python tools. ${installPythonHint(platform)} Then run the command again.`;
}

/** `python3 -m venv` failed: Debian and Ubuntu ship the venv module (with ensurepip) separately. */
export function venvFailedMessage(base: string, output: string, platform: NodeJS.Platform): string {
  const hint = /ensurepip|No module named venv/.test(output)
    ? `${base} has no working venv module. ${platform === 'linux' ? 'Install it: sudo apt install python3-venv (Debian, Ubuntu; the output above names the exact package).' : installPythonHint(platform)}`
    : installPythonHint(platform);
  return `${base} -m venv could not create the virtual environment:\n${tail(output)}\n${hint}`;
}

export function pipFailedMessage(venvName: string, output: string): string {
  return `pip could not install ${PIP_REQUIREMENTS.join(' ')} into ${venvName}:\n${tail(output)}\nIs PyPI reachable? Behind a proxy set HTTPS_PROXY, or PIP_INDEX_URL for a mirror; then run the command again.`;
}

const TAIL_LINES = 40;

function tail(output: string): string {
  return output.trim().split('\n').slice(-TAIL_LINES).join('\n');
}
