import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { sharedDocumentClient, sharedEcsClient, sharedSfnClient } from '../../kernel/aws/clients.ts';
import { BlueGreenAws } from '../adapters/blue-green-aws.ts';
import { BlueGreenWorkflow } from '../app/blue-green-workflow.ts';
import { ConfigStore } from '../../config/index.ts';
import { DeployLauncher } from '../adapters/deploy-launcher.ts';
import { DeploymentStore } from '../adapters/deployment-store.ts';
import { StabilityWaiters } from '../adapters/stability-waiters.ts';
import { TaskTokens } from '../adapters/task-tokens.ts';
import { readTableNames } from '../../kernel/environment.ts';

/** The deploy side of a function's dependencies, built once per container at cold start. */
export function deployDependencies(env: NodeJS.ProcessEnv = process.env): { configs: ConfigStore; deployments: DeploymentStore; launcher: DeployLauncher } {
  const tables = readTableNames(env);
  const stateMachineArn = env['DEPLOY_STATE_MACHINE_ARN'];
  if (!stateMachineArn) throw new Error('Environment variable DEPLOY_STATE_MACHINE_ARN is not set; serverless.yml sets it on the functions that start deploys.');
  const deployments = new DeploymentStore(sharedDocumentClient(), tables);
  return {
    configs: new ConfigStore(sharedDocumentClient(), tables.state),
    deployments,
    launcher: new DeployLauncher(deployments, sharedSfnClient(), stateMachineArn),
  };
}

export function blueGreenWorkflow(env: NodeJS.ProcessEnv = process.env): BlueGreenWorkflow {
  const aws = new BlueGreenAws({ ecs: sharedEcsClient(), elb: new ElasticLoadBalancingV2Client({}), cloudwatch: new CloudWatchClient({}), lambda: new LambdaClient({}) });
  const tokens = new TaskTokens(sharedSfnClient());
  const waiters = new StabilityWaiters(sharedDocumentClient(), readTableNames(env).state, tokens);
  return new BlueGreenWorkflow({ ...deployDependencies(env), aws, waiters, tokens });
}
