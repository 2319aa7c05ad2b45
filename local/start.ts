import { parseArgs } from 'node:util';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DeploymentStore } from '../functions/deploy/adapters/deployment-store.ts';
import { startLocalAws, type LocalAws } from './local-aws.ts';
import { createBlueGreenService, deployExecutions, productionWeights, pushImage, taskSets, waitForExecution } from './sample-blue-green.ts';
import { defaultAwsvpcConfiguration, pushEcrImage, registerFargateTaskDefinition } from './sample-resources.ts';
import { deployWithOsls } from './stack.ts';

const HELP = `Usage: npm start [-- --once] [-- --port 4566]

Runs the Harbormaster control plane on the embedded local AWS (moto plus our local runtime):
  1. starts moto and the local runtime (Lambda invocations run this checkout's handlers),
  2. deploys serverless.yml into it with the real \`osls deploy\`,
  3. drives a small ECS/ECR scenario: an image push, two tasks starting, one crashing, one stopped,
     and one malformed event, and prints what the control plane recorded in DynamoDB,
  4. pushes an image that a blue/green service tracks and shows the canary deploy it triggers.
Then it keeps running so you can talk to it with any AWS client (Ctrl+C stops it).

Options:
  --once        exit after printing the recorded state
  --port N      port of the local AWS endpoint (default: a free port)
  --stage NAME  stage to deploy (default: local)
  -h, --help    show this help
`;

const { values: options } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    port: { type: 'string' },
    stage: { type: 'string', default: 'local' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const stage = options.stage as string;
const step = (message: string) => console.log(`\n▸ ${message}`);

// The handlers' structured logs would bury the summary; rejected events still log at ERROR.
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'ERROR';
step('Starting the local AWS (moto + local runtime)…');
const aws = await startLocalAws({ stage, port: options.port === undefined ? undefined : Number(options.port) });
const stop = async () => {
  await aws.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

try {
  console.log(`  endpoint ${aws.endpoint}`);
  step(`Deploying serverless.yml (stage ${stage}) with osls deploy…`);
  const deployStarted = performance.now();
  await deployWithOsls(stage, aws.endpoint);
  console.log(`  deployed in ${((performance.now() - deployStarted) / 1000).toFixed(1)} s`);

  step('Driving a scenario: push an image, run two tasks (one crashes), stop the other, send one malformed event…');
  await runScenario(aws);
  await aws.runtime.idle(30_000);
  await printRecordedState(aws, stage);

  step('Blue/green: a service behind an ALB tracks ECR repository "shop" (canary 25 %); pushing shop:v2 deploys it…');
  await runDeployScenario(aws, stage);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  await aws.stop();
  process.exit(1);
}

if (options.once) {
  await aws.stop();
} else {
  console.log(`\nThe local AWS keeps running at ${aws.endpoint}. Try:`);
  console.log(`  AWS_ENDPOINT_URL=${aws.endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \\`);
  console.log(`    aws dynamodb scan --table-name harbormaster-${stage}-state`);
  console.log('Ctrl+C stops it.');
}

async function runScenario(local: LocalAws): Promise<void> {
  const config = local.clientConfig;
  const ecs = new ECSClient(config);
  const ecr = new ECRClient(config);

  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
  await pushEcrImage(ecr, 'web', 'v1.0.0');

  await ecs.send(new CreateClusterCommand({ clusterName: 'demo' }));
  const taskDefinition = await registerFargateTaskDefinition(ecs, 'web', '111122223333.dkr.ecr.us-east-1.amazonaws.com/web:v1.0.0');
  const awsvpcConfiguration = await defaultAwsvpcConfiguration(config);
  const runTask = async () =>
    ecs.send(
      new RunTaskCommand({
        cluster: 'demo',
        taskDefinition: taskDefinition.taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration },
      }),
    );
  const { tasks: [healthy] = [] } = await runTask();
  // Let the first task reach RUNNING before the fault is armed, so only the second one crashes.
  await local.runtime.idle(30_000);
  local.runtime.faults.crashTasks({ taskDefinitionFamily: 'web', times: 1, exitCode: 137 });
  await runTask();
  await local.runtime.idle(30_000);
  await ecs.send(new StopTaskCommand({ cluster: 'demo', task: healthy?.taskArn, reason: 'Scaled in by the demo' }));

  await new EventBridgeClient(config).send(
    new PutEventsCommand({ Entries: [{ Source: 'aws.ecs', DetailType: 'ECS Task State Change', Detail: JSON.stringify({ taskArn: 'not-an-arn', version: 'two' }) }] }),
  );
}

async function runDeployScenario(local: LocalAws, stageName: string): Promise<void> {
  const target = await createBlueGreenService(local.clientConfig, {
    name: 'shop',
    stage: stageName,
    deploy: { strategy: { type: 'canary', percent: 25, bakeMinutes: 0.05 }, finalBakeMinutes: 0.05 },
  });
  const digest = await pushImage(target, 'v2');
  await local.runtime.idle(30_000);
  const [execution] = await deployExecutions(target);
  if (!execution) throw new Error('The push started no deploy: is the shop service configuration stored?');
  const ended = await waitForExecution(target, execution.executionArn, 120_000);
  const store = new DeploymentStore(DynamoDBDocumentClient.from(new DynamoDBClient(local.clientConfig)), {
    state: `harbormaster-${stageName}-state`,
    outbox: `harbormaster-${stageName}-outbox`,
  });
  const [deployment] = await store.history(target.cluster, target.service);
  console.log(`\nDeployment ${execution.name}: ${deployment?.status ?? ended.status} (execution ${ended.status}), image ${digest.slice(0, 19)}…`);
  console.table(
    (await store.steps(target.cluster, target.service, execution.name)).map((item) => ({
      step: item['name'],
      outcome: item['outcome'],
      'green %': item['greenWeight'] ?? '',
    })),
  );
  const live = await taskSets(target);
  console.log(`Production weights ${JSON.stringify(await productionWeights(target))}; task sets now: ${live.map((set) => `${set.status} ${set.taskDefinition?.split('/').pop()}`).join(', ')}`);
}

async function printRecordedState(local: LocalAws, stageName: string): Promise<void> {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(local.clientConfig));
  const scan = async (table: string) => (await documents.send(new ScanCommand({ TableName: `harbormaster-${stageName}-${table}` }))).Items ?? [];
  const state = await scan('state');
  const outbox = await scan('outbox');
  const ofKind = (kind: string) => state.filter((item) => item['kind'] === kind);

  step(`Recorded state (${local.runtime.emitter.emitted.length} AWS events emitted, ${local.runtime.invocations.length} Lambda invocations)`);
  console.log('\nTasks (newest version of each):');
  console.table(
    ofKind('task').map((task) => ({
      task: String(task['taskArn']).split('/').pop(),
      cluster: task['cluster'],
      definition: `${task['family']}:${task['revision']}`,
      status: task['lastStatus'],
      version: task['version'],
      stopCode: task['stopCode'] ?? '',
    })),
  );
  console.log('Image tags:');
  console.table(ofKind('image').map((image) => ({ repository: image['repository'], tag: image['tag'], digest: String(image['digest']).slice(0, 19) + '…' })));
  console.log('Rejected events:');
  console.table(ofKind('rejected-event').map((item) => ({ detailType: item['detailType'], reason: item['reason'] })));
  console.log('Notification outbox (announced on Slack/webhooks by the notifier):');
  console.table(outbox.map((item) => ({ kind: item['kind'], subject: item['subject'] })));
}
