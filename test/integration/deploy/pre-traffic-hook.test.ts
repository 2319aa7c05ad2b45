import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { createBlueGreenService, productionWeights, routeWeights, taskSets, type BlueGreenService } from '../../../local/sample-blue-green.ts';
import { assertRolledBack, deployOnPush } from './blue-green-support.ts';
import { useDeployedStack } from '../support.ts';

/**
 * The deploy's pre-traffic hook (functions/deploy/app/blue-green-workflow.ts preTraffic): with the test listener on
 * green and production still on blue, a Lambda is invoked or an HTTPS URL is fetched; its verdict lets the deploy go
 * on to production or rolls it back with the hook's answer as the reason.
 */

const stack = useDeployedStack();
const HOOK_FUNCTION = 'harbormaster-hook-smoke';

/** What the hook saw: its request, and where traffic stood while it ran. */
interface HookCall {
  request: unknown;
  production: Record<string, number>;
  test: Record<string, number>;
}

async function hookedService(preTrafficHook: { lambda: string } | { url: string }): Promise<BlueGreenService> {
  return createBlueGreenService(stack.aws.clientConfig, { withTestListener: true, deploy: { preTrafficHook } });
}

async function trafficNow(target: BlueGreenService): Promise<Omit<HookCall, 'request'>> {
  return { production: await productionWeights(target), test: await routeWeights(target, { listenerArn: target.testListenerArn ?? '' }) };
}

/** Production and test traffic on green, blue deleted. */
async function assertDeployed(target: BlueGreenService): Promise<void> {
  assert.deepEqual(await productionWeights(target), { blue: 0, green: 100 });
  const [green, ...others] = await taskSets(target);
  assert.deepEqual(others, [], 'blue is deleted');
  assert.equal(green?.status, 'PRIMARY');
}

const CHECKED_ON_GREEN_ONLY = { production: { blue: 100, green: 0 }, test: { blue: 0, green: 100 } };

describe('pre-traffic hook as a Lambda function', () => {
  it('passes: invoked with the deployment and green task set while only the test listener is on green; the deploy goes on', async () => {
    const target = await hookedService({ lambda: HOOK_FUNCTION });
    const calls: HookCall[] = [];
    stack.aws.registerFunction(HOOK_FUNCTION, async (request) => {
      calls.push({ request, ...(await trafficNow(target)) });
      return { passed: true };
    });

    const { result, deployment, stepNames } = await deployOnPush(stack, target);
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.deepEqual(stepNames, ['register-revision', 'green-stable', 'pre-traffic', 'traffic-100', 'promote']);
    await assertDeployed(target);
    assert.equal(calls.length, 1, 'the hook ran once');
    const [call] = calls;
    assert.deepEqual({ production: call?.production, test: call?.test }, CHECKED_ON_GREEN_ONLY);
    assert.deepEqual(call?.request, {
      deploymentId: deployment.deploymentId,
      cluster: target.cluster,
      service: target.service,
      greenTaskSetArn: deployment['greenTaskSetArn'],
      testListener: { listenerArn: target.testListenerArn },
    });
  });

  it('fails by its answer: the deploy rolls back with the answer as the reason', async () => {
    const target = await hookedService({ lambda: HOOK_FUNCTION });
    stack.aws.registerFunction(HOOK_FUNCTION, async () => ({ passed: false, reason: 'GET /health on the test listener answered 503' }));

    const { result } = await deployOnPush(stack, target);
    assert.equal(result.error, 'DeploymentRolledBack', JSON.stringify(result));
    await assertRolledBack(stack, target, /^PreTrafficCheckFailedError: Pre-traffic check failed: .*GET \/health on the test listener answered 503/);
    assert.deepEqual(await routeWeights(target, { listenerArn: target.testListenerArn ?? '' }), { blue: 100, green: 0 }, 'the test listener is back on blue');
  });

  it('fails by throwing: the deploy rolls back with the function error as the reason', async () => {
    const target = await hookedService({ lambda: HOOK_FUNCTION });
    stack.aws.registerFunction(HOOK_FUNCTION, async () => {
      throw new TypeError('smoke test crashed');
    });

    const { result } = await deployOnPush(stack, target);
    assert.equal(result.error, 'DeploymentRolledBack', JSON.stringify(result));
    await assertRolledBack(stack, target, /^PreTrafficCheckFailedError: Pre-traffic check failed: harbormaster-hook-smoke failed: .*"errorType":"TypeError".*smoke test crashed/);
  });
});

describe('pre-traffic hook as an HTTPS endpoint (self-signed, on loopback)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'hook-tls-'));
  const defaultAuthorities = tls.getCACertificates('default');
  let server: Server;
  let url: string;
  let answer = 200;
  const requests: Array<{ method: string; path: string; during: Omit<HookCall, 'request'> | undefined }> = [];
  let target: BlueGreenService | undefined;

  before(async () => {
    // The endpoint's certificate is issued for 127.0.0.1 and trusted by this process (where the local runtime runs the
    // deploy Lambda), as a real endpoint's certificate is trusted through a public CA: no verification is switched off.
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(directory, 'key.pem'), '-out', join(directory, 'cert.pem'),
    ]); // prettier-ignore
    const cert = readFileSync(join(directory, 'cert.pem'), 'utf8');
    tls.setDefaultCACertificates([...defaultAuthorities, cert]);
    server = createServer({ key: readFileSync(join(directory, 'key.pem')), cert }, (request, response) => {
      void (async () => {
        requests.push({ method: request.method ?? '', path: request.url ?? '', during: target && (await trafficNow(target)) });
        response.writeHead(answer).end();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ready`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    tls.setDefaultCACertificates(defaultAuthorities);
    rmSync(directory, { recursive: true, force: true });
  });

  it('passes with a 2xx: fetched once while only the test listener is on green; the deploy goes on', async () => {
    answer = 200;
    requests.length = 0;
    target = await hookedService({ url });

    const { result } = await deployOnPush(stack, target);
    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    await assertDeployed(target);
    assert.deepEqual(requests, [{ method: 'GET', path: '/ready', during: CHECKED_ON_GREEN_ONLY }]);
  });

  it('fails with a 5xx: the deploy rolls back with the status as the reason', async () => {
    answer = 503;
    requests.length = 0;
    target = await hookedService({ url });

    const { result } = await deployOnPush(stack, target);
    assert.equal(result.error, 'DeploymentRolledBack', JSON.stringify(result));
    await assertRolledBack(stack, target, new RegExp(`^PreTrafficCheckFailedError: Pre-traffic check failed: GET ${url.replace(/[.]/g, '\\.')} answered 503$`));
    assert.equal(requests.length, 1);
  });
});
