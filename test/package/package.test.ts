import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT, readServerlessFunctions } from '../../scripts/serverless-functions.ts';
import { pythonToolchain } from '../../local/python-env.ts';
import { packageStack, type PackagedStack } from '../../local/stack.ts';

/** The deployable artefact: `osls package` offline, cfn-lint clean, every state machine valid, least privilege. */

const run = promisify(execFile);

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

/**
 * Actions AWS authorises only on Resource '*' (no resource-level permissions, per the Service Authorization
 * Reference). A statement may grant them on '*' only with a Condition that narrows it (e.g. aws:RequestedRegion).
 */
const ACTIONS_WITHOUT_RESOURCE_SCOPE = new Set([
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:ListTasks',
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
  'ecs:DeregisterTaskDefinition',
  'events:ListEventBuses',
  'scheduler:ListSchedules',
  // Reads the scaled metric while an alarm stays in ALARM (step scaling).
  'cloudwatch:GetMetricData',
  // Has resource-level permissions, but answers with composite alarms only when granted on "*" (API_DescribeAlarms).
  'cloudwatch:DescribeAlarms',
]);

let packaged: PackagedStack;
let resources: Record<string, Resource>;

/**
 * Actions AWS authorises only on Resource "*" (no resource-level permissions, no condition keys), each with the
 * reason; every other statement must name its resources.
 */
/** Every ASL file, beside its capability (functions/<capability>/*.asl.json). */
const stateMachineFiles = () => globSync('functions/**/*.asl.json', { cwd: PROJECT_ROOT }).sort();

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('the packaged stack', () => {
  before(async () => {
    packaged = await packageStack('package-check');
    resources = (JSON.parse(readFileSync(packaged.updateTemplate, 'utf8')) as { Resources: Record<string, Resource> }).Resources;
  });

  it('is clean under cfn-lint', async () => {
    const { cfnLint } = await pythonToolchain();
    const result = await run(cfnLint.command, [packaged.updateTemplate, packaged.createTemplate]).catch((error: { code?: number | string; stdout?: string; stderr?: string }) => error);
    assert.ok(!('code' in result) || result.code === 0, `cfn-lint findings:\n${result.stdout}${result.stderr}`);
  });

  it('has every state machine file valid under asl-validator, and wired into the template', async () => {
    const files = stateMachineFiles();
    assert.ok(files.length > 0, 'no *.asl.json found under functions/');
    for (const file of files) {
      const validator = join(PROJECT_ROOT, 'node_modules', '.bin', 'asl-validator');
      const result = await run(validator, ['--json-path', join(PROJECT_ROOT, file)]).catch((error: { stdout?: string; stderr?: string }) => error);
      assert.ok(!('stderr' in result && 'code' in result), `${file} is not valid ASL:\n${result.stdout}${result.stderr}`);
    }
    assert.equal(ofType('AWS::StepFunctions::StateMachine').length, files.length, 'one state machine resource per *.asl.json file');
  });

  it('deploys every serverless.yml function on nodejs24.x from its prebuilt zip', () => {
    const functions = ofType('AWS::Lambda::Function');
    assert.equal(functions.length, readServerlessFunctions().length);
    for (const [name, fn] of functions) {
      assert.equal(fn.Properties['Runtime'], 'nodejs24.x', name);
      assert.ok(existsSync(join(packaged.directory, String((fn.Properties['Code'] as { S3Key: string }).S3Key.split('/').pop()))), `${name} zip built`);
    }
  });

  it('gives each function its own role, scoped to named resources', () => {
    const roleRefs = ofType('AWS::Lambda::Function').map(([, fn]) => JSON.stringify(fn.Properties['Role']));
    assert.equal(new Set(roleRefs).size, roleRefs.length, 'no two functions share a role');
    for (const [name, role] of ofType('AWS::IAM::Role')) {
      const statements = (role.Properties['Policies'] as Array<{ PolicyDocument: { Statement: Array<{ Resource: unknown; Action: unknown; Condition?: unknown }> } }>).flatMap(
        (policy) => policy.PolicyDocument.Statement,
      );
      for (const statement of statements) {
        if (statement.Resource === '*') {
          const actions = [statement.Action].flat().map(String);
          const unscopable = actions.every((action) => ACTIONS_WITHOUT_RESOURCE_SCOPE.has(action));
          assert.ok(unscopable && statement.Condition !== undefined, `${name} grants ${JSON.stringify(statement.Action)} on every resource`);
        }
        assert.ok(![statement.Action].flat().some((action) => String(action).endsWith(':*')), `${name} grants a whole service`);
      }
    }
  });

  it('routes each ingested event type to its function by an EventBridge rule', () => {
    const patterns = ofType('AWS::Events::Rule').flatMap(([, rule]) => (rule.Properties['EventPattern'] ? [rule.Properties['EventPattern'] as { 'detail-type': string[] }] : []));
    const detailTypes = patterns.flatMap((pattern) => pattern['detail-type']).sort();
    // Alarm events go to step scaling and to the deploys waiting on a rollback alarm; task events also resume the
    // scheduled runs waiting for their task; execution ends reconcile deploys and scheduled runs.
    assert.deepEqual(detailTypes, [
      'CloudWatch Alarm State Change',
      'CloudWatch Alarm State Change',
      'ECR Image Action',
      'ECS Deployment State Change',
      'ECS Service Action',
      'ECS Task State Change',
      'ECS Task State Change',
      'Step Functions Execution Status Change',
      'Step Functions Execution Status Change',
    ]);
  });

  it('starts the revision cleanup on a schedule, with explicit input, as a role that may only start it', () => {
    const schedules = ofType('AWS::Events::Rule').filter(([, rule]) => rule.Properties['ScheduleExpression'] !== undefined);
    assert.deepEqual(schedules.map(([name]) => name), ['RevisionCleanupSchedule']);
    const [target] = (schedules[0]?.[1].Properties['Targets'] ?? []) as Array<{ Arn: unknown; Input: string; RoleArn: unknown }>;
    assert.deepEqual(target?.Arn, { Ref: 'RevisionCleanupStateMachine' });
    assert.deepEqual(JSON.parse(target?.Input ?? 'null'), { trigger: 'schedule' });
    assert.deepEqual(target?.RoleArn, { 'Fn::GetAtt': ['RevisionCleanupScheduleRole', 'Arn'] });
  });

  it('keeps secrets out of function environments', () => {
    for (const [name, fn] of ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      for (const key of Object.keys(variables)) {
        assert.doesNotMatch(key, /SECRET|TOKEN|PASSWORD|WEBHOOK_URL|SIGNING_KEY/, `${name} has ${key} in plain environment`);
      }
    }
  });
});
