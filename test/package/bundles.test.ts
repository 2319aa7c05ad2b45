import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/build.ts';
import { bundleContents, type BundleContents } from '../../scripts/bundle-contents.ts';
import { readServerlessFunctions } from '../../scripts/serverless-functions.ts';

/** What the function bundles are made of (esbuild's metafile), as scripts/build.ts builds them. */

/** EventBridge-triggered functions and the notifier (every announcement): they must not pay for loading the schema library on a cold start. */
const HOT_PATHS = ['ingestTaskState', 'ingestImagePush', 'ingestDeploymentState', 'ingestServiceAction', 'startScaling', 'notifyOutbox', 'deliverNotification'];

let contents: Map<string, BundleContents>;

describe('function bundles', () => {
  before(async () => {
    const functions = readServerlessFunctions();
    const built = await Promise.all(
      functions.map(async (fn) => {
        const result = await build({ ...bundleOptions(fn.sourcePath, join('/tmp', fn.key, 'handler.mjs')), write: false, metafile: true });
        return [fn.key, bundleContents(result.metafile)] as const;
      }),
    );
    contents = new Map(built);
  });

  it('load no schema library on the hot ingestion paths', () => {
    for (const key of HOT_PATHS) assert.equal(contents.get(key)?.zodBytes, 0, `${key} bundles zod`);
  });

  it('take the ESM build of every dependency that has one', () => {
    for (const [key, bundle] of contents) assert.equal(bundle.commonJsBytes, 0, `${key} bundles CommonJS builds (dist-cjs)`);
  });

  it('still bundle zod where configuration is validated (the check sees it)', () => {
    assert.ok((contents.get('blueGreenStep')?.zodBytes ?? 0) > 0);
  });
});
