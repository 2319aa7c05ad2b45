import { Option, type Command } from 'commander';
import { statusFingerprint, watchVerdict, type ServiceStatus, type ServiceStatusReader, type StatusTarget, type WatchVerdict } from '../../functions/deploy/index.ts';
import { durationOption, formatDuration } from '../duration.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseInterval } from '../option-values.ts';
import { printJson, printNdjson } from '../output.ts';
import type { Cli } from '../program.ts';
import { LiveView } from '../render/live-view.ts';
import { renderOverview, renderServiceStatus } from '../render/status.ts';
import { knownServices, resolveService } from '../services.ts';
import { statusReader, statusTarget } from '../status-reader.ts';

interface StatusOptions {
  watch?: boolean;
  timeout?: number;
  interval: number;
}

const DEFAULT_INTERVAL_MS = 2000;

export function register(program: Command, cli: Cli): void {
  program
    .command('status')
    .argument('[service]', 'one service in detail: its name in harbormaster.yml, cluster/service, or the ECS service name')
    .description(
      'Every configured service: live revision and image, deploy in flight and its step, production weights, last scaling action. With SERVICE: that service in detail (steps, task sets, task counts).',
    )
    .option('-w, --watch', 'redraw the view until the deploy in flight ends and the service is stable (NDJSON frames with --json); exits 0 healthy, 1 not')
    .addOption(
      new Option('--timeout <duration>', `wait at most this long (e.g. 10m) for the service to end healthy: exit ${EXIT.ok} healthy, ${EXIT.failed} rolled back or failed, ${EXIT.timedOut} still deploying`).argParser(
        durationOption,
      ),
    )
    .addOption(new Option('--interval <duration>', 'how often to look again while watching or waiting').argParser(parseInterval).default(DEFAULT_INTERVAL_MS, '2s'))
    .action(async (argument: string | undefined, options: StatusOptions, command: Command) => {
      const session = cli.session(command);
      const reader = await statusReader(session);
      if (argument === undefined) {
        if (options.watch || options.timeout !== undefined) throw new CliError('--watch and --timeout follow one service', { hint: 'Name it: `harbormaster status SERVICE --watch`.', exitCode: EXIT.usage });
        const services = await knownServices(session);
        const statuses = await session.call('read the status of the services', () => reader.overview(services.map(statusTarget), cli.now()));
        if (cli.json(command)) printJson(cli.io, { stage: (await session.stack()).stage, services: statuses });
        else cli.io.out(renderOverview(statuses, cli.colours(command)));
        return;
      }
      const target = statusTarget(await resolveService(session, argument));
      if (options.watch || options.timeout !== undefined) {
        await follow(cli, command, reader, target, options);
        return;
      }
      const status = await session.call(`read the status of ${target.name}`, () => reader.read(target, { now: cli.now(), countTasks: true }));
      if (cli.json(command)) printJson(cli.io, status);
      else cli.io.out(renderServiceStatus(status, cli.colours(command)));
    });
}

/**
 * Looks again every interval until the watch's verdict (watchVerdict) says it ended, or the timeout elapses; with
 * --watch every look is drawn, else only the last. Sets the exit code from how it ended.
 */
async function follow(cli: Cli, command: Command, reader: ServiceStatusReader, target: StatusTarget, options: StatusOptions): Promise<void> {
  const session = cli.session(command);
  const json = cli.json(command);
  const colours = cli.colours(command);
  const view = new LiveView(cli.io);
  const deadline = options.timeout === undefined ? undefined : cli.now().getTime() + options.timeout;
  const seen = new Set<string>();
  let lastFrame: string | undefined;
  for (;;) {
    const now = cli.now();
    const status = await session.call(`read the status of ${target.name}`, () => reader.read(target, { now, countTasks: true }));
    if (status.deploy) seen.add(status.deploy.deploymentId);
    const looked = watchVerdict(status, [...seen]);
    const timedOut = !looked.ended && deadline !== undefined && now.getTime() >= deadline;
    const verdict: WatchVerdict = timedOut ? { ended: true, healthy: false, message: `timed out after ${formatDuration((options.timeout ?? 0) / 1000)}: ${looked.message}` } : looked;
    const stillDeploying = !looked.ended && looked.waitingFor === 'deploy';
    const exitCode = timedOut ? (stillDeploying ? EXIT.timedOut : EXIT.failed) : looked.ended ? (looked.healthy ? EXIT.ok : EXIT.failed) : undefined;
    if (options.watch) {
      const change = `${statusFingerprint(status)}\n${verdict.message}`;
      if (json) {
        if (change !== lastFrame) printNdjson(cli.io, frame(status, verdict, exitCode));
        lastFrame = change;
      } else {
        view.show(renderServiceStatus(status, colours, verdict), change);
      }
    }
    if (exitCode !== undefined) {
      if (!options.watch) {
        if (json) printJson(cli.io, frame(status, verdict, exitCode));
        else cli.io.out(renderServiceStatus(status, colours, verdict));
      }
      cli.exitWith(exitCode);
      return;
    }
    const wait = deadline === undefined ? options.interval : Math.min(options.interval, Math.max(0, deadline - now.getTime()));
    await cli.sleep(wait);
  }
}

function frame(status: ServiceStatus, verdict: WatchVerdict, exitCode: number | undefined): ServiceStatus & { verdict: WatchVerdict & { exitCode?: number } } {
  return { ...status, verdict: { ...verdict, ...(exitCode === undefined ? {} : { exitCode }) } };
}

