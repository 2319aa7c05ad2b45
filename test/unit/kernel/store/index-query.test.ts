import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { queryIndexItems } from '../../../../functions/kernel/store/index-query.ts';
import { StateStoreError } from '../../../../functions/kernel/store/errors.ts';

/**
 * Reading items through a keys-only index. Ordering and paging run against the local AWS in test/integration; here
 * DynamoDB's partial answers (UnprocessedKeys, which moto never returns) are simulated.
 */

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
const key = (id: string) => ({ pk: 'SERVICE#prod#web', sk: `DEPLOYMENT#${id}` });
const item = (id: string) => ({ ...key(id), deploymentId: id, status: 'SUCCEEDED' });
const query = { index: 'byOwner', partition: 'SERVICE#prod#web', sortKeyPrefix: 'DEPLOYMENT#', newestFirst: true } as const;

describe('queryIndexItems', () => {
  beforeEach(() => dynamo.reset());

  it('returns the items in index order, whatever order BatchGetItem answers in', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [key('c'), key('b'), key('a')] });
    dynamo.on(BatchGetCommand).resolves({ Responses: { state: [item('a'), item('c'), item('b')] } });
    assert.deepEqual((await queryIndexItems(documents, 'state', query)).map((found) => found['deploymentId']), ['c', 'b', 'a']);
    const input = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    assert.equal(input?.IndexName, 'byOwner');
    assert.equal(input?.ScanIndexForward, false);
    assert.deepEqual(input?.ExpressionAttributeNames, { '#pk': 'gsi1pk', '#sk': 'gsi1sk' });
  });

  it('reads again the keys DynamoDB left unprocessed', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [key('b'), key('a')] });
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { state: [item('b')] }, UnprocessedKeys: { state: { Keys: [key('a')] } } })
      .resolvesOnce({ Responses: { state: [item('a')] } });
    assert.deepEqual((await queryIndexItems(documents, 'state', query)).map((found) => found['deploymentId']), ['b', 'a']);
    assert.deepEqual(dynamo.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.['state']?.Keys, [key('a')]);
  });

  it('gives up with a StateStoreError when keys stay unprocessed', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [key('a')] });
    dynamo.on(BatchGetCommand).resolves({ UnprocessedKeys: { state: { Keys: [key('a')] } } });
    await assert.rejects(queryIndexItems(documents, 'state', query), StateStoreError);
  });

  it('skips an entry whose item is gone (the index lags a TTL delete), and reads at most 100 keys per call', async () => {
    const ids = Array.from({ length: 150 }, (_, index) => String(index).padStart(3, '0'));
    dynamo.on(QueryCommand).resolves({ Items: ids.map(key) });
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Array<{ sk: string }> }> }) => ({
      Responses: { state: (input.RequestItems['state']?.Keys ?? []).filter((requested) => requested.sk !== 'DEPLOYMENT#007').map((requested) => item(requested.sk.slice('DEPLOYMENT#'.length))) },
    }));
    const found = await queryIndexItems(documents, 'state', query);
    assert.equal(found.length, 149);
    assert.deepEqual(dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.['state']?.Keys?.length), [100, 50]);
  });

  it('stops paging the index once it has the items asked for', async () => {
    dynamo.on(QueryCommand).resolvesOnce({ Items: [key('c'), key('b')], LastEvaluatedKey: key('b') }).resolvesOnce({ Items: [key('a')] });
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Array<{ sk: string }> }> }) => ({
      Responses: { state: (input.RequestItems['state']?.Keys ?? []).map((requested) => item(requested.sk.slice('DEPLOYMENT#'.length))) },
    }));
    assert.equal((await queryIndexItems(documents, 'state', { ...query, limit: 2 })).length, 2);
    assert.equal(dynamo.commandCalls(QueryCommand).length, 1);
    assert.equal(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.Limit, 2);
  });

  it('reads a range of sort keys within a prefix, each bound included, an absent one open', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await queryIndexItems(documents, 'state', { ...query, between: { from: '2026-11-20T10:00:00.000Z' } });
    await queryIndexItems(documents, 'state', { ...query, between: { to: '2026-11-20T10:00:00.000Z' } });
    const [from, to] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    assert.equal(from?.KeyConditionExpression, '#pk = :pk AND #sk BETWEEN :from AND :to');
    assert.deepEqual(from?.ExpressionAttributeValues, { ':pk': 'SERVICE#prod#web', ':from': 'DEPLOYMENT#2026-11-20T10:00:00.000Z', ':to': 'DEPLOYMENT#\u{10FFFF}' });
    assert.deepEqual(to?.ExpressionAttributeValues, { ':pk': 'SERVICE#prod#web', ':from': 'DEPLOYMENT#', ':to': 'DEPLOYMENT#2026-11-20T10:00:00.000Z' });
  });
});
