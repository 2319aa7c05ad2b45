import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigStore } from '../../config/index.ts';
import type { TableNames } from '../../kernel/environment.ts';
import { BlueGreenAws } from '../adapters/blue-green-aws.ts';
import { DeployLauncher } from '../adapters/deploy-launcher.ts';
import { DeploymentStore } from '../adapters/deployment-store.ts';
import { DeployControls } from './controls.ts';
import { ExecutionReconciler } from './execution-reconciler.ts';

export interface OperatorClients {
  documents: DynamoDBDocumentClient;
  sfn: SFNClient;
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  lambda: LambdaClient;
}

/** The deploy controls as an operator's tools (the CLI, npm start) build them: the stack's tables and deploy machine. */
export function operatorDeployControls(clients: OperatorClients, stack: { tables: TableNames; deployStateMachineArn: string }): { controls: DeployControls; deployments: DeploymentStore } {
  const deployments = new DeploymentStore(clients.documents, stack.tables);
  const launcher = new DeployLauncher(deployments, clients.sfn, stack.deployStateMachineArn);
  const aws = new BlueGreenAws({ ecs: clients.ecs, elb: clients.elb, cloudwatch: clients.cloudwatch, lambda: clients.lambda });
  const reconciler = new ExecutionReconciler({ deployments, launcher, aws, sfn: clients.sfn, stateMachineArn: stack.deployStateMachineArn });
  const controls = new DeployControls({ configs: new ConfigStore(clients.documents, stack.tables.state), deployments, launcher, sfn: clients.sfn, reconciler });
  return { controls, deployments };
}
