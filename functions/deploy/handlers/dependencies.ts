import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { sharedDocumentClient, sharedEcsClient, sharedSfnClient } from '../../kernel/aws/clients.ts';
import { BlueGreenAws } from '../adapters/blue-green-aws.ts';
import { BlueGreenWorkflow } from '../app/blue-green-workflow.ts';
import { DeployControls } from '../app/controls.ts';
import { ExecutionReconciler } from '../app/execution-reconciler.ts';
import { ConfigStore } from '../../config/index.ts';
import { DeployLauncher } from '../adapters/deploy-launcher.ts';
import { DeploymentStore } from '../adapters/deployment-store.ts';
import { StabilityWaiters } from '../adapters/stability-waiters.ts';
import { TaskTokens } from '../adapters/task-tokens.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { AnalysisStore, CloudWatchMetrics, MeasurementStep } from '../../analysis/index.ts';

/** What starts deploys (the lock and queue, and the state machine), built once per container at cold start. */
export function deployLauncher(env: NodeJS.ProcessEnv = process.env): { deployments: DeploymentStore; launcher: DeployLauncher } {
  const deployments = new DeploymentStore(sharedDocumentClient(), readTableNames(env));
  return { deployments, launcher: new DeployLauncher(deployments, sharedSfnClient(), deployStateMachineArn(env)) };
}

/** The deploy side of a function's dependencies, with the configurations (and so the schema library). */
export function deployDependencies(env: NodeJS.ProcessEnv = process.env): { configs: ConfigStore; deployments: DeploymentStore; launcher: DeployLauncher } {
  return { ...deployLauncher(env), configs: new ConfigStore(sharedDocumentClient(), readTableNames(env).state) };
}

export function blueGreenWorkflow(env: NodeJS.ProcessEnv = process.env): BlueGreenWorkflow {
  const tokens = new TaskTokens(sharedSfnClient());
  const waiters = new StabilityWaiters(sharedDocumentClient(), readTableNames(env).state, tokens);
  const analysis = new MeasurementStep({ metrics: new CloudWatchMetrics(sharedCloudWatchClient()), store: new AnalysisStore(sharedDocumentClient(), readTableNames(env)) });
  return new BlueGreenWorkflow({ ...deployDependencies(env), aws: blueGreenAws(), waiters, tokens, analysis });
}

export function executionReconciler(env: NodeJS.ProcessEnv = process.env): ExecutionReconciler {
  const { deployments, launcher } = deployDependencies(env);
  return new ExecutionReconciler({ deployments, launcher, aws: blueGreenAws(), sfn: sharedSfnClient(), stateMachineArn: deployStateMachineArn(env) });
}

/** The operator controls as a deployed function calls them (approvals from Slack), built once per container. */
export function deployControls(env: NodeJS.ProcessEnv = process.env): DeployControls {
  const { configs, deployments, launcher } = deployDependencies(env);
  const reconciler = new ExecutionReconciler({ deployments, launcher, aws: blueGreenAws(), sfn: sharedSfnClient(), stateMachineArn: deployStateMachineArn(env) });
  return new DeployControls({ configs, deployments, launcher, sfn: sharedSfnClient(), reconciler });
}

function blueGreenAws(): BlueGreenAws {
  return new BlueGreenAws({ ecs: sharedEcsClient(), elb: new ElasticLoadBalancingV2Client({}), cloudwatch: sharedCloudWatchClient(), lambda: new LambdaClient({}) });
}

let cloudWatchClient: CloudWatchClient | undefined;

/** Alarm states (rollback alarms) and GetMetricData (analysis) share one client per container. */
function sharedCloudWatchClient(): CloudWatchClient {
  cloudWatchClient ??= new CloudWatchClient({});
  return cloudWatchClient;
}

function deployStateMachineArn(env: NodeJS.ProcessEnv): string {
  const stateMachineArn = env['DEPLOY_STATE_MACHINE_ARN'];
  if (!stateMachineArn) throw new Error('Environment variable DEPLOY_STATE_MACHINE_ARN is not set; serverless.yml sets it on the functions that start deploys.');
  return stateMachineArn;
}
