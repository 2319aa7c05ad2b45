/**
 * Proves the moto start-up fixes (local/moto/launch.py) on real executions.
 * Run: npx node --test --test-concurrency=1 test/integration/moto-executor.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { CloudFormationClient, CreateStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand, ValidateTemplateCommand } from '@aws-sdk/client-cloudformation';
import { CreateClusterCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';

import { findFreePort, startMoto, type MotoServer } from '../../../local/moto/server.ts';
import { packageStack } from '../../../local/stack.ts';
import { startLocalRuntime, type LambdaHandler, type LocalRuntime } from '../../../local/runtime/proxy.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/harbormaster-test`;

// ---------------------------------------------------------------------------------------------
// The real local runtime in front of moto answers Lambda Invoke from these in-test functions,
// serves /_local/jsonata and forwards everything else to moto.
const functions = new Map<string, LambdaHandler>();

let moto: MotoServer;
let runtime: LocalRuntime;
let sfn: SFNClient;
let ecs: ECSClient;
let events: EventBridgeClient;
let cfn: CloudFormationClient;

before(async () => {
  const motoPort = await findFreePort();
  runtime = await startLocalRuntime({
    upstream: `http://127.0.0.1:${motoPort}`,
    functions: { resolve: async (name) => functions.get(name) },
  });
  moto = await startMoto({ port: motoPort, callbackPort: runtime.port });
  const config = {
    endpoint: runtime.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  sfn = new SFNClient(config);
  ecs = new ECSClient(config);
  events = new EventBridgeClient(config);
  cfn = new CloudFormationClient(config);
});

after(async () => {
  for (const client of [sfn, ecs, events, cfn]) client?.destroy();
  await runtime?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await runtime.idle();
  runtime.reset();
  await moto.reset();
  functions.clear();
});

/** `functionName:type` of every invocation the runtime answered, in order. */
function invoked(): string[] {
  return runtime.invocations.map((i) => `${i.functionName}:${i.type}`);
}

// ---------------------------------------------------------------------------------------------
let machineCounter = 0;
async function createStateMachine(definition: object, name = `sm-${++machineCounter}`): Promise<string> {
  const out = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }));
  assert.ok(out.stateMachineArn);
  return out.stateMachineArn;
}

async function waitForExecution(executionArn: string, timeoutMs = 30_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (out.status !== 'RUNNING') return out;
    if (Date.now() > deadline) throw new Error(`execution still RUNNING after ${timeoutMs} ms: ${executionArn}`);
    await sleep(25);
  }
}

async function run(stateMachineArn: string, input: unknown, name?: string): Promise<DescribeExecutionCommandOutput> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }));
  assert.ok(started.executionArn);
  return waitForExecution(started.executionArn);
}

function output(execution: DescribeExecutionCommandOutput): unknown {
  assert.equal(execution.status, 'SUCCEEDED', `execution ${execution.executionArn} ${execution.status}: ${execution.error} ${execution.cause}`);
  return JSON.parse(execution.output ?? 'null');
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const PASS_MACHINE = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'got.$': '$.n', 'name.$': '$$.Execution.Name' }, End: true } } };

// ---------------------------------------------------------------------------------------------
describe('moto Step Functions executor with launcher fixes', () => {
  it('fix 10+1: runs two named executions of one state machine in a row', async () => {
    const arn = await createStateMachine(PASS_MACHINE);
    assert.deepEqual(output(await run(arn, { n: 1 }, 'first')), { got: 1, name: 'first' });
    assert.deepEqual(output(await run(arn, { n: 2 }, 'second')), { got: 2, name: 'second' });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    assert.equal(listed.executions?.length, 2);
  });

  it('fix 2: unnamed executions get distinct UUID names', async () => {
    const arn = await createStateMachine(PASS_MACHINE);
    const a = output(await run(arn, { n: 1 })) as { name: string };
    const b = output(await run(arn, { n: 2 })) as { name: string };
    assert.match(a.name, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a.name, b.name);
  });

  it('fix 3+5: aws-sdk:ecs tasks take PascalCase parameters and return PascalCase results', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'blue' }));
    const arn = await createStateMachine({
      StartAt: 'Register',
      States: {
        Register: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:ecs:registerTaskDefinition',
          Parameters: { Family: 'web', ContainerDefinitions: [{ Name: 'app', Image: 'nginx:1', Memory: 128, Essential: true }] },
          ResultSelector: { 'Arn.$': '$.TaskDefinition.TaskDefinitionArn', 'Revision.$': '$.TaskDefinition.Revision' },
          ResultPath: '$.registered',
          Next: 'Service',
        },
        Service: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:ecs:createService',
          Parameters: { 'Cluster.$': '$.cluster', ServiceName: 'api', 'TaskDefinition.$': '$.registered.Arn', DesiredCount: 0 },
          ResultSelector: { 'Name.$': '$.Service.ServiceName', 'CreatedAt.$': '$.Service.Deployments[0].CreatedAt' },
          ResultPath: '$.service',
          Next: 'Describe',
        },
        Describe: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:ecs:describeClusters',
          Parameters: { 'Clusters.$': 'States.Array($.cluster)' },
          ResultSelector: { 'Name.$': '$.Clusters[0].ClusterName', 'Status.$': '$.Clusters[0].Status' },
          ResultPath: '$.cluster',
          End: true,
        },
      },
    });
    const execution = await run(arn, { cluster: 'blue' });
    const out = output(execution) as {
      registered: { Arn: string; Revision: number };
      service: { Name: string; CreatedAt: string };
      cluster: { Name: string; Status: string };
    };
    assert.match(out.registered.Arn, /:task-definition\/web:1$/);
    assert.equal(out.registered.Revision, 1);
    assert.equal(out.service.Name, 'api');
    assert.match(out.service.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/, 'datetimes become ISO-8601 strings');
    assert.deepEqual(out.cluster, { Name: 'blue', Status: 'ACTIVE' });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn }));
    assert.ok(history.events?.some((e) => e.type === 'TaskSucceeded'));
    const defs = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }));
    assert.equal(defs.taskDefinitionArns?.length, 1);
  });

  it('fix 4: JSONata states evaluate, and evaluation errors fail with States.QueryEvaluationError', async () => {
    const arn = await createStateMachine({
      QueryLanguage: 'JSONata',
      StartAt: 'Shape',
      States: {
        Shape: {
          Type: 'Pass',
          Assign: { tag: '{% $states.input.tag %}' },
          Output: '{% { "sum": $sum($states.input.nums), "upper": $uppercase($states.input.quote), "tag": $tag } %}',
          End: true,
        },
      },
    });
    assert.deepEqual(output(await run(arn, { nums: [1, 2, 3], quote: 'say "hi" \\o/', tag: 'v1' })), {
      sum: 6,
      upper: 'SAY "HI" \\O/',
      tag: 'v1',
    });

    const failing = await createStateMachine({
      QueryLanguage: 'JSONata',
      StartAt: 'Boom',
      States: { Boom: { Type: 'Pass', Output: '{% $notAFunction(1) %}', End: true } },
    });
    const failed = await run(failing, {});
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'States.QueryEvaluationError');
    assert.match(failed.cause ?? '', /notAFunction.*T1006/, `cause carries the JSONata error: ${failed.cause}`);
  });

  it('fix 5: a definite JSONPath with an index yields the value, wildcards a list', async () => {
    const arn = await createStateMachine({
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'one.$': '$.a[0].b', 'second.$': '$.a[1]', 'all.$': '$.a[*].b' }, End: true } },
    });
    assert.deepEqual(output(await run(arn, { a: [{ b: 1 }, { b: 2 }] })), { one: 1, second: { b: 2 }, all: [1, 2] });
  });

  it('fix 6: Lambda tasks call the local runtime; a thrown error is caught by errorType', async () => {
    class DeployError extends Error {
      override name = 'DeployError';
    }
    functions.set('double', async (event) => ({ doubled: (event as { n: number }).n * 2 }));
    functions.set('explode', async () => {
      throw new DeployError('no healthy targets');
    });
    const arn = await createStateMachine({
      StartAt: 'Double',
      States: {
        Double: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'double', 'Payload.$': '$' },
          ResultSelector: { 'value.$': '$.Payload.doubled', 'status.$': '$.StatusCode' },
          ResultPath: '$.double',
          Next: 'Legacy',
        },
        Legacy: {
          Type: 'Task',
          Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:double`,
          ResultPath: '$.legacy',
          Next: 'Explode',
        },
        Explode: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:explode`, Payload: {} },
          Catch: [{ ErrorEquals: ['DeployError'], ResultPath: '$.error', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });
    const out = output(await run(arn, { n: 21 })) as Record<string, unknown>;
    assert.deepEqual(out.double, { value: 42, status: 200 });
    assert.deepEqual(out.legacy, { doubled: 42 });
    const error = out.error as { Error: string; Cause: string };
    assert.equal(error.Error, 'DeployError');
    assert.equal(JSON.parse(error.Cause).errorMessage, 'no healthy targets');
    assert.deepEqual(invoked(), ['double:RequestResponse', 'double:RequestResponse', 'explode:RequestResponse']);
    assert.deepEqual(
      runtime.invocations.map((i) => [i.ok, i.errorType]),
      [
        [true, undefined],
        [true, undefined],
        [false, 'DeployError'],
      ],
    );
  });

  it('fix 7: EventBridge rules deliver to Lambda and Step Functions targets; DISABLED and schedule-only rules do not', async () => {
    const sunk: unknown[] = [];
    const disabledSunk: unknown[] = [];
    const scheduleSunk: unknown[] = [];
    functions.set('sink', async (event) => {
      sunk.push(event);
    });
    // Registered too, so a (wrong) delivery through the DISABLED or schedule-only rule would be answered and recorded.
    functions.set('disabled-sink', async (event) => {
      disabledSunk.push(event);
    });
    functions.set('schedule-sink', async (event) => {
      scheduleSunk.push(event);
    });
    const machine = await createStateMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    await events.send(new PutRuleCommand({ Name: 'on-push', EventPattern: JSON.stringify({ source: ['hm.test'] }) }));
    await events.send(
      new PutTargetsCommand({
        Rule: 'on-push',
        Targets: [
          { Id: 'fn', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:sink` },
          { Id: 'sm', Arn: machine, RoleArn: ROLE, InputPath: '$.detail' },
        ],
      }),
    );
    await events.send(new PutRuleCommand({ Name: 'off', State: 'DISABLED', EventPattern: JSON.stringify({ source: ['hm.test'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'off', Targets: [{ Id: 'fn', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:disabled-sink` }] }));
    await events.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)' }));
    await events.send(new PutTargetsCommand({ Rule: 'nightly', Targets: [{ Id: 'fn', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:schedule-sink` }] }));

    const put = await events.send(
      new PutEventsCommand({ Entries: [{ Source: 'hm.test', DetailType: 'ECR Image Action', Detail: JSON.stringify({ tag: 'v7' }) }] }),
    );
    assert.equal(put.FailedEntryCount, 0);

    // Deliveries happen inside PutEvents; idle() waits for the async (Event) invocation to finish.
    await runtime.idle();
    assert.deepEqual(invoked(), ['sink:Event'], 'one async delivery, to the enabled rule\'s target only');
    assert.equal(runtime.invocations[0]?.ok, true);
    assert.equal(sunk.length, 1);
    const event = sunk[0] as Record<string, unknown>;
    assert.equal(event.source, 'hm.test');
    assert.equal(event['detail-type'], 'ECR Image Action');
    assert.deepEqual(event.detail, { tag: 'v7' });
    assert.equal(event.account, ACCOUNT);
    assert.equal(event.region, REGION);
    assert.equal(event.version, '0');
    assert.equal(event.id, put.Entries?.[0]?.EventId);
    assert.match(String(event.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The Step Functions target's execution is started inside PutEvents as well.
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }));
    assert.equal(listed.executions?.length, 1, 'Step Functions target execution');
    const executionArn = listed.executions?.[0]?.executionArn;
    assert.ok(executionArn);
    assert.deepEqual(output(await waitForExecution(executionArn)), { tag: 'v7' });

    await runtime.idle();
    assert.equal(runtime.invocations.filter((i) => i.functionName === 'disabled-sink').length, 0);
    assert.deepEqual(disabledSunk, []);
    assert.deepEqual(scheduleSunk, [], 'a schedule rule matches no event');
  });

  it('fix 8: aws-sdk:elasticloadbalancingv2 tasks reach ELBv2', async () => {
    const arn = await createStateMachine({
      StartAt: 'Create',
      States: {
        Create: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup',
          Parameters: { Name: 'tg-green', TargetType: 'lambda' },
          ResultPath: null,
          Next: 'Describe',
        },
        Describe: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:elasticloadbalancingv2:describeTargetGroups',
          Parameters: {},
          ResultSelector: { 'names.$': '$.TargetGroups[*].TargetGroupName' },
          Next: 'LoadBalancers',
        },
        LoadBalancers: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:elasticloadbalancingv2:describeLoadBalancers',
          Parameters: {},
          ResultPath: '$.lbs',
          End: true,
        },
      },
    });
    assert.deepEqual(output(await run(arn, {})), { names: ['tg-green'], lbs: { LoadBalancers: [] } });
  });

  it('fix 9: CloudFormation state machine with Definition + DefinitionSubstitutions executes', async () => {
    const greeted: unknown[] = [];
    functions.set('greeter', async (event) => {
      greeted.push(event);
      return { greeting: `${(event as { msg: string }).msg}, world` };
    });
    const template = {
      Resources: {
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            StateMachineName: 'cfn-machine',
            RoleArn: ROLE,
            Definition: {
              StartAt: 'Greet',
              States: {
                Greet: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::lambda:invoke',
                  Parameters: { FunctionName: '${GreeterArn}', Payload: { msg: '${Greeting}', 'exec.$': '$$.Execution.Name' } },
                  OutputPath: '$.Payload',
                  End: true,
                },
              },
            },
            DefinitionSubstitutions: { GreeterArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:greeter`, Greeting: 'hello' },
          },
        },
      },
    };
    await cfn.send(new CreateStackCommand({ StackName: 'hm-sfn', TemplateBody: JSON.stringify(template) }));
    await until(async () => {
      const stacks = await cfn.send(new DescribeStacksCommand({ StackName: 'hm-sfn' }));
      const status = stacks.Stacks?.[0]?.StackStatus;
      if (status?.endsWith('FAILED')) throw new Error(`stack ${status}: ${stacks.Stacks?.[0]?.StackStatusReason}`);
      return status === 'CREATE_COMPLETE' ? status : undefined;
    }, 'CREATE_COMPLETE');
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'hm-sfn' }));
    const machineArn = resources.StackResources?.find((r) => r.LogicalResourceId === 'Machine')?.PhysicalResourceId;
    assert.ok(machineArn, 'stack has the state machine');
    assert.match(machineArn, /^arn:aws:states:/);
    assert.deepEqual(output(await run(machineArn, {}, 'from-cfn')), { greeting: 'hello, world' });
    assert.deepEqual(invoked(), ['greeter:RequestResponse']);
    assert.deepEqual(greeted, [{ msg: 'hello', exec: 'from-cfn' }]);
  });

  it('fix 18: ValidateTemplate checks the template as CloudFormation does, without linting it', async () => {
    const packaged = await packageStack('local');
    const template = readFileSync(packaged.updateTemplate, 'utf8');
    const validated = await cfn.send(new ValidateTemplateCommand({ TemplateBody: template }));
    assert.equal(validated.Description, (JSON.parse(template) as { Description: string }).Description);
    await assert.rejects(cfn.send(new ValidateTemplateCommand({ TemplateBody: '{"Resources": {}}' })), /At least one Resources member must be defined/);
    await assert.rejects(cfn.send(new ValidateTemplateCommand({ TemplateBody: 'Resources: [unclosed' })), /Template format error: YAML not well-formed/);
    const yaml = 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: !Sub "${AWS::StackName}-q" }\n';
    assert.ok(await cfn.send(new ValidateTemplateCommand({ TemplateBody: yaml })), 'short-form tags are accepted');
  });
});
