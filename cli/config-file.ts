import { readFile } from 'node:fs/promises';
import { formatProblem, readConfigText, type ConfigProblem, type DeclaredEntries } from '../functions/config/index.ts';
import { CliError } from './errors.ts';

export const DEFAULT_CONFIG_FILE = 'harbormaster.yml';

export type LoadedConfig = { ok: true; file: string; entries: DeclaredEntries } | { ok: false; file: string; problems: ConfigProblem[] };

/** Reads and validates harbormaster.yml, offline. */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError(missing ? `${file} does not exist` : `Could not read ${file}: ${(error as Error).message}`, {
      hint: missing ? 'Pass the file with --file, or write a starter with `harbormaster init --cluster C --service S`.' : undefined,
    });
  }
  const result = readConfigText(text);
  return result.ok ? { ok: true, file, entries: result.entries } : { ok: false, file, problems: result.problems };
}

/** For plan and apply: the declared entries, or an error listing every problem. */
export async function requireValidConfig(file: string): Promise<DeclaredEntries> {
  const loaded = await loadConfigFile(file);
  if (loaded.ok) return loaded.entries;
  throw new CliError(`${file} is not valid (${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}):\n${loaded.problems.map((problem) => `  ${formatProblem(file, problem)}`).join('\n')}`, {
    hint: 'Fix them and run `harbormaster validate` again.',
  });
}
