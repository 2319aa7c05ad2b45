import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PROJECT_ROOT, readServerlessFunctions } from '../scripts/serverless-functions.ts';
import { buildOnce, hashInputs, withBuildLock } from './build-cache.ts';
import type { AwsClientConfig } from './local-aws.ts';

/**
 * The deployable stack, packaged by `osls package` from serverless.yml and created in the local AWS from that
 * same template: no second, hand-written copy of tables, rules or state machines exists to drift.
 */

const run = promisify(execFile);
export const SERVICE_NAME = 'harbormaster';

export interface PackagedStack {
  stage: string;
  stackName: string;
  directory: string;
  createTemplate: string;
  updateTemplate: string;
}

/**
 * Builds the function zips and runs `osls package` once per content of the inputs; later calls (other test
 * files, `npm start`) reuse `.local/package/<hash>/`.
 */
export async function packageStack(stage = 'local'): Promise<PackagedStack> {
  const directory = join(PROJECT_ROOT, '.local', 'package', `${stage}-${hashInputs()}`);
  const packaged: PackagedStack = {
    stage,
    stackName: `${SERVICE_NAME}-${stage}`,
    directory,
    createTemplate: join(directory, 'cloudformation-template-create-stack.json'),
    updateTemplate: join(directory, 'cloudformation-template-update-stack.json'),
  };
  if (existsSync(packaged.updateTemplate)) return packaged;
  // Test files run in parallel processes and share dist/: one packages at a time, the others then reuse it.
  await withBuildLock(async () => {
    if (existsSync(packaged.updateTemplate)) return;
    await buildOnce();
    await runProjectCommand(OSLS, ['package', '--stage', stage, '--package', directory], oslsEnvironment());
    // Keep the zips with the template: dist/ is rebuilt by later runs while this package is still in use.
    for (const fn of readServerlessFunctions()) copyFileSync(fn.artifact, join(directory, basename(fn.artifact)));
  });
  return packaged;
}

const OSLS = join(PROJECT_ROOT, 'node_modules', '.bin', 'osls');
/**
 * osls, its own telemetry off; Node's compile cache keeps its ~2 s of module loading and schema compilation for
 * the next run.
 */
function oslsEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, SLS_TELEMETRY_DISABLED: '1', NODE_COMPILE_CACHE: join(PROJECT_ROOT, '.local', 'node-compile-cache'), ...extra };
}

/** Runs a project command, failing with its output when it fails. */
export async function runProjectCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd: PROJECT_ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${relative(PROJECT_ROOT, command) || command} ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
  }
}

/**
 * Creates the packaged stack the way `osls deploy` does, minus its polling: the create template (deployment
 * bucket), then the zips at the template's S3 keys, then the full template. A second or two on moto.
 */
export async function createStack(packaged: PackagedStack, config: AwsClientConfig): Promise<Stack> {
  const cloudFormation = new CloudFormationClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await cloudFormation.send(
    new CreateStackCommand({ StackName: packaged.stackName, TemplateBody: readFileSync(packaged.createTemplate, 'utf8'), Capabilities: ['CAPABILITY_IAM'] }),
  );
  const created = await waitForStack(cloudFormation, packaged.stackName);
  const bucket = created.Outputs?.find((output) => output.OutputKey === 'ServerlessDeploymentBucketName')?.OutputValue;
  if (!bucket) throw new Error(`Stack ${packaged.stackName} has no ServerlessDeploymentBucketName output`);
  const template = readFileSync(packaged.updateTemplate, 'utf8');
  await Promise.all(
    artifactUploads(JSON.parse(template) as StackTemplate, packaged.directory).map(({ key, file }) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) })),
    ),
  );
  await cloudFormation.send(
    new UpdateStackCommand({ StackName: packaged.stackName, TemplateBody: template, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }),
  );
  return waitForStack(cloudFormation, packaged.stackName);
}

interface StackTemplate {
  Resources: Record<string, { Type: string; Properties?: { Code?: { S3Key?: string } } }>;
}

/** Each Lambda's S3 key, paired with its zip in the package directory (osls keeps the artifact's file name). */
function artifactUploads(template: StackTemplate, directory: string): Array<{ key: string; file: string }> {
  return Object.values(template.Resources).flatMap((resource) => {
    const key = resource.Type === 'AWS::Lambda::Function' ? resource.Properties?.Code?.S3Key : undefined;
    if (key === undefined) return [];
    const file = join(directory, basename(key));
    if (!existsSync(file)) throw new Error(`No built artifact for ${key}; is it declared in serverless.yml?`);
    return [{ key, file }];
  });
}

async function waitForStack(client: CloudFormationClient, stackName: string): Promise<Stack> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    const status = stack?.StackStatus ?? 'UNKNOWN';
    if (stack && status.endsWith('_COMPLETE') && !status.includes('ROLLBACK')) return stack;
    if (status.includes('FAILED') || status.includes('ROLLBACK')) {
      throw new Error(`Stack ${stackName} ended in ${status}: ${stack?.StackStatusReason ?? 'no reason given'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Stack ${stackName} did not finish within 30 s`);
}

/** Runs the real `osls deploy` against the local AWS (slower than createStack; what `npm start` shows). */
export async function deployWithOsls(stage: string, endpoint: string): Promise<void> {
  await withBuildLock(async () => {
    await buildOnce();
    await runProjectCommand(
      OSLS,
      ['deploy', '--stage', stage, '--region', 'us-east-1'],
      oslsEnvironment({
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        // osls waits this long before each look at the stack; the local AWS finishes a stack within its request.
        SLS_AWS_MONITORING_FREQUENCY: '50',
      }),
    );
  });
}
