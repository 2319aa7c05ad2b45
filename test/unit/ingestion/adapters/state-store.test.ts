import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { StateStore } from '../../../../functions/ingestion/adapters/state-store.ts';
import { StateStoreError } from '../../../../functions/kernel/store/errors.ts';
import { taskFailedNotification } from '../../../../functions/ingestion/domain/task-failed-notification.ts';
import { parseTaskStateChange } from '../../../../functions/ingestion/domain/task-state.ts';
import { taskStateChange } from '../../../fixtures/aws-events.ts';

/**
 * How the store turns DynamoDB's answers into outcomes. The guards themselves run against the local AWS in
 * test/integration; here DynamoDB's refusals are simulated to cover every branch, including ones moto never takes.
 */

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
const store = new StateStore(documents, { state: 'state', outbox: 'outbox' });
const task = parseTaskStateChange(taskStateChange({ version: 5 }));
const refused = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item ? { Item: marshall(item) } : {}) });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('StateStore.applyTaskState', () => {
  beforeEach(() => dynamo.reset());

  const verdicts: Array<[string, number, string]> = [
    ['an older stored version', 4, 'apply'],
    ['the same stored version', 5, 'duplicate'],
    ['a newer stored version', 7, 'stale'],
  ];
  for (const [name, storedVersion, expected] of verdicts.slice(1)) {
    it(`reports ${expected} when DynamoDB refuses because of ${name}, without a second read`, async () => {
      dynamo.on(PutCommand).rejects(refused({ version: storedVersion }));
      assert.deepEqual(await store.applyTaskState(task), { outcome: expected });
      assert.equal(dynamo.commandCalls(GetCommand).length, 0);
    });
  }

  it('reads the stored item when the refusal does not carry it', async () => {
    dynamo.on(PutCommand).rejects(refused());
    dynamo.on(GetCommand).resolves({ Item: { version: 9 } });
    assert.deepEqual(await store.applyTaskState(task), { outcome: 'stale' });
  });

  it('reports the status an applied event replaced (what stability waiters look at), none for a new task', async () => {
    dynamo.on(PutCommand).resolvesOnce({ Attributes: { version: 4, lastStatus: 'PENDING' } }).resolvesOnce({});
    assert.deepEqual(await store.applyTaskState(task), { outcome: 'apply', previousStatus: 'PENDING' });
    assert.deepEqual(await store.applyTaskState(task), { outcome: 'apply' });
    assert.equal(dynamo.commandCalls(PutCommand)[0]?.args[0].input.ReturnValues, 'ALL_OLD');
  });

  it('wraps any other DynamoDB error in a StateStoreError that keeps the cause, so Lambda retries the event', async () => {
    const throttled = new Error('Rate exceeded');
    dynamo.on(PutCommand).rejects(throttled);
    await assert.rejects(store.applyTaskState(task), (error: unknown) => error instanceof StateStoreError && error.cause === throttled);
  });

  it('classifies a refused transaction by its first cancellation reason', async () => {
    const failed = parseTaskStateChange(
      taskStateChange({ version: 5, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', containers: [{ name: 'web', exitCode: 1 }] }),
    );
    const reason = { Code: 'ConditionalCheckFailed', Item: marshall({ version: 5 }) };
    dynamo.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [reason, { Code: 'None' }] }));
    assert.deepEqual(await store.applyTaskState(failed, taskFailedNotification(failed)), { outcome: 'duplicate' });
  });

  it('retries a transaction cancelled by a conflicting transaction', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    const outcome = await store.recordRejectedEvent({ id: 'e1', source: 's', detailType: 'd' }, 'bad', {}, '2026-11-20T00:00:00.000Z');
    assert.equal(outcome, 'apply');
    assert.equal(dynamo.commandCalls(TransactWriteCommand).length, 2);
  });

  it('gives up on endless conflicts with a StateStoreError', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
    await assert.rejects(store.recordRejectedEvent({ id: 'e1', source: 's', detailType: 'd' }, 'bad', {}, '2026-11-20T00:00:00.000Z'), StateStoreError);
    assert.equal(dynamo.commandCalls(TransactWriteCommand).length, 6);
  });
});

describe('StateStore image and deployment guards', () => {
  beforeEach(() => dynamo.reset());

  it('tells a redelivered push (same event id) from an older push', async () => {
    const { parseImageAction } = await import('../../../../functions/ingestion/domain/image-push.ts');
    const { imagePush } = await import('../../../fixtures/aws-events.ts');
    const push = parseImageAction(imagePush({}, { id: 'push-1' }));
    assert.equal(push.action, 'PUSH');
    if (push.action !== 'PUSH') return;
    dynamo.on(PutCommand).rejectsOnce(refused({ eventId: 'push-1' })).rejectsOnce(refused({ eventId: 'push-0' }));
    assert.equal(await store.recordImagePush(push), 'duplicate');
    assert.equal(await store.recordImagePush(push), 'stale');
  });
});
