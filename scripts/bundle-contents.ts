import type { Metafile } from 'esbuild';

/** What one bundle is made of, from esbuild's metafile: bytes in the output per package, zod and CommonJS builds apart. */
export interface BundleContents {
  bytes: number;
  bytesByPackage: Map<string, number>;
  /** Bytes of the schema library (zod) that survived tree shaking. */
  zodBytes: number;
  /** Bytes taken from CommonJS builds (`dist-cjs/`) of packages that also ship an ESM build. */
  commonJsBytes: number;
}

export function bundleContents(metafile: Metafile): BundleContents {
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
  if (!output) throw new Error('The metafile has no entry point output');
  const bytesByPackage = new Map<string, number>();
  let commonJsBytes = 0;
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? '(project)';
    bytesByPackage.set(name, (bytesByPackage.get(name) ?? 0) + bytesInOutput);
    if (/\/dist-cjs\//.test(path)) commonJsBytes += bytesInOutput;
  }
  return { bytes: output.bytes, bytesByPackage, zodBytes: bytesByPackage.get('zod') ?? 0, commonJsBytes };
}
