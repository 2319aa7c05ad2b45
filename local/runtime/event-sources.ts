/**
 * Lambda's pollers for SQS queues and DynamoDB streams, which moto leaves to us (moto fix 21): after a write to a table
 * with a mapped stream, or a message sent to a mapped queue, the new records are read from moto and the function is
 * invoked with them as Lambda would (batches up to BatchSize, the event source's filter, DelaySeconds honoured,
 * partial batch failures: the failed records come back, the others do not). Pokes instead of polling: nothing runs
 * while nothing is written.
 */
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { LambdaClient, paginateListEventSourceMappings, type EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { FunctionResolver, LambdaInvoker } from './lambda.ts';
import type { InFlightTracker } from './tracker.ts';
import { sleep } from './tracker.ts';
import { isRecord, normaliseFunctionName } from './wire.ts';

export interface EventSourceDeps {
  upstream: string;
  functions: FunctionResolver;
  invoker: LambdaInvoker;
  tracker: InFlightTracker;
  region?: string;
}

/** Locally a failed message is visible again after this long, not the queue's visibility timeout (minutes). */
const LOCAL_VISIBILITY_SECONDS = 1;
/** Lambda retries a failing stream batch until MaximumRetryAttempts; locally the pause between tries is short. */
const STREAM_RETRY_PAUSE_MS = 100;
const DEFAULT_STREAM_RETRIES = 10;

interface Mapping {
  uuid: string;
  functionName: string;
  sourceArn: string;
  batchSize: number;
  maximumRetryAttempts: number;
  filters: Array<Record<string, unknown>>;
}

export class EventSources {
  readonly #deps: EventSourceDeps;
  readonly #lambda: LambdaClient;
  readonly #streams: DynamoDBStreamsClient;
  readonly #sqs: SQSClient;
  #mappings: Promise<Mapping[]> | undefined;
  /** Per mapping: the last stream sequence number delivered (shard id → sequence). */
  readonly #positions = new Map<string, Map<string, string>>();
  /** Per mapping: the drain running now, and whether another was asked for meanwhile. */
  readonly #draining = new Map<string, { again: boolean }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #queueUrls = new Map<string, string>();

  constructor(deps: EventSourceDeps) {
    this.#deps = deps;
    const config = { endpoint: deps.upstream, region: deps.region ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
    this.#lambda = new LambdaClient(config);
    this.#streams = new DynamoDBStreamsClient(config);
    this.#sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
  }

  /** Stacks come and go (CloudFormation, CreateEventSourceMapping): read the mappings again on next use. */
  invalidate(): void {
    this.#mappings = undefined;
  }

  reset(): void {
    this.invalidate();
    this.#positions.clear();
    this.#queueUrls.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  destroy(): void {
    this.reset();
    this.#lambda.destroy();
    this.#streams.destroy();
    this.#sqs.destroy();
  }

  /** A DynamoDB write call went through: the tables it names may have new stream records. */
  async written(input: Record<string, unknown>): Promise<void> {
    const tables = writtenTables(input);
    if (tables.size === 0) return;
    const mappings = (await this.#mappingsNow()).filter((mapping) => tables.has(streamTable(mapping.sourceArn) ?? ''));
    for (const mapping of mappings) this.#drain(mapping, () => this.#drainStream(mapping));
  }

  /** Messages were sent to a queue: each mapped function gets them once their delay has passed. */
  async sent(input: Record<string, unknown>): Promise<void> {
    const queueUrl = typeof input['QueueUrl'] === 'string' ? input['QueueUrl'] : undefined;
    const queueArn = queueUrl ? queueArnOf(queueUrl, this.#deps.region ?? 'us-east-1') : undefined;
    if (!queueUrl || !queueArn) return;
    this.#queueUrls.set(queueArn, queueUrl);
    const entries = Array.isArray(input['Entries']) ? input['Entries'].filter(isRecord) : [input];
    const delays = new Set(entries.map((entry) => (typeof entry['DelaySeconds'] === 'number' ? entry['DelaySeconds'] : 0)));
    for (const mapping of (await this.#mappingsNow()).filter((candidate) => candidate.sourceArn === queueArn)) {
      for (const delay of delays) this.#later(delay * 1000, () => this.#drain(mapping, () => this.#drainQueue(mapping, queueUrl)));
    }
  }

  #later(ms: number, action: () => void): void {
    if (ms <= 0) return action();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  /** One drain per mapping at a time, like one poller per shard; a poke during a drain runs it once more after. */
  #drain(mapping: Mapping, run: () => Promise<void>): void {
    const running = this.#draining.get(mapping.uuid);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.#draining.set(mapping.uuid, state);
    const loop = async (): Promise<void> => {
      try {
        do {
          state.again = false;
          await run();
        } while (state.again);
      } finally {
        this.#draining.delete(mapping.uuid);
      }
    };
    void this.#deps.tracker.track(loop()).catch((error: unknown) => console.error(`[local-runtime] event source ${mapping.sourceArn} → ${mapping.functionName} failed:`, error));
  }

  async #drainStream(mapping: Mapping): Promise<void> {
    const positions = this.#positions.get(mapping.uuid) ?? new Map<string, string>();
    this.#positions.set(mapping.uuid, positions);
    const description = await this.#streams.send(new DescribeStreamCommand({ StreamArn: mapping.sourceArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId ?? '';
      for (;;) {
        const after = positions.get(shardId);
        const { ShardIterator } = await this.#streams.send(
          new GetShardIteratorCommand({ StreamArn: mapping.sourceArn, ShardId: shardId, ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }) }),
        );
        const { Records = [] } = await this.#streams.send(new GetRecordsCommand({ ShardIterator, Limit: mapping.batchSize }));
        if (Records.length === 0) break;
        await this.#deliverStreamBatch(mapping, Records);
        positions.set(shardId, Records[Records.length - 1]?.dynamodb?.SequenceNumber ?? after ?? '');
      }
    }
  }

  /** Retries from the first failed record, as Lambda does with ReportBatchItemFailures, until the retries run out. */
  async #deliverStreamBatch(mapping: Mapping, records: _Record[]): Promise<void> {
    let pending = records.filter((record) => matchesFilters(mapping.filters, record as unknown as Record<string, unknown>));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const event = { Records: pending.map((record) => ({ ...record, dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: epochSeconds(record.dynamodb?.ApproximateCreationDateTime) }, eventSourceARN: mapping.sourceArn })) };
      const failed = await this.#invoke(mapping, event, pending.map((record) => record.dynamodb?.SequenceNumber ?? ''));
      if (failed.length === 0) return;
      if (attempt >= mapping.maximumRetryAttempts) {
        console.error(`[local-runtime] ${mapping.functionName} kept failing on ${failed.length} stream records; dropped after ${attempt + 1} tries`);
        return;
      }
      const first = pending.findIndex((record) => failed.includes(record.dynamodb?.SequenceNumber ?? ''));
      pending = pending.slice(Math.max(0, first));
      await sleep(STREAM_RETRY_PAUSE_MS * (attempt + 1));
    }
  }

  async #drainQueue(mapping: Mapping, queueUrl: string): Promise<void> {
    for (;;) {
      const { Messages = [] } = await this.#sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(10, mapping.batchSize), WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
      );
      if (Messages.length === 0) return;
      const failed = new Set(await this.#invoke(mapping, { Records: Messages.map((message) => sqsRecord(message, mapping.sourceArn, this.#deps.region ?? 'us-east-1')) }, Messages.map((message) => message.MessageId ?? '')));
      const done = Messages.filter((message) => !failed.has(message.MessageId ?? ''));
      const back = Messages.filter((message) => failed.has(message.MessageId ?? ''));
      if (done.length > 0) await this.#sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })) }));
      if (back.length > 0) {
        await this.#sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: back.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: LOCAL_VISIBILITY_SECONDS })) }));
        this.#later(LOCAL_VISIBILITY_SECONDS * 1000 + 50, () => this.#drain(mapping, () => this.#drainQueue(mapping, queueUrl)));
      }
    }
  }

  /** The ids of the records that failed: all of them when the function failed, else its batchItemFailures. */
  async #invoke(mapping: Mapping, event: unknown, ids: string[]): Promise<string[]> {
    const handler = await this.#deps.functions.resolve(mapping.functionName);
    if (!handler) return [];
    const reply = await this.#deps.invoker.invoke(mapping.functionName, handler, 'RequestResponse', Buffer.from(JSON.stringify(event)));
    if (reply.headers['x-amz-function-error']) return ids;
    const body: unknown = JSON.parse(reply.body.toString() || 'null');
    const failures = isRecord(body) && Array.isArray(body['batchItemFailures']) ? body['batchItemFailures'].filter(isRecord) : [];
    return failures.map((failure) => String(failure['itemIdentifier'] ?? ''));
  }

  async #mappingsNow(): Promise<Mapping[]> {
    this.#mappings ??= this.#listMappings().catch((error: unknown) => {
      this.#mappings = undefined;
      throw error;
    });
    return this.#mappings;
  }

  async #listMappings(): Promise<Mapping[]> {
    const mappings: Mapping[] = [];
    for await (const page of paginateListEventSourceMappings({ client: this.#lambda }, {})) {
      for (const esm of page.EventSourceMappings ?? []) {
        const mapping = mappingOf(esm);
        if (mapping) mappings.push(mapping);
      }
    }
    return mappings;
  }
}

function mappingOf(esm: EventSourceMappingConfiguration): Mapping | undefined {
  if (!esm.UUID || !esm.FunctionArn || !esm.EventSourceArn || (esm.State && !['Enabled', 'Creating', 'Enabling', 'Updating'].includes(esm.State))) return undefined;
  const filters = (esm.FilterCriteria?.Filters ?? []).flatMap((filter) => {
    try {
      const pattern: unknown = JSON.parse(filter.Pattern ?? '');
      return isRecord(pattern) ? [pattern] : [];
    } catch {
      return [];
    }
  });
  const isQueue = esm.EventSourceArn.startsWith('arn:aws:sqs:');
  return {
    uuid: esm.UUID,
    functionName: normaliseFunctionName(esm.FunctionArn),
    sourceArn: esm.EventSourceArn,
    batchSize: esm.BatchSize ?? (isQueue ? 10 : 100),
    maximumRetryAttempts: esm.MaximumRetryAttempts === undefined || esm.MaximumRetryAttempts < 0 ? DEFAULT_STREAM_RETRIES : esm.MaximumRetryAttempts,
    filters,
  };
}

/** Tables a DynamoDB write call names (PutItem…, TransactWriteItems, BatchWriteItem). */
function writtenTables(input: Record<string, unknown>): Set<string> {
  const tables = new Set<string>();
  if (typeof input['TableName'] === 'string') tables.add(input['TableName']);
  for (const item of Array.isArray(input['TransactItems']) ? input['TransactItems'].filter(isRecord) : []) {
    for (const operation of Object.values(item)) if (isRecord(operation) && typeof operation['TableName'] === 'string') tables.add(operation['TableName']);
  }
  if (isRecord(input['RequestItems'])) for (const table of Object.keys(input['RequestItems'])) tables.add(table);
  return tables;
}

/** arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL → NAME. */
function streamTable(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:dynamodb:[^:]+:\d+:table\/([^/]+)\/stream\//.exec(arn)?.[1];
}

/** https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (or moto's host) → arn:aws:sqs:REGION:ACCOUNT:NAME. */
function queueArnOf(queueUrl: string, region: string): string | undefined {
  try {
    const [account, name] = new URL(queueUrl).pathname.split('/').filter((part) => part !== '');
    return account && name ? `arn:aws:sqs:${region}:${account}:${name}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The SQS record Lambda passes (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, "Example standard queue
 * message event").
 */
function sqsRecord(message: Message, queueArn: string, region: string): Record<string, unknown> {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: message.Attributes ?? {},
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, { stringValue: value.StringValue, binaryValue: value.BinaryValue, stringListValues: [], binaryListValues: [], dataType: value.DataType }]),
    ),
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Lambda's event filtering for the patterns we use: a value list per field, nested objects for nested fields. */
export function matchesFilters(filters: Array<Record<string, unknown>>, record: Record<string, unknown>): boolean {
  return filters.length === 0 || filters.some((filter) => matchesPattern(filter, record));
}

function matchesPattern(pattern: Record<string, unknown>, value: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = value[field];
    if (Array.isArray(expected)) return expected.some((candidate) => candidate === actual);
    return isRecord(expected) && isRecord(actual) && matchesPattern(expected, actual);
  });
}

function epochSeconds(value: unknown): unknown {
  return value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
}
