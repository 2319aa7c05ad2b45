import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StateStoreError } from './errors.ts';
import { STATE_INDEXES, type StateIndexName } from './state-items.ts';

/**
 * The state table's indexes project keys only, so that a task event writes the table alone (docs/decisions/0002).
 * A query of an index therefore returns keys; this reads the items they name, in the index's order.
 */

export interface IndexQuery {
  index: StateIndexName;
  /** The index partition, e.g. `SERVICE#<cluster>#<service>` in byOwner. */
  partition: string;
  /** Only entries whose index sort key starts with this, e.g. `DEPLOYMENT#`. */
  sortKeyPrefix?: string;
  /**
   * With sortKeyPrefix: only entries whose sort key after the prefix lies between `from` and `to`, both included
   * (ISO times compare as strings: `{ from: since }` is "at or after since"). An absent bound is open.
   */
  between?: { from?: string; to?: string };
  newestFirst?: boolean;
  /** At most this many items; all of them when absent. */
  limit?: number;
}

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_KEYS = 100;
/** Rounds for the keys DynamoDB left unprocessed (throttled partitions) before giving up. */
const UNPROCESSED_ROUNDS = 6;

export async function queryIndexItems(client: DynamoDBDocumentClient, table: string, query: IndexQuery): Promise<Array<Record<string, unknown>>> {
  return getItemsByKey(client, table, await queryIndexKeys(client, table, query));
}

/** Items by key, strongly consistent, in the order of `keys`; a key whose item is gone is skipped. */
export async function getItemsByKey(client: DynamoDBDocumentClient, table: string, keys: Array<{ pk: unknown; sk: unknown }>): Promise<Array<Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
    let pending: Array<Record<string, unknown>> = keys.slice(start, start + BATCH_GET_KEYS);
    for (let round = 1; pending.length > 0; round += 1) {
      if (round > UNPROCESSED_ROUNDS) throw new StateStoreError(`${pending.length} items of ${table} stayed unprocessed after ${UNPROCESSED_ROUNDS} BatchGetItem rounds`);
      if (round > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** round));
      const page = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of page.Responses?.[table] ?? []) items.set(keyId(item), item);
      pending = (page.UnprocessedKeys?.[table]?.Keys ?? []) as Array<Record<string, unknown>>;
    }
  }
  // An entry whose item was deleted meanwhile (TTL) has no item: the index lags the table.
  return keys.flatMap((key) => {
    const item = items.get(keyId(key));
    return item === undefined ? [] : [item];
  });
}

async function queryIndexKeys(client: DynamoDBDocumentClient, table: string, query: IndexQuery): Promise<Array<{ pk: unknown; sk: unknown }>> {
  const { partitionKey, sortKey } = STATE_INDEXES[query.index];
  const keys: Array<{ pk: unknown; sk: unknown }> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: query.index,
        ...keyCondition(query, partitionKey, sortKey),
        ScanIndexForward: !query.newestFirst,
        ...(query.limit === undefined ? {} : { Limit: query.limit - keys.length }),
        ExclusiveStartKey,
      }),
    );
    keys.push(...(page.Items ?? []).map((item) => ({ pk: item['pk'], sk: item['sk'] })));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && (query.limit === undefined || keys.length < query.limit));
  return keys;
}

/** Everything of the partition, a sort key prefix, or a range within a prefix (the highest code point ends it). */
function keyCondition(query: IndexQuery, partitionKey: string, sortKey: string) {
  const { sortKeyPrefix: prefix, between } = query;
  if (prefix === undefined) return { KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': partitionKey }, ExpressionAttributeValues: { ':pk': query.partition } };
  const names = { '#pk': partitionKey, '#sk': sortKey };
  if (between === undefined) return { KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':pk': query.partition, ':prefix': prefix } };
  return {
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':pk': query.partition, ':from': `${prefix}${between.from ?? ''}`, ':to': `${prefix}${between.to ?? '\u{10FFFF}'}` },
  };
}

function keyId(item: Record<string, unknown>): string {
  return JSON.stringify([item['pk'], item['sk']]);
}
