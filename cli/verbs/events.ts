import { Option, type Command } from 'commander';
import { DeployEventsReader } from '../../functions/deploy/index.ts';
import { ServiceEventsReader } from '../../functions/ingestion/index.ts';
import { EventFeed } from '../event-feed.ts';
import { durationOption } from '../duration.ts';
import { parseCount, parseTimePoint, resolveTimePoint, type TimePoint } from '../option-values.ts';
import { printNdjson } from '../output.ts';
import type { Cli } from '../program.ts';
import { eventHeaderLine, eventLine, renderEvents } from '../render/events.ts';
import { resolveService } from '../services.ts';

/** How far back each poll looks: events reach the state table some seconds after they happen, and out of order. */
const FOLLOW_WINDOW_MS = 5 * 60_000;

interface EventsOptions {
  since: TimePoint;
  limit: number;
  follow?: boolean;
  interval: number;
}

export function register(program: Command, cli: Cli): void {
  program
    .command('events')
    .description(
      "A service's recorded events, oldest first: its tasks (created, running, stopping, stopped with stop code and exit codes), ECS deployments and service actions, and its deploys' requests, steps and outcomes.",
    )
    .argument('<service>', 'name in harbormaster.yml, cluster/service, or the ECS service name')
    .addOption(new Option('--since <when>', 'only events at or after this: a duration ago (30m, 1h, 7d) or an ISO time').argParser(parseTimePoint).default({ ago: 24 * 3_600_000 }, '24h'))
    .option('--limit <n>', 'at most this many (the newest) of the events already recorded', parseCount, 100)
    .option('-f, --follow', 'keep printing new events as they are recorded, until interrupted (Ctrl-C)')
    .addOption(new Option('--interval <duration>', 'with --follow: how often to look for new events').argParser(durationOption).default(5000, '5s'))
    .addHelpText('after', '\nThe state table keeps the newest state of each task and ECS deployment: their past states show as the times ECS recorded (created, started, stopping, stopped), and --follow shows each new state as it is recorded.')
    .action(async (name: string, options: EventsOptions, command: Command) => {
      const session = cli.session(command);
      const [target, stack] = await Promise.all([resolveService(session, name), session.stack()]);
      const feed = new EventFeed([new ServiceEventsReader(session.documents, stack.tables.state, target), new DeployEventsReader(session.documents, stack.tables, target)]);
      const since = resolveTimePoint(options.since, cli.now());
      const json = cli.json(command);
      const colours = cli.colours(command);
      const first = await session.call(`read the events of ${target.name}`, () => feed.first(since, options.limit));
      if (json) {
        for (const event of first) printNdjson(cli.io, event);
      } else if (options.follow) {
        cli.io.out(eventHeaderLine());
        for (const event of first) cli.io.out(eventLine(event, colours));
      } else {
        cli.io.out(first.length > 0 ? renderEvents(first, colours) : `No events of ${target.name} (${target.cluster}/${target.service}) recorded since ${since.toISOString()}.\n`);
      }
      if (!options.follow) return;

      const interrupted = cli.interruption();
      while (!interrupted.aborted) {
        await cli.sleep(options.interval, interrupted);
        if (interrupted.aborted) break;
        const window = new Date(Math.max(since.getTime(), cli.now().getTime() - FOLLOW_WINDOW_MS));
        const fresh = await session.call(`read the events of ${target.name}`, () => feed.next(window));
        for (const event of fresh) {
          if (json) printNdjson(cli.io, event);
          else cli.io.out(eventLine(event, colours));
        }
      }
    });
}
