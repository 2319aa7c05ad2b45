/**
 * The local AWS emits "Step Functions Execution Status Change" events as AWS does (moto fix 16), and a stopped
 * execution is ABORTED (fix 15): checked on real executions through a rule with a Lambda target.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { findFreePort, startMoto, type MotoServer } from '../../../local/moto/server.ts';
import { startLocalRuntime, type LocalRuntime } from '../../../local/runtime/proxy.ts';
import { parseExecutionStatusChange } from '../../../functions/deploy/domain/execution-end.ts';
import { EXECUTION_ABORTED_SAMPLE } from '../../fixtures/sfn-events.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/harbormaster-test`;

let moto: MotoServer;
let runtime: LocalRuntime;
let sfn: SFNClient;
let events: EventBridgeClient;
const received: Array<Record<string, unknown>> = [];

before(async () => {
  const motoPort = await findFreePort();
  runtime = await startLocalRuntime({
    upstream: `http://127.0.0.1:${motoPort}`,
    functions: {
      resolve: async (name) => {
        if (name === 'status-sink') return async (event: unknown) => void received.push(event as Record<string, unknown>);
        // Takes a task token and never answers: the execution waits until stopped.
        if (name === 'token-sink') return async () => ({});
        return undefined;
      },
    },
  });
  moto = await startMoto({ port: motoPort, callbackPort: runtime.port });
  const config = { endpoint: runtime.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  sfn = new SFNClient(config);
  events = new EventBridgeClient(config);
});

after(async () => {
  sfn?.destroy();
  events?.destroy();
  await runtime?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await runtime.idle();
  runtime.reset();
  await moto.reset();
  received.length = 0;
  await events.send(new PutRuleCommand({ Name: 'sfn-status', EventPattern: JSON.stringify({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'sfn-status', Targets: [{ Id: 'sink', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:status-sink` }] }));
});

let counter = 0;
async function run(definition: object, input = '{"n":1}'): Promise<{ stateMachineArn: string; executionArn: string }> {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: `status-${++counter}`, definition: JSON.stringify(definition), roleArn: ROLE }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${counter}`, input }));
  assert.ok(stateMachineArn && executionArn);
  return { stateMachineArn, executionArn };
}

async function ended(executionArn: string): Promise<string> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return status ?? '';
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${executionArn} still RUNNING`);
}

const statusesOf = (executionArn: string) =>
  received.filter((event) => (event['detail'] as { executionArn: string }).executionArn === executionArn).map((event) => (event['detail'] as { status: string }).status);

describe('Step Functions Execution Status Change events', () => {
  it('RUNNING, then SUCCEEDED, in the shape AWS documents, delivered before the end is visible', async () => {
    const { stateMachineArn, executionArn } = await run({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } });
    assert.equal(await ended(executionArn), 'SUCCEEDED');
    // Without waiting for the runtime: the event reached its target before DescribeExecution showed the end.
    assert.deepEqual(statusesOf(executionArn), ['RUNNING', 'SUCCEEDED']);
    const succeeded = received.at(-1) as Record<string, unknown>;
    assert.deepEqual(Object.keys(succeeded).sort(), Object.keys(EXECUTION_ABORTED_SAMPLE).sort(), 'the envelope AWS sends');
    assert.deepEqual(Object.keys(succeeded['detail'] as object).sort(), Object.keys(EXECUTION_ABORTED_SAMPLE.detail).sort(), 'the detail AWS sends');
    assert.equal(succeeded['source'], 'aws.states');
    assert.deepEqual(succeeded['resources'], [executionArn]);
    const detail = succeeded['detail'] as Record<string, unknown>;
    assert.equal(detail['stateMachineArn'], stateMachineArn);
    assert.equal(detail['name'], `run-${counter}`);
    assert.equal(detail['input'], '{"n":1}');
    assert.equal(detail['output'], '{"ok":true}');
    assert.ok(typeof detail['startDate'] === 'number' && typeof detail['stopDate'] === 'number' && detail['stopDate'] >= detail['startDate']);
    assert.equal(parseExecutionStatusChange(succeeded).status, 'SUCCEEDED');
  });

  it('FAILED for a Fail state', async () => {
    const { executionArn } = await run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'on purpose' } } });
    assert.equal(await ended(executionArn), 'FAILED');
    await runtime.idle();
    assert.deepEqual(statusesOf(executionArn), ['RUNNING', 'FAILED']);
  });

  it('ABORTED for StopExecution, in a Wait inside a Map (moto said FAILED) and in a wait for a task token', async () => {
    const inMap = await run({
      StartAt: 'Steps',
      States: { Steps: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1, ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }, End: true } },
    }, '{"items":[1]}');
    const onToken = await run({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Arguments: { FunctionName: 'token-sink', Payload: { token: '{% $states.context.Task.Token %}' } }, QueryLanguage: 'JSONata', End: true } },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const { executionArn } of [inMap, onToken]) {
      await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'by hand' }));
      assert.equal(await ended(executionArn), 'ABORTED');
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      assert.equal(history.events?.at(-1)?.type, 'ExecutionAborted');
    }
    await runtime.idle();
    assert.deepEqual(statusesOf(inMap.executionArn), ['RUNNING', 'ABORTED']);
    assert.deepEqual(statusesOf(onToken.executionArn), ['RUNNING', 'ABORTED']);
  });
});
