import type { Command } from 'commander';
import { formatProblem } from '../../functions/config/index.ts';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../config-file.ts';
import { EXIT } from '../errors.ts';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';

export function register(program: Command, cli: Cli): void {
  program
    .command('validate')
    .description('Check harbormaster.yml offline: every problem with its path and line:column. Needs no AWS access.')
    .option('-f, --file <path>', 'configuration file', DEFAULT_CONFIG_FILE)
    .action(async (options: { file: string }, command: Command) => {
      const loaded = await loadConfigFile(options.file);
      if (cli.json(command)) {
        printJson(cli.io, loaded.ok ? { file: loaded.file, valid: true, entries: Object.fromEntries([...loaded.entries].map(([section, entries]) => [section, entries.map((entry) => entry.label)])) } : { file: loaded.file, valid: false, problems: loaded.problems });
      } else if (loaded.ok) {
        const counts = [...loaded.entries].map(([section, entries]) => `${section}: ${entries.length === 0 ? 'none' : entries.map((entry) => entry.label).join(', ')}`);
        cli.io.out(`${cli.colours(command).green('✓')} ${loaded.file} is valid (${counts.join('; ')})\n`);
      } else {
        const colours = cli.colours(command);
        for (const problem of loaded.problems) cli.io.err(`${colours.red('✗')} ${formatProblem(loaded.file, problem)}\n`);
        cli.io.err(`${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} in ${loaded.file}\n`);
      }
      if (!loaded.ok) cli.exitWith(EXIT.failed);
    });
}
