import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexWrites, readTableDefinitions, type IndexDefinition, type TableDefinition } from '../../../bench/item-writes.ts';

/** The index-write rules of AWS's "Global secondary indexes: provisioned throughput considerations". */

const keysOnly: IndexDefinition = { name: 'byOwner', keyAttributes: ['gsi1pk', 'gsi1sk'], projection: { type: 'KEYS_ONLY' } };
const all: IndexDefinition = { ...keysOnly, projection: { type: 'ALL' } };
const include: IndexDefinition = { ...keysOnly, projection: { type: 'INCLUDE', attributes: ['status'] } };
const table: TableDefinition = { keyAttributes: ['pk', 'sk'], indexes: [keysOnly] };
const item = (fields: Record<string, unknown>) => ({ pk: 'TASK#a', sk: 'STATE', ...fields });
const indexed = item({ gsi1pk: 'SERVICE#prod#web', gsi1sk: 'TASK#1', status: 'PENDING', version: 1 });

describe('index writes per item write', () => {
  const cases: Array<[string, IndexDefinition, Record<string, unknown> | undefined, Record<string, unknown> | undefined, number]> = [
    ['a new item with the index keys enters the index', keysOnly, undefined, indexed, 1],
    ['a new item without them does not', keysOnly, undefined, item({ status: 'PENDING' }), 0],
    ['a deleted item leaves the index', keysOnly, indexed, undefined, 1],
    ['a removed index key takes the item out of the index', keysOnly, indexed, item({ status: 'PENDING' }), 1],
    ['a changed index key is a delete and a put', keysOnly, indexed, { ...indexed, gsi1sk: 'TASK#2' }, 2],
    ['keys only: other attributes changing write nothing', keysOnly, indexed, { ...indexed, status: 'RUNNING', version: 2 }, 0],
    ['all: any attribute changing rewrites the entry', all, indexed, { ...indexed, version: 2 }, 1],
    ['include: a projected attribute changing rewrites the entry', include, indexed, { ...indexed, status: 'RUNNING' }, 1],
    ['include: an attribute not projected writes nothing', include, indexed, { ...indexed, version: 2 }, 0],
    ['an identical rewrite writes nothing', all, indexed, { ...indexed }, 0],
  ];
  for (const [name, index, before, after, expected] of cases) {
    it(name, () => assert.equal(indexWrites(table, index, before, after), expected));
  }
});

describe('the table definitions of infra/tables.yml', () => {
  it('name the state table’s keys and each index with its projection', () => {
    const state = readTableDefinitions().get('state');
    assert.deepEqual(state?.keyAttributes, ['pk', 'sk']);
    assert.ok(state?.indexes.some((index) => index.name === 'byOwner'));
  });
});
