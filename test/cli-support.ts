import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type MainOptions } from '../cli/program.ts';

/** Runs `harbormaster …` in-process, as the bin does, and keeps what it wrote. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: Omit<MainOptions, 'io'> & { isTTY?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    ...options,
    io: { out: (text) => void (stdout += text), err: (text) => void (stderr += text), isTTY: options.isTTY ?? false, columns: 120 },
  });
  return { code, stdout, stderr };
}

/** Writes a harbormaster.yml into a fresh temporary directory and returns its path. */
export function writeConfigFile(text: string, name = 'harbormaster.yml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'harbormaster-')), name);
  writeFileSync(path, text);
  return path;
}
