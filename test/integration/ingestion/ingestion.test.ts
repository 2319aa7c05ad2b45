import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchDeleteImageCommand, CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConfigStore } from '../../../functions/config/index.ts';
import { sharedDocumentClient } from '../../../functions/kernel/aws/clients.ts';
import { taskKey } from '../../../functions/ingestion/adapters/state-items.ts';
import { createBlueGreenService, deployExecutions } from '../../../local/sample-blue-green.ts';
import { defaultAwsvpcConfiguration, pushEcrImage, registerFargateTaskDefinition } from '../../../local/sample-resources.ts';
import { deploymentStateChange, imageDeletion, imagePush, placementFailure, serviceAction, taskArn, taskStateChange } from '../../fixtures/aws-events.ts';
import { MINIMAL_DEPLOY } from '../../fixtures/deploy-config.ts';
import { OUTBOX_TABLE, STATE_TABLE, getItem, putEvents, putEventsInLanes, queryByOwner, readsAmong, recordHandlerDynamoCalls, scanAll, useDeployedStack } from '../support.ts';
import { ingestedTasks, taskEvent, taskEventStream } from './task-events-support.ts';

/** EventBridge → rule → Lambda → DynamoDB through the deployed serverless.yml stack, on the local AWS. */

const stack = useDeployedStack();
const handlerDynamoCalls = recordHandlerDynamoCalls();

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

  it('lists a service\'s tasks newest first through the byOwner index, each at its newest state', async () => {
    const created = (id: string, version: number, createdAt: string) => {
      const event = taskEvent(id, version, false);
      return { ...event, detail: { ...(event['detail'] as Record<string, unknown>), createdAt } };
    };
    await putEvents(stack.events, [created('older', 3, '2026-11-20T09:00:00Z'), created('newer', 3, '2026-11-20T09:30:00Z')]);
    await stack.aws.runtime.idle();
    // A later change of the older task moves nothing in the index (its key is its creation time) but is what is read.
    await putEvents(stack.events, [created('older', 6, '2026-11-20T09:00:00Z')]);
    await stack.aws.runtime.idle();
    const tasks = await queryByOwner(stack.documents, 'SERVICE#prod#web', 'TASK#');
    assert.deepEqual(tasks.map((task) => [String(task['taskArn']).split('/').pop(), task['lastStatus']]), [['newer', 'RUNNING'], ['older', 'DEACTIVATING']]);
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

  it('rejects an event whose task ARN is too long for a key at once: recorded once, no retry, a short reason', async () => {
    const oversized = taskStateChange({ taskArn: taskArn('x'.repeat(200_000)) }, { resources: [] });
    await putEvents(stack.events, [oversized]);
    await stack.aws.runtime.idle(30_000);

    const invocations = stack.aws.runtime.invocations.filter((call) => call.functionName.endsWith('-ingestTaskState'));
    assert.deepEqual(invocations.map((call) => ({ attempt: call.attempt, ok: call.ok })), [{ attempt: 1, ok: true }], 'one invocation, acknowledged');
    const items = await scanAll(stack.documents, STATE_TABLE);
    assert.deepEqual(items.filter((item) => item['kind'] === 'task'), []);
    const rejected = items.filter((item) => item['kind'] === 'rejected-event');
    assert.equal(rejected.length, 1);
    const reason = String(rejected[0]?.['reason']);
    assert.match(reason, /^detail\.taskArn is 200045 bytes; a value used in a key may have at most 512 \(it starts "arn:aws:ecs:us-east-1:111122223333:task\/prod\/x+…"\)$/);
    assert.ok(reason.length < 200, `a ${reason.length}-character reason`);
    const counter = await getItem(stack.documents, { pk: 'COUNTER#REJECTED_EVENTS', sk: 'aws.ecs#ECS Task State Change' });
    assert.equal(counter?.['count'], 1);
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
      placementFailure({ createdAt: '2026-11-20T10:01:00Z' }),
    ]);
    await stack.aws.runtime.idle();
    const actions = await queryByOwner(stack.documents, 'SERVICE#prod#web', 'ACTION#');
    assert.deepEqual(
      actions.map((action) => [action['eventName'], action['eventType'], action['reason']]),
      [
        ['SERVICE_TASK_PLACEMENT_FAILURE', 'ERROR', 'RESOURCE:CPU'],
        ['SERVICE_STEADY_STATE', 'INFO', undefined],
      ],
      'the placement failure keeps its reason',
    );
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

  it('finds the services a push deploys with one read, however many services are configured', async () => {
    const configs = new ConfigStore(stack.documents, STATE_TABLE);
    const tracking = (repository: string, tagPattern: string) => ({ ...MINIMAL_DEPLOY, image: { ...MINIMAL_DEPLOY.image, repository, tagPattern } });
    await configs.putServiceConfig({ cluster: 'prod', service: 'web-a', deploy: tracking('web', 'release-*') }, 0);
    await configs.putServiceConfig({ cluster: 'prod', service: 'web-b', deploy: tracking('web', 'release-*') }, 0);
    await configs.putServiceConfig({ cluster: 'prod', service: 'web-nightly', deploy: tracking('web', 'nightly-*') }, 0);
    for (let index = 0; index < 12; index += 1) await configs.putServiceConfig({ cluster: 'prod', service: `other${index}`, deploy: tracking(`repo${index}`, '*') }, 0);
    // Every service is busy deploying, so a request queues (no execution starts): what the push asks for stays visible.
    for (const service of ['web-a', 'web-b', 'web-nightly']) {
      await stack.documents.send(new PutCommand({ TableName: STATE_TABLE, Item: { pk: `SERVICE#prod#${service}`, sk: 'LOCK', kind: 'deploy-lock', deploymentId: 'running-deploy', orderKey: '0' } }));
    }

    handlerDynamoCalls.length = 0;
    await putEvents(stack.events, [imagePush({ 'repository-name': 'web', 'image-tag': 'release-7' })]);
    await stack.aws.runtime.idle();

    assert.deepEqual(stack.aws.runtime.invocations.map((call) => [call.functionName, call.ok]), [['harbormaster-local-ingestImagePush', true]]);
    // Finding the services is one Query, with no configuration read; queuing behind a running deploy then reads each
    // service's queue slot once, so a request it replaces is announced (deploy-superseded) in the replacing write.
    assert.deepEqual(readsAmong(handlerDynamoCalls).sort(), ['GetItemCommand SERVICE#prod#web-a', 'GetItemCommand SERVICE#prod#web-b', 'QueryCommand LOOKUP#REPOSITORY#web'], 'one Query of the repository\'s lookups, no configuration read');
    const queued = (await scanAll(stack.documents, STATE_TABLE)).filter((item) => item['sk'] === 'QUEUED');
    assert.deepEqual(queued.map((item) => item['service']).sort(), ['web-a', 'web-b'], 'exactly the services tracking the repository and tag');
  });

  it('ignores failed ECR actions (the rule filters them)', async () => {
    await putEvents(stack.events, [imagePush({ result: 'FAILURE' }), imageDeletion({ result: 'FAILURE' })]);
    await stack.aws.runtime.idle();
    assert.deepEqual(stack.aws.runtime.invocations, []);
  });

  it('marks a deleted tag deleted; an older push arriving later does not bring it back, a newer one does', async () => {
    const digest = (n: number) => `sha256:${String(n).repeat(64)}`;
    const tagItem = async (tag: string) => getItem(stack.documents, { pk: 'REPOSITORY#web', sk: `TAG#${tag}` });
    const at = (tag: string, seconds: number) => ({ time: `2026-11-20T10:00:${String(seconds).padStart(2, '0')}Z`, id: `${tag}-${seconds}` });
    // Each tag is one ordering case; events are delivered one at a time, in the order listed.
    const cases: Array<[string, Array<Record<string, unknown>>, { deleted: boolean; digest: string }]> = [
      ['late', [imagePush({ 'image-tag': 'late', 'image-digest': digest(1) }, at('p', 10)), imageDeletion({ 'image-tag': 'late', 'image-digest': digest(1) }, at('d', 20)), imagePush({ 'image-tag': 'late', 'image-digest': digest(2) }, at('p', 15))], { deleted: true, digest: digest(1) }],
      ['early-delete', [imageDeletion({ 'image-tag': 'early-delete', 'image-digest': digest(1) }, at('d', 20)), imagePush({ 'image-tag': 'early-delete', 'image-digest': digest(1) }, at('p', 10))], { deleted: true, digest: digest(1) }],
      ['repushed', [imagePush({ 'image-tag': 'repushed', 'image-digest': digest(1) }, at('p', 10)), imageDeletion({ 'image-tag': 'repushed', 'image-digest': digest(1) }, at('d', 20)), imagePush({ 'image-tag': 'repushed', 'image-digest': digest(3) }, at('p', 30))], { deleted: false, digest: digest(3) }],
      // Within one second: the deletion of a pushed digest came after its push; a push of another digest after the deletion.
      ['same-second-delete', [imageDeletion({ 'image-tag': 'same-second-delete', 'image-digest': digest(1) }, at('d', 20)), imagePush({ 'image-tag': 'same-second-delete', 'image-digest': digest(1) }, at('p', 20))], { deleted: true, digest: digest(1) }],
      ['same-second-push', [imageDeletion({ 'image-tag': 'same-second-push', 'image-digest': digest(1) }, at('d', 20)), imagePush({ 'image-tag': 'same-second-push', 'image-digest': digest(4) }, at('p', 20))], { deleted: false, digest: digest(4) }],
    ];
    for (const [, events] of cases) {
      for (const event of events) {
        await putEvents(stack.events, [event]);
        await stack.aws.runtime.idle();
      }
    }
    for (const [tag, , expected] of cases) {
      const stored = await tagItem(tag);
      assert.deepEqual({ deleted: stored?.['deleted'] === true, digest: stored?.['digest'] }, expected, tag);
    }
    assert.ok(stack.aws.runtime.invocations.every((call) => call.ok));
  });

  it('never starts a deploy for a DELETE of a tracked tag', async () => {
    const target = await createBlueGreenService(stack.aws.clientConfig);
    await putEvents(stack.events, [imageDeletion({ 'repository-name': target.repository, 'image-tag': 'v9', 'image-digest': `sha256:${'9'.repeat(64)}` })]);
    await stack.aws.runtime.idle();
    assert.deepEqual(await deployExecutions(target), []);
    const items = await scanAll(stack.documents, STATE_TABLE);
    assert.deepEqual(items.filter((item) => /^(DEPLOYMENT#|LOCK|QUEUED)/.test(String(item['sk']))), [], 'no deployment, lock or queue slot');
    assert.equal((await getItem(stack.documents, { pk: `REPOSITORY#${target.repository}`, sk: 'TAG#v9' }))?.['deleted'], true);
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

  it('records the digest of an image pushed with PutImage, and its deletion with BatchDeleteImage', async () => {
    const ecr = new ECRClient(stack.aws.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
    const digest = await pushEcrImage(ecr, 'web', 'v2');
    await stack.aws.runtime.idle();
    const stored = await getItem(stack.documents, { pk: 'REPOSITORY#web', sk: 'TAG#v2' });
    assert.equal(stored?.['digest'], digest);
    assert.equal(stored?.['deleted'], undefined);

    await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'v2' }] }));
    await stack.aws.runtime.idle();
    const deleted = await getItem(stack.documents, { pk: 'REPOSITORY#web', sk: 'TAG#v2' });
    assert.deepEqual([deleted?.['deleted'], deleted?.['digest']], [true, digest]);
  });
});
