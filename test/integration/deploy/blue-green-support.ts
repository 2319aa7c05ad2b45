import assert from 'node:assert/strict';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { DeploymentStore } from '../../../functions/deploy/adapters/deployment-store.ts';
import { DeployControls } from '../../../functions/deploy/app/controls.ts';
import { deployControls, deployExecutions, executionHistory, productionWeights, pushImage, taskSets, waitForExecution, type BlueGreenService } from '../../../local/sample-blue-green.ts';
import { DEPLOY_PROGRESS_KINDS } from '../../../functions/kernel/notifications.ts';
import { OUTBOX_TABLE, STATE_TABLE, scanAll, type StackUnderTest } from '../support.ts';

/** Driving and observing blue/green deploys on the deployed stack (test/integration/blue-green*.test.ts). */

export function deployments(stack: StackUnderTest): DeploymentStore {
  return new DeploymentStore(stack.documents, { state: STATE_TABLE, outbox: OUTBOX_TABLE });
}

export function controls(stack: StackUnderTest, target: BlueGreenService): DeployControls {
  return deployControls(stack.aws.clientConfig, target);
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
export async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
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

/**
 * Waits until the running deployment is parked on its wait in `step` (the wait registered its task token), and
 * returns the deployment's id.
 */
export async function parkedIn(stack: StackUnderTest, target: BlueGreenService, step: string, timeoutMs?: number): Promise<string> {
  let deploymentId = '';
  await eventually(`the deploy waits in ${step}`, async () => {
    const running = (await controls(stack, target).status(target)).running;
    deploymentId = running?.deploymentId ?? '';
    return (running?.['wait'] as { step?: string } | null | undefined)?.step === step;
  }, timeoutMs);
  return deploymentId;
}

/** How each wait (AwaitEvents) of an execution ended, with its step: the Task* event that closed it. */
export async function waitsOf(target: BlueGreenService, executionArn: string): Promise<{ step: string; end: HistoryEvent }[]> {
  const history = await executionHistory(target, executionArn);
  const entered = history.filter((event) => event.stateEnteredEventDetails?.name === 'AwaitEvents').map((event) => event.id ?? 0);
  return entered.map((id) => {
    const scheduled = history.find((event) => (event.id ?? 0) > id && event.type === 'TaskScheduled');
    const payload = (JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}') as { Payload?: { step?: { name?: string } } }).Payload;
    const end = history.find((event) => (event.id ?? 0) > id && ['TaskSucceeded', 'TaskFailed', 'TaskTimedOut'].includes(event.type ?? ''));
    assert.ok(end, `AwaitEvents entered at event ${id} ended`);
    return { step: payload?.step?.name ?? '?', end };
  });
}

/** A wait's end as `<step> <event type> [error]`, for comparing lists. */
export function describeWaitEnd({ step, end }: { step: string; end: HistoryEvent }): string {
  const error = end.taskFailedEventDetails?.error ?? end.taskTimedOutEventDetails?.error;
  return [step, end.type, error].filter(Boolean).join(' ');
}

/** The deploy outcome announcements in the outbox (and deploy-cleanup-failed): progress announcements left out. */
export async function deployOutboxKinds(stack: StackUnderTest): Promise<unknown[]> {
  return (await deployAnnouncements(stack)).map((item) => item['kind']).filter((kind) => !(DEPLOY_PROGRESS_KINDS as readonly unknown[]).includes(kind));
}

/** Every deploy announcement in the outbox, oldest first (ties by id), to compare a deploy's whole story. */
export async function deployAnnouncements(stack: StackUnderTest): Promise<Record<string, unknown>[]> {
  const items = (await scanAll(stack.documents, OUTBOX_TABLE)).filter((item) => String(item['kind']).startsWith('deploy-'));
  return items.sort((a, b) => String(a['createdAt']).localeCompare(String(b['createdAt'])) || String(a['pk']).localeCompare(String(b['pk'])));
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
  // The outcome is recorded first, then the lock released, in that order: a caller that waited for the outcome may be early.
  await eventually('the service is free for the next deploy', async () => (await deployments(stack).lockHolder(target.cluster, target.service)) === undefined, 30_000);
}
