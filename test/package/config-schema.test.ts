import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { generatedFiles } from '../../scripts/config-schema.ts';
import { PROJECT_ROOT } from '../../scripts/serverless-functions.ts';

describe('files generated from the code', () => {
  for (const { file, content } of generatedFiles()) {
    it(`${relative(PROJECT_ROOT, file)} is what the code generates (run \`npm run schema\` after changing a schema or a command)`, () => {
      assert.ok(existsSync(file), `${relative(PROJECT_ROOT, file)} is missing: run \`npm run schema\``);
      assert.equal(readFileSync(file, 'utf8'), content);
    });
  }
});
