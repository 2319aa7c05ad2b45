import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { findFreePort, startMoto, type MotoServer } from '../../../local/moto/server.ts';
import { startLocalRuntime, type LambdaHandler, type LocalRuntime } from '../../../local/runtime/proxy.ts';
import { dumpExecutionHistories, machineCoverage, readDumpedExecutions } from '../../../scripts/asl-coverage.ts';
import type { AslMachine } from '../../../scripts/state-machines.ts';

/**
 * The ASL coverage report (scripts/asl-coverage.ts) reads real execution histories of the local AWS: which Choice rules
 * and Catch entries were taken, also inside a Map and after retries, and which were not.
 */

class RouteNotFoundError extends Error {
  override readonly name = 'RouteNotFoundError';
}
class InnerStepError extends Error {
  override readonly name = 'InnerStepError';
}

/** route: answers { go } from its input, or throws RouteNotFoundError; inner: throws InnerStepError once asked to. */
const functions = new Map<string, LambdaHandler>([
  [
    'route',
    async (event) => {
      const { go } = event as { go: string };
      if (go === 'nowhere') throw new RouteNotFoundError('no route');
      return { go };
    },
  ],
  [
    'inner',
    async (event) => {
      if ((event as { fail: boolean }).fail) throw new InnerStepError('inner step failed');
      return {};
    },
  ],
]);

const lambda = (name: string, payload: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: name, Payload: payload } });

const MACHINE: AslMachine = {
  QueryLanguage: 'JSONata',
  StartAt: 'Route',
  States: {
    Route: {
      ...lambda('route', '{% $states.input %}'),
      Output: '{% $merge([$states.input, $states.result.Payload]) %}',
      Retry: [{ ErrorEquals: ['RouteNotFoundError'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [
        { ErrorEquals: ['RouteNotFoundError'], Next: 'NoRoute' },
        { ErrorEquals: ['States.ALL'], Next: 'Broken' },
      ],
      Next: 'Which',
    },
    Which: {
      Type: 'Choice',
      Choices: [
        { Condition: "{% $states.input.go = 'a' %}", Next: 'Steps' },
        { Condition: "{% $states.input.go = 'b' %}", Next: 'B' },
      ],
      Default: 'Elsewhere',
    },
    Steps: {
      Type: 'Map',
      Items: '{% [$states.input.fail] %}',
      ItemProcessor: { StartAt: 'Inner', States: { Inner: { ...lambda('inner', "{% {'fail': $states.input} %}"), End: true } } },
      Catch: [{ ErrorEquals: ['InnerStepError'], Next: 'StepsFailed' }],
      End: true,
    },
    B: { Type: 'Succeed' },
    Elsewhere: { Type: 'Succeed' },
    NoRoute: { Type: 'Succeed' },
    Broken: { Type: 'Fail' },
    StepsFailed: { Type: 'Succeed' },
  },
} as unknown as AslMachine;

let moto: MotoServer;
let runtime: LocalRuntime;
let sfn: SFNClient;
const dumps = mkdtempSync(join(tmpdir(), 'asl-coverage-'));

before(async () => {
  const motoPort = await findFreePort();
  runtime = await startLocalRuntime({ upstream: `http://127.0.0.1:${motoPort}`, functions: { resolve: async (name) => functions.get(name) } });
  moto = await startMoto({ port: motoPort, callbackPort: runtime.port });
  sfn = new SFNClient({ endpoint: runtime.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});

after(async () => {
  sfn?.destroy();
  await runtime?.stop();
  await moto?.stop();
  rmSync(dumps, { recursive: true, force: true });
});

async function runToEnd(stateMachineArn: string, input: unknown): Promise<string> {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return status ?? '';
    await sleep(25);
  }
}

describe('the ASL coverage report', () => {
  it('names the Choice rules and Catch entries the executions took, inside a Map and after retries too, and no others', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'coverage-probe', definition: JSON.stringify(MACHINE), roleArn: 'arn:aws:iam::123456789012:role/probe' }),
    );
    assert.deepEqual(
      [await runToEnd(stateMachineArn ?? '', { go: 'a', fail: false }), await runToEnd(stateMachineArn ?? '', { go: 'a', fail: true }), await runToEnd(stateMachineArn ?? '', { go: 'nowhere' })],
      ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'],
    );
    await dumpExecutionHistories(sfn, dumps);

    const coverage = machineCoverage(MACHINE, readDumpedExecutions(dumps));
    const label = (branch: { state: string; kind: string; index: number; next: string }) => `${branch.state} ${branch.kind} ${branch.index} → ${branch.next}`;
    assert.equal(coverage.executions, 3);
    assert.deepEqual(coverage.branches.filter((branch) => coverage.taken.has(branch)).map(label), ['Route catch 1 → NoRoute', 'Which rule 1 → Steps', 'Steps catch 1 → StepsFailed']);
    assert.deepEqual(coverage.branches.filter((branch) => !coverage.taken.has(branch)).map(label), ['Route catch 2 → Broken', 'Which rule 2 → B', 'Which default 0 → Elsewhere']);
    assert.equal(coverage.ambiguous.size, 0);
  });
});
