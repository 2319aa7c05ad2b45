import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../scripts/serverless-functions.ts';

/** The README's first command: `npm start` deploys with the real osls and shows what was ingested. */

const run = promisify(execFile);

describe('npm start', () => {
  it('deploys serverless.yml with osls into the local AWS, prints the recorded state and a deploy on push', async () => {
    const { stdout } = await run(process.execPath, ['local/start.ts', '--once', '--stage', 'e2e'], { cwd: PROJECT_ROOT, timeout: 180_000, maxBuffer: 8 * 1024 * 1024 });
    assert.match(stdout, /Deploying serverless\.yml \(stage e2e\) with osls deploy/);
    assert.match(stdout, /deployed in \d+\.\d s/);
    assert.match(stdout, /'STOPPED' │ 6 +│ 'UserInitiated'/, 'the stopped task at its last version');
    assert.match(stdout, /'STOPPED' │ 5 +│ 'EssentialContainerExited'/, 'the crashed task');
    assert.match(stdout, /'web' +│ 'v1\.0\.0'/, 'the pushed image tag');
    assert.match(stdout, /detail\.clusterArn must be a non-empty string/, 'the rejected event and why');
    assert.match(stdout, /'task-failed' │ 'Task web:1 in cluster demo failed: EssentialContainerExited/, 'the failure announcement');
    assert.match(stdout, /Deployment shop-[0-9a-f]+: SUCCEEDED \(execution SUCCEEDED\)/, 'the deploy the push triggered');
    assert.match(stdout, /'traffic-25' +│ 'SUCCEEDED' │ 25/, 'the canary step');
    assert.match(stdout, /Production weights \{"blue":0,"green":100\}; task sets now: PRIMARY shop:2/, 'green serves everything');
  });

  it('explains itself with --help', async () => {
    const { stdout } = await run(process.execPath, ['local/start.ts', '--help'], { cwd: PROJECT_ROOT });
    assert.match(stdout, /Usage: npm start/);
    assert.match(stdout, /--once/);
  });
});
