import type { Command } from 'commander';
import { ScalingStore, scalingHistoryEntry } from '../../functions/scaling/index.ts';
import { parseCount } from '../option-values.ts';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';
import { renderScalingHistory } from '../render/scaling.ts';
import { resolveService } from '../services.ts';

export function register(program: Command, cli: Cli): void {
  program
    .command('scaling')
    .description(
      "A service's step-scaling activity, newest first: each evaluation of a policy with its alarm, the metric that triggered it, the step chosen, the desired count before → after, and the outcome (scaled, in cooldown, at limit, no action, failed) with its reason.",
    )
    .argument('<service>', 'name in harbormaster.yml, cluster/service, or the ECS service name')
    .option('--limit <n>', 'at most this many evaluations', parseCount, 20)
    .action(async (name: string, options: { limit: number }, command: Command) => {
      const session = cli.session(command);
      const [target, stack] = await Promise.all([resolveService(session, name), session.stack()]);
      const store = new ScalingStore(session.documents, stack.tables);
      const entries = (await session.call(`read the scaling activity of ${target.name}`, () => store.history(target.cluster, target.service, options.limit))).map(scalingHistoryEntry);
      if (cli.json(command)) {
        printJson(cli.io, { service: { name: target.name, cluster: target.cluster, service: target.service }, activities: entries });
      } else if (entries.length === 0) {
        const scaled = target.stored.config.scaling !== undefined;
        cli.io.out(`No scaling activity recorded for ${target.name} (${target.cluster}/${target.service}).${scaled ? '' : ' It has no scaling section in harbormaster.yml.'}\n`);
      } else {
        cli.io.out(renderScalingHistory(entries, cli.colours(command)));
      }
    });
}
