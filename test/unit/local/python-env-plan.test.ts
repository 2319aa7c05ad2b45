import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isAtLeast,
  missingPythonMessage,
  nextStep,
  pipFailedMessage,
  PYTHON_PINS,
  venvFailedMessage,
  type InterpreterProbe,
  type InterpreterReport,
  type PlanOptions,
  type Probes,
  type Step,
} from '../../../local/python-env-plan.ts';

const VENV = '/repo/.local/python/bin';
const options: PlanOptions = { mayInstall: true, platform: 'linux', venvName: '.local/python' };

const ok = (report: Partial<InterpreterReport>): InterpreterProbe => ({
  status: 'ok',
  report: { executable: '/usr/bin/python3.11', version: '3.11.2', moto: null, cfnLint: null, motoServer: false, cfnLintScript: null, ...report },
});
const pinned = (bin: string): Partial<InterpreterReport> => ({
  moto: PYTHON_PINS.moto,
  motoServer: true,
  cfnLint: PYTHON_PINS.cfnLint,
  cfnLintScript: `${bin}/cfn-lint`,
});
const projectReady = ok({ executable: `${VENV}/python`, ...pinned(VENV) });
const machineBare = ok({});
const machineReady = ok(pinned('/usr/bin'));
const absent: InterpreterProbe = { status: 'absent' };

const useProject: Step = {
  kind: 'use',
  toolchain: { origin: 'project', python: `${VENV}/python`, moto: PYTHON_PINS.moto, cfnLint: { command: `${VENV}/cfn-lint`, version: PYTHON_PINS.cfnLint } },
};
const useMachine = (command: string, version: string): Step => ({
  kind: 'use',
  toolchain: { origin: 'machine', python: '/usr/bin/python3.11', moto: PYTHON_PINS.moto, cfnLint: { command, version } },
});

const table: Array<{ name: string; probes: Probes; step: Step }> = [
  { name: 'nothing known: probe the project venv first', probes: {}, step: { kind: 'probe', what: 'project' } },
  { name: 'a ready project venv is used without probing the machine', probes: { project: projectReady }, step: useProject },
  { name: 'no project venv: probe the machine', probes: { project: absent }, step: { kind: 'probe', what: 'machine' } },
  {
    name: 'a project venv with another moto: probe the machine',
    probes: { project: ok({ ...pinned(VENV), moto: '5.1.0' }) },
    step: { kind: 'probe', what: 'machine' },
  },
  { name: 'the machine python3 with both tools is used (nothing installed)', probes: { project: absent, machine: machineReady }, step: useMachine('/usr/bin/cfn-lint', PYTHON_PINS.cfnLint) },
  {
    name: 'machine moto without cfn-lint beside it: look for cfn-lint on PATH',
    probes: { project: absent, machine: ok({ moto: PYTHON_PINS.moto, motoServer: true }) },
    step: { kind: 'probe', what: 'pathCfnLint' },
  },
  {
    name: 'machine moto and a cfn-lint on PATH (any version) are used',
    probes: { project: absent, machine: ok({ moto: PYTHON_PINS.moto, motoServer: true }), pathCfnLint: '1.40.2' },
    step: useMachine('cfn-lint', '1.40.2'),
  },
  {
    name: 'machine moto but no cfn-lint anywhere: create the venv',
    probes: { project: absent, machine: ok({ moto: PYTHON_PINS.moto, motoServer: true }), pathCfnLint: null },
    step: { kind: 'install', base: '/usr/bin/python3.11', clear: false },
  },
  { name: 'a machine without moto: create the venv with its python3', probes: { project: absent, machine: machineBare }, step: { kind: 'install', base: '/usr/bin/python3.11', clear: false } },
  {
    name: 'another machine moto: create the venv',
    probes: { project: absent, machine: ok({ ...pinned('/usr/bin'), moto: '4.2.14' }) },
    step: { kind: 'install', base: '/usr/bin/python3.11', clear: false },
  },
  {
    name: 'machine moto without its server extras: create the venv',
    probes: { project: absent, machine: ok({ ...pinned('/usr/bin'), motoServer: false }) },
    step: { kind: 'install', base: '/usr/bin/python3.11', clear: false },
  },
  {
    name: 'a project venv that runs but lacks the pins: pip installs into it (even without python3 on PATH)',
    probes: { project: ok({ executable: `${VENV}/python` }), machine: absent },
    step: { kind: 'install', clear: false },
  },
  {
    name: 'a broken project venv (its Python was removed): recreate it',
    probes: { project: { status: 'broken', output: 'no bin/python' }, machine: machineBare },
    step: { kind: 'install', base: '/usr/bin/python3.11', clear: true },
  },
  {
    name: 'a project venv on a Python too old for the pins: recreate it with python3',
    probes: { project: ok({ executable: `${VENV}/python`, version: '3.9.18' }), machine: machineBare },
    step: { kind: 'install', base: '/usr/bin/python3.11', clear: true },
  },
  { name: 'no python3 at all', probes: { project: absent, machine: absent }, step: { kind: 'fail', message: missingPythonMessage('linux') } },
];

describe('nextStep', () => {
  for (const row of table) {
    it(row.name, () => assert.deepEqual(nextStep(row.probes, options), row.step));
  }

  it('refuses a python3 older than the pins need, saying what to install', () => {
    const step = nextStep({ project: absent, machine: ok({ version: '3.8.10' }) }, options);
    assert.equal(step.kind, 'fail');
    assert.match(step.kind === 'fail' ? step.message : '', /python3 on PATH is Python 3\.8\.10 \(\/usr\/bin\/python3\.11\); moto 5\.2\.1 needs Python 3\.10 or newer\. Install Python 3\.10\+/);
  });

  it('passes on the output of a python3 that does not run', () => {
    const step = nextStep({ project: absent, machine: { status: 'broken', output: 'pyenv: python3: command not found\n' } }, options);
    assert.equal(step.kind === 'fail' && step.message.split('\n')[1], 'pyenv: python3: command not found');
  });

  it('with installs refused (CI), says what each Python has instead of installing', () => {
    const step = nextStep({ project: absent, machine: ok({ moto: '5.1.0', motoServer: true }) }, { ...options, mayInstall: false });
    assert.deepEqual(step, {
      kind: 'fail',
      message:
        'No Python here has moto[server] 5.2.1 and cfn-lint: .local/python: absent; python3 (/usr/bin/python3.11, Python 3.11.2): moto 5.1.0, no cfn-lint. ' +
        'Run `node local/python-env.ts` (npm start and npm test run it) to set them up in .local/python.',
    });
  });

  it('with installs refused, still uses what is there', () => {
    assert.deepEqual(nextStep({ project: absent, machine: machineReady }, { ...options, mayInstall: false }), useMachine('/usr/bin/cfn-lint', PYTHON_PINS.cfnLint));
  });
});

describe('messages', () => {
  it('names what to install for the platform when python3 is missing', () => {
    assert.match(missingPythonMessage('linux'), /^python3 is not on PATH: .* sudo apt install python3 python3-venv \(Debian, Ubuntu\), sudo dnf install python3 \(Fedora\)/);
    assert.match(missingPythonMessage('darwin'), /brew install python, or the installer from https:\/\/www\.python\.org\/downloads\/macos\//);
    assert.match(missingPythonMessage('win32'), /from https:\/\/www\.python\.org\/downloads\/ and put python3 on PATH/);
  });

  it('points at python3-venv when Debian’s python3 has no ensurepip', () => {
    const output = 'The virtual environment was not created successfully because ensurepip is not\navailable.  On Debian/Ubuntu systems, you need to install the python3-venv\npackage using the following command.\n\n    apt install python3.11-venv\n';
    const message = venvFailedMessage('/usr/bin/python3.11', output, 'linux');
    assert.match(message, /^\/usr\/bin\/python3\.11 -m venv could not create the virtual environment:\nThe virtual environment/);
    assert.match(message, /apt install python3\.11-venv\n\/usr\/bin\/python3\.11 has no working venv module\. Install it: sudo apt install python3-venv/);
  });

  it('passes on the tail of pip’s output and says what to check', () => {
    const output = Array.from({ length: 60 }, (_, index) => `line ${index}`).join('\n');
    const message = pipFailedMessage('.local/python', output);
    assert.match(message, /^pip could not install moto\[server\]==5\.2\.1 cfn-lint==1\.51\.0 into \.local\/python:\nline 20\n/);
    assert.match(message, /line 59\nIs PyPI reachable\? Behind a proxy set HTTPS_PROXY/);
  });
});

describe('isAtLeast', () => {
  for (const [version, minimum, expected] of [
    ['3.10.0', '3.10', true],
    ['3.9.18', '3.10', false],
    ['3.12.1', '3.10', true],
    ['4.0', '3.10', true],
    ['3.10', '3.10.1', false],
  ] as const) {
    it(`${version} ≥ ${minimum}: ${expected}`, () => assert.equal(isAtLeast(version, minimum), expected));
  }
});
