import { after, before, beforeEach } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { startLocalAws, type LocalAws } from '../../local/local-aws.ts';
import { COVERAGE_DIRECTORY_VARIABLE, dumpExecutionHistories } from '../../scripts/asl-coverage.ts';
import { queryIndexItems } from '../../functions/kernel/store/index-query.ts';
import { sharedDocumentClient } from '../../functions/kernel/aws/clients.ts';

/**
 * One local AWS per test file with the serverless.yml stack deployed fresh before every test.
 * Tests drive it as AWS would be driven (PutEvents, ECS/ECR calls) and assert on what ended up stored.
 */

export const STATE_TABLE = 'harbormaster-local-state';
export const OUTBOX_TABLE = 'harbormaster-local-outbox';

export interface StackUnderTest {
  aws: LocalAws;
  documents: DynamoDBDocumentClient;
  events: EventBridgeClient;
}

export function useDeployedStack(): StackUnderTest {
  const stack = {} as StackUnderTest;
  before(async () => {
    // Handlers log every event; thousands of JSON lines would hide the test report.
    process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
    stack.aws = await startLocalAws();
    stack.documents = DynamoDBDocumentClient.from(new DynamoDBClient(stack.aws.clientConfig));
    stack.events = new EventBridgeClient(stack.aws.clientConfig);
  });
  beforeEach(async () => {
    await dumpHistories(stack);
    await stack.aws.reset();
    await stack.aws.deployStack();
  });
  after(async () => {
    if (stack.aws) await dumpHistories(stack);
    await stack.aws?.stop();
  });
  return stack;
}

/** For `npm run test:asl-coverage` (scripts/asl-coverage.ts): the previous test's executions, before reset forgets them. */
async function dumpHistories(stack: StackUnderTest): Promise<void> {
  const directory = process.env[COVERAGE_DIRECTORY_VARIABLE];
  if (!directory) return;
  await stack.aws.runtime.idle().catch(() => undefined);
  await dumpExecutionHistories(new SFNClient(stack.aws.clientConfig), directory);
}

/** Publishes full EventBridge events (as the fixtures build them) on the default bus, 10 per call as AWS allows. */
export async function putEvents(events: EventBridgeClient, envelopes: Array<Record<string, unknown>>): Promise<void> {
  const entries: PutEventsRequestEntry[] = envelopes.map((envelope) => ({
    Source: envelope['source'] as string,
    DetailType: envelope['detail-type'] as string,
    Detail: JSON.stringify(envelope['detail']),
    Resources: envelope['resources'] as string[],
    Time: new Date(envelope['time'] as string),
  }));
  for (let start = 0; start < entries.length; start += 10) {
    const result = await events.send(new PutEventsCommand({ Entries: entries.slice(start, start + 10) }));
    if (result.FailedEntryCount) throw new Error(`PutEvents failed for ${result.FailedEntryCount} entries: ${JSON.stringify(result.Entries)}`);
  }
}

/** Publishes the envelopes on parallel PutEvents lanes (envelope i goes to lane i mod lanes), as many producers would. */
export async function putEventsInLanes(events: EventBridgeClient, envelopes: Array<Record<string, unknown>>, lanes: number): Promise<void> {
  await Promise.all(Array.from({ length: lanes }, (_, lane) => putEvents(events, envelopes.filter((_, index) => index % lanes === lane))));
}

export async function scanAll(documents: DynamoDBDocumentClient, table: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export async function getItem(documents: DynamoDBDocumentClient, key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await documents.send(new GetCommand({ TableName: STATE_TABLE, Key: key }))).Item;
}

/** Items of one owner (service, repository) in the byOwner index, newest first. */
export async function queryByOwner(documents: DynamoDBDocumentClient, owner: string, kindPrefix: string): Promise<Array<Record<string, unknown>>> {
  return queryIndexItems(documents, STATE_TABLE, { index: 'byOwner', partition: owner, sortKeyPrefix: kindPrefix, newestFirst: true });
}

/**
 * Every DynamoDB call the handlers make from now on, as `<command> <partition read or written>`: handlers run in the
 * test process and share the SDK client module. Empty the array to start counting afresh.
 */
export function recordHandlerDynamoCalls(): string[] {
  const calls: string[] = [];
  sharedDocumentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { pk?: unknown }; Item?: { pk?: unknown }; ExpressionAttributeValues?: Record<string, unknown> };
      calls.push(`${String(context.commandName)} ${String(input.Key?.pk ?? input.Item?.pk ?? input.ExpressionAttributeValues?.[':pk'] ?? '')}`.trim());
      return next(args);
    },
    { step: 'initialize', name: 'testDynamoCallRecorder' },
  );
  return calls;
}

/** Only the reads among recorded calls. */
export const readsAmong = (calls: string[]) => calls.filter((call) => /^(GetItem|Query|Scan|BatchGetItem)Command/.test(call));
