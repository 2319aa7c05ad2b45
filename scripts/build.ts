import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { Zip, type ZipInputFile } from 'fflate';
import { PROJECT_ROOT, readServerlessFunctions, type FunctionDefinition } from './serverless-functions.ts';

/**
 * Bundles each function declared in serverless.yml into its own zip (dist/<key>.zip) for `package.artifact`.
 * The AWS SDK is bundled too, so what runs in Lambda is exactly the version tested here, not the runtime's copy.
 */

const OUT_DIR = join(PROJECT_ROOT, 'dist');
// Fixed timestamps make zips byte-identical across builds, so unchanged functions are not redeployed.
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');
// Level 9 takes three times as long for zips 0.3 % smaller.
const ZIP_LEVEL = 6;
const deflate = promisify(deflateRaw);

/** How every function is bundled, entry points aside. */
const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  // esbuild's node default is main first, which picks the SDK's CommonJS builds (dist-cjs): one module per package,
  // nothing tree-shaken. `module` first takes their ESM builds (dist-es), which tree-shake to what is imported.
  mainFields: ['module', 'main'],
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
};

/** One function bundled as the build bundles it; the cold-start bench and the bundle tests build with exactly these options. */
export function bundleOptions(entryPoint: string, outfile: string): BuildOptions {
  return { ...BUNDLE_OPTIONS, entryPoints: [entryPoint], outfile };
}

/** The handler module's path inside the zip, as Lambda resolves `handler`. */
function modulePath(fn: FunctionDefinition): string {
  return `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.mjs`;
}

/**
 * Bundles every function in one esbuild run, which parses each shared module (the SDK above all) once instead of
 * once per function, then zips each bundle with its source map.
 */
export async function buildFunctions(functions: FunctionDefinition[]): Promise<Array<{ key: string; bytes: number }>> {
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: functions.map((fn) => ({ in: fn.sourcePath, out: join(fn.key, modulePath(fn).replace(/\.mjs$/, '')) })),
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
  });
  return Promise.all(
    functions.map(async (fn) => {
      const staging = join(OUT_DIR, fn.key);
      const files = [modulePath(fn), `${modulePath(fn)}.map`].map((name) => ({ name, data: readFileSync(join(staging, name)) }));
      mkdirSync(dirname(fn.artifact), { recursive: true });
      writeFileSync(fn.artifact, await zipDeflated(files));
      return { key: fn.key, bytes: statSync(fn.artifact).size };
    }),
  );
}

/**
 * A zip of the files, deflated by Node's zlib on its thread pool (several files at once, and faster than deflating in
 * JavaScript); fflate writes the archive around the deflated data.
 */
async function zipDeflated(files: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const deflated = await Promise.all(files.map(({ data }) => deflate(data, { level: ZIP_LEVEL })));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk, final) => {
      if (error) return reject(error);
      chunks.push(chunk);
      if (final) resolve(Buffer.concat(chunks));
    });
    files.forEach(({ name, data }, index) => {
      const entry: ZipInputFile = { filename: name, size: data.length, crc: crc32(data), compression: 8, mtime: ZIP_MTIME };
      zip.add(entry);
      entry.ondata?.(null, new Uint8Array(deflated[index] as Buffer), true);
    });
    zip.end();
  });
}

/** A clean dist/ with every function of serverless.yml. */
export async function buildAll(): Promise<Array<{ key: string; bytes: number }>> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  return buildFunctions(readServerlessFunctions());
}

async function main(): Promise<void> {
  const started = performance.now();
  const results = await buildAll();
  for (const { key, bytes } of results) console.log(`  ${key.padEnd(28)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB  ${relative(PROJECT_ROOT, join(OUT_DIR, `${key}.zip`))}`);
  console.log(`Built ${results.length} functions in ${Math.round(performance.now() - started)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
