import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InitializeHandlerOptions, InitializeMiddleware } from '@smithy/types';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../scripts/serverless-functions.ts';

/**
 * Item writes as DynamoDB bills them: one per item written in the table, plus the writes each global secondary index
 * needs (AWS, "Global secondary indexes: provisioned throughput considerations, write capacity"):
 *   - the item enters the index (it now has the index key attributes): 1 write;
 *   - it leaves the index (a key attribute removed, or the item deleted): 1 write;
 *   - an index key attribute changes value: 2 writes (delete the old entry, put the new one);
 *   - only projected non-key attributes change: 1 write;
 *   - nothing the index holds changes, or the item is in the index neither before nor after: no write.
 * Index definitions come from infra/tables.yml, so the count follows the real projections.
 */

export type Projection = { type: 'ALL' } | { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: string[] };

export interface IndexDefinition {
  name: string;
  keyAttributes: string[];
  projection: Projection;
}

export interface TableDefinition {
  keyAttributes: string[];
  indexes: IndexDefinition[];
}

type Item = Record<string, unknown>;

/** The index entry an item has (undefined: the item is not in the index), as the attributes the index stores. */
function indexEntry(table: TableDefinition, index: IndexDefinition, item: Item | undefined): Item | undefined {
  if (item === undefined || index.keyAttributes.some((attribute) => item[attribute] === undefined)) return undefined;
  if (index.projection.type === 'ALL') return item;
  const stored = [...table.keyAttributes, ...index.keyAttributes, ...(index.projection.type === 'INCLUDE' ? index.projection.attributes : [])];
  return Object.fromEntries(stored.filter((attribute) => item[attribute] !== undefined).map((attribute) => [attribute, item[attribute]]));
}

export function indexWrites(table: TableDefinition, index: IndexDefinition, before: Item | undefined, after: Item | undefined): number {
  const [old, next] = [indexEntry(table, index, before), indexEntry(table, index, after)];
  if (old === undefined) return next === undefined ? 0 : 1;
  if (next === undefined) return 1;
  if (index.keyAttributes.some((attribute) => !sameValue(old[attribute], next[attribute]))) return 2;
  return sameValue(old, next) ? 0 : 1;
}

/** Order-insensitive deep equality for DynamoDB values (maps, lists, sets, scalars). */
function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(canonical(left)) === JSON.stringify(canonical(right));
}

function canonical(value: unknown): unknown {
  if (value instanceof Set) return { $set: [...value].map(canonical).sort() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, canonical(inner)]));
  }
  return value;
}

/** The tables of infra/tables.yml, by the suffix of their name (`state`, `outbox`). */
export function readTableDefinitions(path = join(PROJECT_ROOT, 'infra', 'tables.yml')): Map<string, TableDefinition> {
  interface CfnTable {
    Type: string;
    Properties: {
      TableName: string;
      KeySchema: Array<{ AttributeName: string }>;
      GlobalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: Array<{ AttributeName: string }>; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }>;
    };
  }
  const resources = (parse(readFileSync(path, 'utf8'), { logLevel: 'silent' }) as { Resources: Record<string, CfnTable> }).Resources;
  const tables = new Map<string, TableDefinition>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const { TableName, KeySchema, GlobalSecondaryIndexes = [] } = resource.Properties;
    tables.set(TableName.split('-').pop() as string, {
      keyAttributes: KeySchema.map((key) => key.AttributeName),
      indexes: GlobalSecondaryIndexes.map((index) => ({
        name: index.IndexName,
        keyAttributes: index.KeySchema.map((key) => key.AttributeName),
        projection:
          index.Projection.ProjectionType === 'INCLUDE'
            ? { type: 'INCLUDE', attributes: index.Projection.NonKeyAttributes ?? [] }
            : { type: index.Projection.ProjectionType as 'ALL' | 'KEYS_ONLY' },
      })),
    });
  }
  return tables;
}

export interface ItemWriteCounts {
  /** Items written in tables. */
  table: number;
  /** Writes the global secondary indexes needed for them. */
  index: number;
  /** Conditional writes DynamoDB refused (they write nothing, though AWS still bills a refused write). */
  refused: number;
}

type WriteRequest = { kind: 'put'; table: string; item: Item } | { kind: 'update' | 'delete'; table: string; key: Item };

/** The item writes a document-client command asks for (reads and condition checks ask for none). */
function writeRequests(command: string, input: Record<string, unknown>): WriteRequest[] {
  const table = input['TableName'] as string;
  switch (command) {
    case 'PutItemCommand':
      return [{ kind: 'put', table, item: input['Item'] as Item }];
    case 'UpdateItemCommand':
      return [{ kind: 'update', table, key: input['Key'] as Item }];
    case 'DeleteItemCommand':
      return [{ kind: 'delete', table, key: input['Key'] as Item }];
    case 'TransactWriteItemsCommand':
      return (input['TransactItems'] as Array<Record<string, Record<string, unknown>>>).flatMap((entry) => {
        const [operation, request] = Object.entries(entry)[0] as [string, Record<string, unknown>];
        if (operation === 'Put') return writeRequests('PutItemCommand', request);
        if (operation === 'Update') return writeRequests('UpdateItemCommand', request);
        if (operation === 'Delete') return writeRequests('DeleteItemCommand', request);
        return [];
      });
    case 'BatchWriteItemCommand':
      return Object.entries(input['RequestItems'] as Record<string, Array<Record<string, { Item?: Item; Key?: Item }>>>).flatMap(([batchTable, requests]) =>
        requests.map((request) => (request['PutRequest'] ? { kind: 'put' as const, table: batchTable, item: request['PutRequest'].Item as Item } : { kind: 'delete' as const, table: batchTable, key: request['DeleteRequest']?.Key as Item })),
      );
    default:
      return [];
  }
}

/**
 * Counts item writes (table and index) of every successful write a document client sends, from the tables'
 * definitions and a shadow copy of each item written: a Put's item is its new image, a Delete leaves none, an Update's
 * new image is read back with `reader` (a client the count does not see). Start on empty tables; writes of one item
 * from concurrent requests may be attributed to either, so benchmark scenarios write each item from one request at a time.
 */
export function countItemWrites(
  client: { middlewareStack: { add(middleware: InitializeMiddleware<any, any>, options: InitializeHandlerOptions): void } }, // eslint-disable-line @typescript-eslint/no-explicit-any -- any client
  tables: Map<string, TableDefinition>,
  reader: DynamoDBDocumentClient,
): ItemWriteCounts & { reset(): void } {
  const counts = { table: 0, index: 0, refused: 0, reset: () => Object.assign(counts, { table: 0, index: 0, refused: 0 }) };
  const shadow = new Map<string, Item>();
  const definitionOf = (tableName: string) => tables.get(tableName.split('-').pop() as string);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const requests = writeRequests(String(context.commandName), args.input as Record<string, unknown>);
      if (requests.length === 0) return next(args);
      let result;
      try {
        result = await next(args);
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException') counts.refused += 1;
        throw error;
      }
      for (const request of requests) {
        const table = definitionOf(request.table);
        if (!table) continue;
        const key = request.kind === 'put' ? pick(request.item, table.keyAttributes) : request.key;
        const id = `${request.table}\n${JSON.stringify(canonical(key))}`;
        const after =
          request.kind === 'put'
            ? request.item
            : request.kind === 'delete'
              ? undefined
              : (await reader.send(new GetCommand({ TableName: request.table, Key: key, ConsistentRead: true }))).Item;
        const before = shadow.get(id);
        counts.table += 1;
        counts.index += table.indexes.reduce((sum, index) => sum + indexWrites(table, index, before, after), 0);
        if (after === undefined) shadow.delete(id);
        else shadow.set(id, after);
      }
      return result;
    },
    { step: 'initialize', name: 'benchItemWriteCounter' },
  );
  return counts;
}

function pick(item: Item, attributes: string[]): Item {
  return Object.fromEntries(attributes.map((attribute) => [attribute, item[attribute]]));
}
