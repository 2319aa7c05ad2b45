import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ServiceEventsReader } from '../../../../functions/ingestion/adapters/service-events-reader.ts';
import { taskItem } from '../../../../functions/ingestion/adapters/state-items.ts';
import { parseTaskStateChange } from '../../../../functions/ingestion/domain/task-state.ts';
import { taskArn, taskStateChange } from '../../../fixtures/aws-events.ts';

/**
 * What a follower costs: after the first read, a poll reads the tasks created in its window (a key range) and, by key,
 * only the tasks that were still live; never the service's whole task history again. The reads themselves run against
 * the local AWS in test/integration/cli.
 */

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
const running = taskItem(parseTaskStateChange(taskStateChange({ taskArn: taskArn('running') })));
const stopped = taskItem(parseTaskStateChange(taskStateChange({ taskArn: taskArn('stopped'), lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: '2026-11-20T10:01:00.000Z' })));
const keyOf = (item: Record<string, unknown>) => ({ pk: item['pk'], sk: item['sk'] });

describe('ServiceEventsReader', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
      const values = input.ExpressionAttributeValues;
      const taskQuery = (values[':prefix'] ?? values[':from'] ?? '').startsWith('TASK#');
      return { Items: taskQuery && values[':prefix'] ? [keyOf(stopped), keyOf(running)] : [] };
    });
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Array<{ pk: string }> }> }) => ({
      Responses: { state: [running, stopped].filter((item) => input.RequestItems['state']?.Keys.some((key) => key.pk === item['pk'])) },
    }));
  });

  it('reads every task once, then polls only the live ones and the window', async () => {
    const reader = new ServiceEventsReader(documents, 'state', { cluster: 'prod', service: 'web' });
    const first = await reader.read('2026-11-20T09:00:00.000Z');
    assert.deepEqual(first.map((event) => event.type).sort(), ['TASK_CREATED', 'TASK_CREATED', 'TASK_RUNNING', 'TASK_RUNNING', 'TASK_STOPPED']);
    const [taskQuery] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input).filter((input) => input.ExpressionAttributeValues?.[':prefix'] === 'TASK#');
    assert.equal(taskQuery?.IndexName, 'byOwner');
    assert.equal(taskQuery?.ExpressionAttributeValues?.[':pk'], 'SERVICE#prod#web');

    dynamo.resetHistory();
    await reader.poll('2026-11-20T10:05:00.000Z');
    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    assert.ok(queries.every((input) => input.KeyConditionExpression === '#pk = :pk AND #sk BETWEEN :from AND :to'), 'every poll query is a key range');
    assert.deepEqual(queries.map((input) => input.ExpressionAttributeValues?.[':from']).sort(), ['ACTION#2026-11-20T10:05:00.000Z', 'ECS_DEPLOYMENT#2026-11-20T10:05:00.000Z', 'TASK#2026-11-20T10:05:00.000Z']);
    const read = dynamo.commandCalls(BatchGetCommand).flatMap((call) => call.args[0].input.RequestItems?.['state']?.Keys ?? []);
    assert.deepEqual(read, [keyOf(running)], 'the stopped task is not read again');
  });
});
