import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The functions declared in serverless.yml, the single list that the build script bundles and the local runtime
 * maps deployed function names back to.
 */

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface FunctionDefinition {
  /** The key under `functions:`; the deployed name is `<service>-<stage>-<key>`. */
  key: string;
  /** `functions/<capability>/handlers/x.handler` as Lambda sees it inside the zip. */
  handler: string;
  /** Absolute path of the TypeScript module that exports the handler. */
  sourcePath: string;
  /** Exported name of the handler function. */
  exportName: string;
  /** Where the build writes the zip (`package.artifact`). */
  artifact: string;
}

export function readServerlessFunctions(configPath = join(PROJECT_ROOT, 'serverless.yml')): FunctionDefinition[] {
  // CloudFormation short-form tags (!Ref, !GetAtt) are irrelevant here; keep them as plain values, silently.
  const config = parse(readFileSync(configPath, 'utf8'), { logLevel: 'silent' }) as {
    functions?: Record<string, { handler?: string; package?: { artifact?: string } }>;
  };
  return Object.entries(config.functions ?? {}).map(([key, definition]) => {
    const handler = definition.handler;
    const artifact = definition.package?.artifact;
    const match = handler ? /^(.+)\.([A-Za-z_$][\w$]*)$/.exec(handler) : null;
    if (!match || !artifact) {
      throw new Error(`serverless.yml: function ${key} needs "handler: <path>.<export>" and "package.artifact" (got ${handler}, ${artifact})`);
    }
    return {
      key,
      handler: handler as string,
      sourcePath: join(PROJECT_ROOT, `${match[1]}.ts`),
      exportName: match[2] as string,
      artifact: join(PROJECT_ROOT, artifact),
    };
  });
}
