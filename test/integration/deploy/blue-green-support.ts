import assert from 'node:assert/strict';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { BlueGreenAws } from '../../../functions/deploy/adapters/blue-green-aws.ts';
import { DeployLauncher } from '../../../functions/deploy/adapters/deploy-launcher.ts';
import { DeploymentStore } from '../../../functions/deploy/adapters/deployment-store.ts';
import { DeployControls } from '../../../functions/deploy/app/controls.ts';
import { ExecutionReconciler } from '../../../functions/deploy/app/execution-reconciler.ts';
import { deployExecutions, deployStateMachineArn, productionWeights, pushImage, taskSets, waitForExecution, type BlueGreenService } from '../../../local/sample-blue-green.ts';
import { OUTBOX_TABLE, STATE_TABLE, scanAll, type StackUnderTest } from '../support.ts';

/** Driving and observing blue/green deploys on the deployed stack (test/integration/blue-green*.test.ts). */

export function deployments(stack: StackUnderTest): DeploymentStore {
  return new DeploymentStore(stack.documents, { state: STATE_TABLE, outbox: OUTBOX_TABLE });
}

export function controls(stack: StackUnderTest, target: BlueGreenService): DeployControls {
  const sfn = new SFNClient(stack.aws.clientConfig);
  const stateMachineArn = deployStateMachineArn(target.clients.stage);
  const launcher = new DeployLauncher(deployments(stack), sfn, stateMachineArn);
  const aws = new BlueGreenAws({ ecs: target.clients.ecs, elb: target.clients.elb, cloudwatch: target.clients.cloudwatch, lambda: new LambdaClient(stack.aws.clientConfig) });
  const reconciler = new ExecutionReconciler({ deployments: deployments(stack), launcher, aws, sfn, stateMachineArn });
  return new DeployControls({ configs: target.clients.configs, deployments: deployments(stack), launcher, sfn, reconciler });
}

/**
 * Waits for the newest deploy execution to end; returns its end and the newest deployment with its steps.
 * `timeoutMs` bounds each wait (the local runtime settling, the execution ending); defaults suit small deploys.
 */
export async function waitForNewestDeploy(stack: StackUnderTest, target: BlueGreenService, timeoutMs?: number) {
  await stack.aws.runtime.idle(timeoutMs);
  const [execution] = await deployExecutions(target);
  assert.ok(execution, 'a deploy started');
  const result = await waitForExecution(target, execution.executionArn, timeoutMs);
  await stack.aws.runtime.idle(timeoutMs);
  const [deployment] = await deployments(stack).history(target.cluster, target.service);
  assert.ok(deployment);
  const steps = await deployments(stack).steps(target.cluster, target.service, deployment.deploymentId);
  return { result, deployment, steps, stepNames: steps.map((step) => step['name']) };
}

/** Pushes an image and waits for the deploy it starts to end. */
export async function deployOnPush(stack: StackUnderTest, target: BlueGreenService, tag = 'v1', timeoutMs?: number) {
  const digest = await pushImage(target, tag);
  return { digest, ...(await waitForNewestDeploy(stack, target, timeoutMs)) };
}

/** Polls until the condition holds (state the machine reaches asynchronously). */
export async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a deploy by push and returns once production traffic is partly on green (a canary bake is running). */
export async function pushAndWaitForCanary(stack: StackUnderTest, target: BlueGreenService) {
  await pushImage(target, 'v1');
  await stack.aws.runtime.idle();
  const [execution] = await deployExecutions(target);
  assert.ok(execution);
  await eventually('the canary step started', async () => ((await productionWeights(target)).green ?? 0) > 0);
  const [deployment] = await deployments(stack).history(target.cluster, target.service);
  assert.ok(deployment);
  return { execution, deployment };
}

export async function deployOutboxKinds(stack: StackUnderTest): Promise<unknown[]> {
  return (await scanAll(stack.documents, OUTBOX_TABLE)).map((item) => item['kind']).filter((kind) => String(kind).startsWith('deploy-'));
}

/** Production back on blue, green gone, blue untouched and primary, ROLLED_BACK recorded and announced, service free. */
export async function assertRolledBack(stack: StackUnderTest, target: BlueGreenService, reason: RegExp): Promise<void> {
  assert.deepEqual(await productionWeights(target), { blue: 100, green: 0 }, 'production is back on blue');
  const sets = await taskSets(target);
  assert.deepEqual(sets.map((taskSet) => [taskSet.taskSetArn, taskSet.status]), [[target.blueTaskSetArn, 'PRIMARY']], 'green deleted, blue untouched and primary');
  assert.equal(sets[0]?.taskDefinition, target.blueTaskDefinitionArn);
  const [deployment] = await deployments(stack).history(target.cluster, target.service);
  assert.equal(deployment?.status, 'ROLLED_BACK');
  assert.match(String(deployment?.['reason']), reason);
  const steps = await deployments(stack).steps(target.cluster, target.service, deployment?.deploymentId ?? '');
  assert.equal(steps.at(-1)?.['name'], 'rollback');
  assert.deepEqual(await deployOutboxKinds(stack), ['deploy-rolled-back']);
  assert.equal(await deployments(stack).lockHolder(target.cluster, target.service), undefined, 'the service is free for the next deploy');
}
