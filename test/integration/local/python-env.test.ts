import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { setUpPythonToolchain, type SetUpOptions } from '../../../local/python-env.ts';
import { missingPythonMessage, PIP_REQUIREMENTS, PYTHON_PINS } from '../../../local/python-env-plan.ts';

/**
 * A machine without moto, simulated by a fake python3 first on PATH: it answers the probe like a bare Python 3.11 and
 * its `-m venv` creates a venv whose pip records its arguments and "installs" the versions it was asked for, which the
 * venv's python then reports. The real probe script runs against this machine's python3 in the last test.
 */

const run = promisify(execFile);

const FAKE_PYTHON3 = `#!/bin/sh
# python3 3.11 without moto: answers the probe, creates a virtual environment.
PATH=/usr/bin:/bin
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  echo "python3 $*" >> "$FAKE_LOG"
  if [ -n "$FAKE_NO_ENSUREPIP" ]; then
    echo "The virtual environment was not created successfully because ensurepip is not"
    echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv"
    echo "package using the following command."
    echo
    echo "    apt install python3.11-venv"
    exit 1
  fi
  for directory; do :; done
  mkdir -p "$directory/bin" && cp "$(dirname "$0")/../venv-template/"* "$directory/bin/"
  exit
fi
printf '{"executable":"%s","version":"3.11.2","moto":null,"cfnLint":null,"motoServer":false,"cfnLintScript":null}\\n' "$0"
`;

const FAKE_VENV_PYTHON = `#!/bin/sh
# The venv's python: reports what pip installed (bin/installed holds "<moto> <cfn-lint>").
PATH=/usr/bin:/bin
bin=$(dirname "$0")
moto=null cfnlint=null server=false script=null
if [ -f "$bin/installed" ]; then
  read m c < "$bin/installed"
  moto="\\"$m\\"" cfnlint="\\"$c\\"" server=true script="\\"$bin/cfn-lint\\""
fi
printf '{"executable":"%s","version":"3.11.2","moto":%s,"cfnLint":%s,"motoServer":%s,"cfnLintScript":%s}\\n' "$0" "$moto" "$cfnlint" "$server" "$script"
`;

const FAKE_PIP = `#!/bin/sh
# pip: records its arguments, installs the moto and cfn-lint versions it is asked for (or fails like pip offline).
PATH=/usr/bin:/bin
echo "pip $*" >> "$FAKE_LOG"
if [ -n "$FAKE_PIP_OFFLINE" ]; then
  echo "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution': /simple/moto/" >&2
  echo "ERROR: Could not find a version that satisfies the requirement moto[server]==5.2.1 (from versions: none)" >&2
  echo "ERROR: No matching distribution found for moto[server]==5.2.1" >&2
  exit 1
fi
for requirement; do
  case "$requirement" in
    "moto[server]=="*) moto=\${requirement#*==} ;;
    cfn-lint==*) cfnlint=\${requirement#*==} ;;
  esac
done
echo "Collecting moto[server]==$moto"
echo "  Downloading moto-$moto-py3-none-any.whl (5.3 MB)"
echo "Collecting cfn-lint==$cfnlint"
echo "Successfully installed cfn-lint-$cfnlint moto-$moto"
echo "$moto $cfnlint" > "$(dirname "$0")/installed"
`;

const root = mkdtempSync(join(tmpdir(), 'python-env-'));
after(() => rmSync(root, { recursive: true, force: true }));

let machine: string;
let venv: string;
let log: string;
let progress: string[];

beforeEach(() => {
  machine = mkdtempSync(join(root, 'machine-'));
  venv = join(machine, 'project', '.local', 'python');
  log = join(machine, 'calls.log');
  progress = [];
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, 0o755);
  };
  write(join(machine, 'bin', 'python3'), FAKE_PYTHON3);
  write(join(machine, 'venv-template', 'python'), FAKE_VENV_PYTHON);
  write(join(machine, 'venv-template', 'pip'), FAKE_PIP);
  writeFileSync(log, '');
});

/** Sets up on the fake machine: only its bin/ is on PATH. */
const setUp = (env: NodeJS.ProcessEnv = {}, options: SetUpOptions = {}) =>
  setUpPythonToolchain({ directory: venv, env: { PATH: join(machine, 'bin'), FAKE_LOG: log, ...env }, progress: (line) => progress.push(line), ...options });
const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
const PIP_CALL = `pip install --disable-pip-version-check --no-input ${PIP_REQUIREMENTS.join(' ')}`;

const projectToolchain = () => ({
  origin: 'project',
  python: join(venv, 'bin', 'python'),
  moto: PYTHON_PINS.moto,
  cfnLint: { command: join(venv, 'bin', 'cfn-lint'), version: PYTHON_PINS.cfnLint },
});

describe('setting up the Python tools', () => {
  it('on a machine without moto, creates the venv, pip installs the pins, then uses the venv (once)', async () => {
    assert.deepEqual(await setUp(), projectToolchain());
    assert.deepEqual(calls(), [`python3 -m venv ${venv}`, PIP_CALL]);
    assert.equal(PIP_CALL, `pip install --disable-pip-version-check --no-input moto[server]==${PYTHON_PINS.moto} cfn-lint==${PYTHON_PINS.cfnLint}`);
    assert.deepEqual(progress, [
      `Setting up moto ${PYTHON_PINS.moto} and cfn-lint ${PYTHON_PINS.cfnLint} in ${venv} (one time, ~1 min)…`,
      `  ${join(machine, 'bin', 'python3')} -m venv ${venv}`,
      `  pip install ${PIP_REQUIREMENTS.join(' ')}`,
      `    Collecting moto[server]==${PYTHON_PINS.moto}`,
      `    Collecting cfn-lint==${PYTHON_PINS.cfnLint}`,
      `    Successfully installed cfn-lint-${PYTHON_PINS.cfnLint} moto-${PYTHON_PINS.moto}`,
    ]);

    assert.deepEqual(await setUp(), projectToolchain(), 'the next run finds the venv');
    assert.equal(calls().length, 2, 'nothing installed again');
  });

  it('installs once when several processes set up at the same time', async () => {
    const toolchains = await Promise.all([setUp(), setUp(), setUp()]);
    for (const toolchain of toolchains) assert.deepEqual(toolchain, projectToolchain());
    assert.deepEqual(calls(), [`python3 -m venv ${venv}`, PIP_CALL]);
  });

  it('passes on pip’s output when pip fails (offline), and the next run reuses the venv', async () => {
    await assert.rejects(setUp({ FAKE_PIP_OFFLINE: '1' }), (error: Error) => {
      assert.match(error.message, new RegExp(`^pip could not install moto\\[server\\]==${PYTHON_PINS.moto} cfn-lint==${PYTHON_PINS.cfnLint} into ${venv}:\n`));
      assert.match(error.message, /Temporary failure in name resolution[^]*ERROR: No matching distribution found for moto\[server\]==5\.2\.1\nIs PyPI reachable\?/);
      return true;
    });
    assert.deepEqual(await setUp(), projectToolchain());
    assert.deepEqual(calls(), [`python3 -m venv ${venv}`, PIP_CALL, PIP_CALL]);
  });

  it('says to install python3-venv when Debian’s python3 cannot create a venv', async () => {
    await assert.rejects(setUp({ FAKE_NO_ENSUREPIP: '1' }), (error: Error) => {
      assert.match(error.message, /ensurepip is not\navailable/);
      assert.match(error.message, /has no working venv module\. Install it: sudo apt install python3-venv/);
      return true;
    });
    assert.deepEqual(calls(), [`python3 -m venv ${venv}`]);
  });

  it('says what to install when python3 is missing', async () => {
    const empty = join(machine, 'empty');
    mkdirSync(empty);
    await assert.rejects(setUp({ PATH: empty }), { message: missingPythonMessage(process.platform) });
    assert.equal(existsSync(venv), false);
  });

  it('with installs refused (.ci/run --check), reports what is missing and installs nothing', async () => {
    await assert.rejects(setUp({}, { mayInstall: false }), {
      message: `No Python here has moto[server] ${PYTHON_PINS.moto} and cfn-lint: ${venv}: absent; python3 (${join(machine, 'bin', 'python3')}, Python 3.11.2): no moto, no cfn-lint. Run \`node local/python-env.ts\` (npm start and npm test run it) to set them up in ${venv}.`,
    });
    assert.deepEqual(calls(), []);
  });

  it('on this machine, whose python3 has moto, installs nothing and uses that python3', async (t) => {
    const directory = join(root, 'unused-venv');
    const toolchain = await setUpPythonToolchain({ directory, mayInstall: false }).catch(() => undefined);
    if (!toolchain) {
      t.skip(`this machine's python3 has no moto ${PYTHON_PINS.moto} and cfn-lint (the fake machine above covers installing)`);
      return;
    }
    assert.equal(toolchain.origin, 'machine');
    assert.equal(existsSync(directory), false, 'no venv created');
    const { stdout: moto } = await run(toolchain.python, ['-c', 'import moto, moto.server; print(moto.__version__)']);
    assert.equal(moto.trim(), PYTHON_PINS.moto);
    const { stdout: cfnLint } = await run(toolchain.cfnLint.command, ['--version']);
    assert.equal(cfnLint.trim(), `cfn-lint ${toolchain.cfnLint.version}`);
  });
});
