import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildAll } from '../scripts/build.ts';
import { PROJECT_ROOT, readServerlessFunctions } from '../scripts/serverless-functions.ts';
import { withFileLock } from './file-lock.ts';

/**
 * dist/ is built once per content of the stack's inputs, one process at a time: test files run in parallel and share
 * it, and `npm start` builds it while the local AWS starts. Light to import, so npm start can begin with it.
 */

const PACKAGE_INPUTS = ['serverless.yml', 'package-lock.json', 'infra', 'functions', 'statemachines', 'scripts'];
/** Where dist/ records the inputs it was built from. */
const BUILT_FROM = join(PROJECT_ROOT, 'dist', '.built-from');

/**
 * Builds the function zips unless dist/ already holds a build of these very inputs (`npm start` again, the next
 * test file). Call it holding the build lock.
 */
export async function buildOnce(): Promise<void> {
  const inputs = hashInputs();
  const built = existsSync(BUILT_FROM) && readFileSync(BUILT_FROM, 'utf8') === inputs && readServerlessFunctions().every((fn) => existsSync(fn.artifact));
  if (built) return;
  await buildAll();
  writeFileSync(BUILT_FROM, inputs);
}

/** Builds dist/ for a later `osls deploy`, so the build can overlap with other start-up work. */
export function buildFunctionZips(): Promise<void> {
  return withBuildLock(buildOnce);
}

/** Serialises everything that writes or reads dist/ across processes (test files run in parallel). */
export function withBuildLock(work: () => Promise<void>): Promise<void> {
  return withFileLock(join(PROJECT_ROOT, '.local', 'build.lock'), work);
}

/** A hash of everything the packaged stack is made from. */
export function hashInputs(): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else {
      hash.update(relative(PROJECT_ROOT, path)).update(readFileSync(path));
    }
  };
  for (const input of PACKAGE_INPUTS) visit(join(PROJECT_ROOT, input));
  return hash.digest('hex').slice(0, 16);
}
