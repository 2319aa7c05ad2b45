import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, readConfigText } from '../../functions/config/index.ts';
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

describe('harbormaster.yml examples written by hand', () => {
  for (const page of ['docs/quick-start.md', 'README.md']) {
    it(`every yaml block of ${page} is a valid harbormaster.yml`, () => {
      const blocks = [...readFileSync(join(PROJECT_ROOT, page), 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
      assert.ok(blocks.length > 0, `${page} has no yaml block`);
      for (const block of blocks) {
        const result = readConfigText(block);
        assert.ok(result.ok, result.ok ? '' : result.problems.map((problem) => formatProblem(page, problem)).join('\n'));
      }
    });
  }
});
