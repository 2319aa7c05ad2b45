import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { stageConfigSchema } from '../functions/config/index.ts';
import { PROJECT_ROOT } from './serverless-functions.ts';

/**
 * schema/harbormaster.schema.json, generated from the sections' zod schemas so editors complete and check
 * harbormaster.yml (`# yaml-language-server: $schema=…`). `npm run schema` writes it; `--check` (run by the
 * package tests) fails when the committed file is not what the schemas generate.
 */

export const SCHEMA_FILE = join(PROJECT_ROOT, 'schema', 'harbormaster.schema.json');

export function generateJsonSchema(): string {
  // Draft 7: what the YAML language server and most editors implement. Input types: defaults make fields optional.
  const schema = z.toJSONSchema(stageConfigSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, $id: 'https://github.com/harbormaster/harbormaster/schema/harbormaster.schema.json' }, null, 2)}\n`;
}

if (import.meta.main) {
  const generated = generateJsonSchema();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== generated) {
      console.error('schema/harbormaster.schema.json is out of date: run `npm run schema` and commit it.');
      process.exit(1);
    }
  } else {
    writeFileSync(SCHEMA_FILE, generated);
    console.log(`wrote ${SCHEMA_FILE}`);
  }
}
