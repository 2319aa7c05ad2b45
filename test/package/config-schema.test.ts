import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generateJsonSchema, SCHEMA_FILE } from '../../scripts/config-schema.ts';

describe('schema/harbormaster.schema.json', () => {
  it('is what the sections’ schemas generate (run `npm run schema` after changing one)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), generateJsonSchema());
  });
});
