import { InvalidArgumentError, Option, type Command } from 'commander';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';
import { renderHistory } from '../render/status.ts';
import { resolveService } from '../services.ts';
import { statusReader } from '../status-reader.ts';

/** History is read in one go (an index query, then the items by key): a bound keeps a typo from reading years of it. */
const MAX_LIMIT = 1000;

export function register(program: Command, cli: Cli): void {
  program
    .command('deploys')
    .argument('<service>', 'its name in harbormaster.yml, cluster/service, or the ECS service name')
    .description("A service's deployments, newest first: id, image, trigger, strategy, outcome, reason, start and duration.")
    .addOption(new Option('--limit <n>', `how many (at most ${MAX_LIMIT})`).argParser(limitOption).default(20))
    .action(async (argument: string, options: { limit: number }, command: Command) => {
      const session = cli.session(command);
      const known = await resolveService(session, argument);
      const reader = await statusReader(session);
      const records = await session.call(`read the deployments of ${known.name}`, () => reader.history(known, options.limit, cli.now()));
      if (cli.json(command)) printJson(cli.io, { name: known.name, cluster: known.cluster, service: known.service, deployments: records });
      else cli.io.out(renderHistory(records, cli.colours(command)));
    });
}

function limitOption(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}
