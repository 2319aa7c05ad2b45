import type { Command } from 'commander';
import { ConfigStore, ConfigSync, configStores, type ConfigPlan, type DeclaredEntries } from '../../functions/config/index.ts';
import { scheduleSection } from './schedules.ts';
import { DEFAULT_CONFIG_FILE, requireValidConfig } from '../config-file.ts';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';
import { renderPlan } from '../render/plan.ts';
import type { Session, StackResources } from '../session.ts';

export function register(program: Command, cli: Cli): void {
  program
    .command('plan')
    .description('Show what `apply` would change in the stage: added / changed / removed, field by field. Changes nothing.')
    .option('-f, --file <path>', 'configuration file', DEFAULT_CONFIG_FILE)
    .option('--prune', 'also list what apply --prune would remove (stored, no longer in the file)')
    .action(async (options: { file: string; prune?: boolean }, command: Command) => {
      const declared = await requireValidConfig(options.file);
      const { plan, stack } = await planStage(cli.session(command), declared, options.prune === true);
      if (cli.json(command)) printJson(cli.io, { stage: stack.stage, file: options.file, ...plan });
      else cli.io.out(`Plan for stage ${stack.stage} (${stack.stackName}) from ${options.file}:\n\n${renderPlan(plan, cli.colours(command))}`);
    });
}

/** The configuration sync of the session's stage: every section's store. */
export async function configSync(session: Session): Promise<{ sync: ConfigSync; stack: StackResources }> {
  const stack = await session.stack();
  const stores = configStores(new ConfigStore(session.documents, stack.tables.state));
  stores.set('schedules', scheduleSection(session, stack));
  return { sync: new ConfigSync(stores), stack };
}

export async function planStage(session: Session, declared: DeclaredEntries, prune: boolean): Promise<{ plan: ConfigPlan; sync: ConfigSync; stack: StackResources }> {
  const { sync, stack } = await configSync(session);
  const plan = await session.call(`read the stored configuration of stage ${stack.stage}`, () => sync.plan(declared, { prune }));
  return { plan, sync, stack };
}
