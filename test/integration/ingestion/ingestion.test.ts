import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { sharedDocumentClient } from '../../../functions/kernel/aws/clients.ts';
import { taskKey } from '../../../functions/ingestion/adapters/state-items.ts';
import { defaultAwsvpcConfiguration, pushEcrImage, registerFargateTaskDefinition } from '../../../local/sample-resources.ts';
import { deploymentStateChange, imagePush, serviceAction, taskArn, taskStateChange } from '../../fixtures/aws-events.ts';
import { OUTBOX_TABLE, STATE_TABLE, getItem, putEvents, putEventsInLanes, queryByOwner, scanAll, useDeployedStack } from '../support.ts';
import { ingestedTasks, taskEvent, taskEventStream } from './task-events-support.ts';

/** EventBridge → rule → Lambda → DynamoDB through the deployed serverless.yml stack, on the local AWS. */

const stack = useDeployedStack();

describe('task state ingestion', () => {
  it('ends with exactly the newest version of every task after 1,000 shuffled events with duplicates', async () => {
    const stream = taskEventStream({ tasks: 100, duplicates: 200 });
    assert.equal(stream.events.length, 1000);

    await putEventsInLanes(stack.events, stream.events, 4);
    await stack.aws.runtime.idle(60_000);

    const invocations = stack.aws.runtime.invocations.filter((call) => call.functionName.endsWith('-ingestTaskState'));
    assert.equal(invocations.length, 1000, 'one invocation per event, none retried');
    assert.deepEqual(invocations.filter((call) => !call.ok), []);

    const ingested = await ingestedTasks(stack.documents, stream);
    assert.equal(ingested.stored, 100);
    assert.deepEqual(ingested.wrong, [], 'every task is at its newest version');
    assert.deepEqual(ingested.announcedFailures, [...stream.crashedIds].sort(), 'one failure announcement per crashed task, none for clean stops');
  });

  it('never lets an older event overwrite a newer one', async () => {
    const id = 'ordered';
    await putEvents(stack.events, [taskEvent(id, 5, false)]);
    await stack.aws.runtime.idle();
    await putEvents(stack.events, [taskEvent(id, 2, false), taskEvent(id, 5, false)]);
    await stack.aws.runtime.idle();
    const stored = await getItem(stack.documents, taskKey(taskArn(id)));
    assert.equal(stored?.['version'], 5);
    assert.equal(stored?.['lastStatus'], 'RUNNING');
  });

  it('keeps an event through DynamoDB throttling: SDK retries, then Lambda\'s async retry', async () => {
    // As many throttles as the handlers' SDK makes attempts fail the first invocation; Lambda's retry then succeeds.
    const sdkAttempts = await sharedDocumentClient().config.maxAttempts();
    stack.aws.runtime.faults.throttle({ service: 'dynamodb', operation: 'PutItem', times: sdkAttempts });
    await putEvents(stack.events, [taskEvent('throttled', 3, false)]);
    await stack.aws.runtime.idle(30_000);
    const attempts = stack.aws.runtime.invocations.map((call) => ({ attempt: call.attempt, ok: call.ok, errorType: call.errorType }));
    assert.deepEqual(attempts, [
      { attempt: 1, ok: false, errorType: 'StateStoreError' },
      { attempt: 2, ok: true, errorType: undefined },
    ]);
    assert.equal((await getItem(stack.documents, taskKey(taskArn('throttled'))))?.['version'], 3);
  });

  it('lists a service\'s tasks newest first through the byOwner index', async () => {
    await putEvents(stack.events, [taskEvent('older', 3, false), { ...taskEvent('newer', 4, false) }]);
    await stack.aws.runtime.idle();
    const tasks = await queryByOwner(stack.documents, 'SERVICE#prod#web', 'TASK#');
    assert.deepEqual(tasks.map((task) => String(task['taskArn']).split('/').pop()), ['newer', 'older']);
  });
});

describe('rejected events', () => {
  it('records and counts a malformed event once, writes nothing else, and reports why', async () => {
    const malformed = taskStateChange({ version: 'three' });
    await putEvents(stack.events, [malformed]);
    await stack.aws.runtime.idle();

    const items = await scanAll(stack.documents, STATE_TABLE);
    assert.deepEqual(items.filter((item) => item['kind'] === 'task'), [], 'no half-written task');
    const rejected = items.filter((item) => item['kind'] === 'rejected-event');
    assert.equal(rejected.length, 1);
    assert.match(String(rejected[0]?.['reason']), /detail\.version must be a non-negative integer/);
    const counter = await getItem(stack.documents, { pk: 'COUNTER#REJECTED_EVENTS', sk: 'aws.ecs#ECS Task State Change' });
    assert.equal(counter?.['count'], 1);
    assert.ok(stack.aws.runtime.invocations.every((call) => call.ok), 'a malformed event is acknowledged, not retried');
  });

  it('counts a redelivered malformed event (same id) only once', async () => {
    const lambda = new LambdaClient(stack.aws.clientConfig);
    const malformed = taskStateChange({ lastStatus: 'EXPLODED' }, { id: 'redelivered-1' });
    const outcomes = [];
    for (let delivery = 0; delivery < 2; delivery += 1) {
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: 'harbormaster-local-ingestTaskState', Payload: Buffer.from(JSON.stringify(malformed)) }),
      );
      outcomes.push(JSON.parse(Buffer.from(response.Payload ?? []).toString()) as { outcome: string });
    }
    assert.deepEqual(outcomes.map((result) => result.outcome), ['rejected', 'rejected']);
    const counter = await getItem(stack.documents, { pk: 'COUNTER#REJECTED_EVENTS', sk: 'aws.ecs#ECS Task State Change' });
    assert.equal(counter?.['count'], 1);
  });
});

describe('service and image events', () => {
  it('keeps the terminal state of an ECS deployment whose events arrive out of order', async () => {
    const completed = deploymentStateChange({ eventName: 'SERVICE_DEPLOYMENT_COMPLETED', updatedAt: '2026-11-20T10:05:00Z' });
    const inProgress = deploymentStateChange({ eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', updatedAt: '2026-11-20T10:00:00Z' });
    await putEvents(stack.events, [completed]);
    await stack.aws.runtime.idle();
    await putEvents(stack.events, [inProgress]);
    await stack.aws.runtime.idle();
    const stored = await getItem(stack.documents, { pk: 'SERVICE#prod#web', sk: 'ECS_DEPLOYMENT#ecs-svc/123' });
    assert.equal(stored?.['eventName'], 'SERVICE_DEPLOYMENT_COMPLETED');
  });

  it('appends service actions to the service history, newest first', async () => {
    await putEvents(stack.events, [
      serviceAction({ createdAt: '2026-11-20T10:00:00Z' }),
      serviceAction({ eventType: 'WARN', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', createdAt: '2026-11-20T10:01:00Z', reasons: ['RESOURCE:CPU'] }),
    ]);
    await stack.aws.runtime.idle();
    const actions = await queryByOwner(stack.documents, 'SERVICE#prod#web', 'ACTION#');
    assert.deepEqual(actions.map((action) => action['eventName']), ['SERVICE_TASK_PLACEMENT_FAILURE', 'SERVICE_STEADY_STATE']);
  });

  it('points a tag at the newest pushed digest, whatever the arrival order', async () => {
    const newer = imagePush({ 'image-tag': 'latest', 'image-digest': `sha256:${'2'.repeat(64)}` }, { time: '2026-11-20T10:02:00Z' });
    const older = imagePush({ 'image-tag': 'latest', 'image-digest': `sha256:${'1'.repeat(64)}` }, { time: '2026-11-20T10:01:00Z' });
    await putEvents(stack.events, [newer]);
    await stack.aws.runtime.idle();
    await putEvents(stack.events, [older]);
    await stack.aws.runtime.idle();
    const stored = await getItem(stack.documents, { pk: 'REPOSITORY#web', sk: 'TAG#latest' });
    assert.equal(stored?.['digest'], `sha256:${'2'.repeat(64)}`);
  });

  it('ignores ECR events that are not successful pushes (the rule filters them)', async () => {
    await putEvents(stack.events, [imagePush({ 'action-type': 'DELETE' })]);
    await stack.aws.runtime.idle();
    assert.deepEqual(stack.aws.runtime.invocations, []);
  });
});

describe('events the local runtime emits for ECS and ECR calls', () => {
  it('records a task started with RunTask and stopped with StopTask at its last version', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    await ecs.send(new CreateClusterCommand({ clusterName: 'demo' }));
    const definition = await registerFargateTaskDefinition(ecs, 'worker', 'worker:1');
    const { tasks = [] } = await ecs.send(
      new RunTaskCommand({
        cluster: 'demo',
        taskDefinition: definition.taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: await defaultAwsvpcConfiguration(stack.aws.clientConfig) },
      }),
    );
    const arn = tasks[0]?.taskArn as string;
    await stack.aws.runtime.idle();
    assert.equal((await getItem(stack.documents, taskKey(arn)))?.['lastStatus'], 'RUNNING');

    await ecs.send(new StopTaskCommand({ cluster: 'demo', task: arn, reason: 'done' }));
    await stack.aws.runtime.idle();
    const stopped = await getItem(stack.documents, taskKey(arn));
    const versions = stack.aws.runtime.emitter.emitted.filter((event) => event.resources?.includes(arn)).map((event) => event.detail['version']);
    assert.equal(stopped?.['lastStatus'], 'STOPPED');
    assert.equal(stopped?.['stopCode'], 'UserInitiated');
    assert.equal(stopped?.['version'], Math.max(...(versions as number[])));
    assert.deepEqual(await scanAll(stack.documents, OUTBOX_TABLE), [], 'a clean stop is not announced');
  });

  it('records the digest of an image pushed with PutImage', async () => {
    const ecr = new ECRClient(stack.aws.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
    const digest = await pushEcrImage(ecr, 'web', 'v2');
    await stack.aws.runtime.idle();
    const stored = await getItem(stack.documents, { pk: 'REPOSITORY#web', sk: 'TAG#v2' });
    assert.equal(stored?.['digest'], digest);
  });
});
