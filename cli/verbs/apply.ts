import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, requireValidConfig } from '../config-file.ts';
import { EXIT } from '../errors.ts';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';
import { renderPlan } from '../render/plan.ts';
import { planStage } from './plan.ts';

export function register(program: Command, cli: Cli): void {
  program
    .command('apply')
    .description(
      'Make the stage match harbormaster.yml. Writes only what changed, each entry at the revision plan read (a change made meanwhile is refused, not overwritten); applying the same file again changes nothing.',
    )
    .option('-f, --file <path>', 'configuration file', DEFAULT_CONFIG_FILE)
    .option('--prune', 'remove what is stored but no longer declared in the file (its deploys and scaling stop)')
    .option('--dry-run', 'show the plan and change nothing (same as `plan`)')
    .action(async (options: { file: string; prune?: boolean; dryRun?: boolean }, command: Command) => {
      const declared = await requireValidConfig(options.file);
      const { plan, sync, stack } = await planStage(cli.session(command), declared, options.prune === true);
      const json = cli.json(command);
      const colours = cli.colours(command);
      if (options.dryRun) {
        if (json) printJson(cli.io, { stage: stack.stage, file: options.file, dryRun: true, ...plan });
        else cli.io.out(`Dry run for stage ${stack.stage}: nothing is changed.\n\n${renderPlan(plan, colours)}`);
        return;
      }
      const applied = await sync.apply(plan);
      const failed = applied.filter(({ error }) => error !== undefined);
      if (json) {
        printJson(cli.io, {
          stage: stack.stage,
          file: options.file,
          counts: plan.counts,
          applied: applied.filter(({ error }) => !error).map(({ change }) => ({ section: change.section, id: change.id, label: change.label, action: change.action })),
          failed: failed.map(({ change, error }) => ({ section: change.section, id: change.id, label: change.label, action: change.action, error: error?.message })),
        });
      } else {
        cli.io.out(`Applying ${options.file} to stage ${stack.stage} (${stack.stackName}):\n\n${renderPlan(plan, colours)}\n`);
        if (applied.length === 0) cli.io.out('Nothing to change: the stage already matches the file.\n');
        for (const { change, error } of applied) {
          const name = `${change.section} ${change.label}`;
          const done = { add: 'added', change: 'changed', remove: 'removed' }[change.action as 'add' | 'change' | 'remove'];
          cli.io.out(error ? `${colours.red('✗')} ${name}: ${error.message}\n` : `${colours.green('✓')} ${name} ${done}\n`);
        }
        if (failed.length > 0) cli.io.err(`${failed.length} change${failed.length === 1 ? '' : 's'} not applied; run \`harbormaster plan\` to see the stage as it is now, then apply again.\n`);
      }
      if (failed.length > 0) cli.exitWith(EXIT.failed);
    });
}
