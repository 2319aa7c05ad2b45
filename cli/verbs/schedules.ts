import { Option, type Command } from 'commander';
import type { SectionStore } from '../../functions/config/index.ts';
import { ScheduleItems, SchedulerSchedules, ScheduleSection, TaskDefinitionCheck } from '../../functions/schedules/index.ts';
import { durationOption } from '../duration.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseCount } from '../option-values.ts';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';
import { renderScheduleHistory, renderScheduleList } from '../render/schedules.ts';
import { scheduleControls } from '../schedules.ts';
import type { Session, StackResources } from '../session.ts';

/** How often `schedules run --wait` looks at the run's execution. */
const POLL_MS = 2000;

export function register(program: Command, cli: Cli): void {
  const schedules = program
    .command('schedules')
    .description('Scheduled ECS tasks: each schedule with its expression, time zone, next 5 fire times in its zone, whether it is suspended, and its last run and outcome.')
    .action(async (_options: unknown, command: Command) => {
      const session = cli.session(command);
      const controls = await scheduleControls(session);
      const overviews = await session.call('read the schedules', () => controls.list(cli.now()));
      if (cli.json(command)) printJson(cli.io, { schedules: overviews });
      else cli.io.out(renderScheduleList(overviews, cli.colours(command)));
    });

  schedules
    .command('run')
    .description('Run a schedule now, under its policies (overlap, deadline, retries), as a manual fire. The same request within one second starts one run.')
    .argument('<name>', 'the schedule’s name in harbormaster.yml')
    .option('--dry-run', 'show the run that would start (execution name and input) and start nothing')
    .option('--wait', 'wait for the run to end; exit 0 if it succeeded, 1 otherwise')
    .addOption(new Option('--timeout <duration>', 'with --wait: stop waiting after this long (the run goes on; exit code 3)').argParser(durationOption).default(60 * 60_000, '1h'))
    .action(async (name: string, options: { dryRun?: boolean; wait?: boolean; timeout: number }, command: Command) => {
      const session = cli.session(command);
      const controls = await scheduleControls(session);
      const run = await session.call(`start a run of schedule ${name}`, () => controls.run(name, cli.now(), { dryRun: options.dryRun === true }));
      const json = cli.json(command);
      if (options.dryRun) {
        if (json) printJson(cli.io, { dryRun: true, ...run });
        else cli.io.out(`Dry run: would start ${run.executionName} with ${JSON.stringify(run.input)}. Nothing was started.\n`);
        return;
      }
      if (!json) cli.io.err(`${run.started ? 'Started' : 'Already started'} ${run.executionName} (scheduled time ${run.input.scheduledTime}).\n`);
      if (!options.wait) {
        if (json) printJson(cli.io, run);
        return;
      }
      const deadline = cli.now().getTime() + options.timeout;
      let status = await session.call('follow the run', () => controls.executionStatus(run.executionArn));
      while (status === 'RUNNING' && cli.now().getTime() < deadline) {
        await cli.sleep(POLL_MS);
        status = await session.call('follow the run', () => controls.executionStatus(run.executionArn));
      }
      if (status === 'RUNNING') {
        throw new CliError(`The run ${run.executionName} is still going`, { hint: `See it later with \`harbormaster schedules history ${name}\`.`, exitCode: EXIT.timedOut });
      }
      const runId = `${name}@${run.input.scheduledTime}`;
      const attempts = (await session.call(`read the runs of ${name}`, () => controls.history(name, 50))).filter((record) => record.runId === runId);
      const outcome = attempts[0]?.outcome;
      if (json) printJson(cli.io, { ...run, executionStatus: status, outcome, attempts });
      else cli.io.out(`${run.executionName}: ${status}${outcome ? `, ${outcome}` : ''}${attempts[0]?.reason ? ` (${attempts[0].reason})` : ''}\n`);
      if (status !== 'SUCCEEDED' || outcome !== 'SUCCEEDED') cli.exitWith(EXIT.failed);
    });

  for (const suspend of [true, false]) {
    schedules
      .command(suspend ? 'suspend' : 'resume')
      .description(
        suspend
          ? 'Stop a schedule firing (its Scheduler schedule is DISABLED). Recorded as an operator override that apply keeps and plan reports until the file says suspended: true, or `resume` ends it.'
          : 'Let a suspended schedule fire again; ends an operator override (or records one, if the file says suspended: true).',
      )
      .argument('<name>', 'the schedule’s name in harbormaster.yml')
      .option('--dry-run', 'show what would change, change nothing')
      .action(async (name: string, options: { dryRun?: boolean }, command: Command) => {
        const session = cli.session(command);
        const controls = await scheduleControls(session);
        const result = await session.call(`${suspend ? 'suspend' : 'resume'} schedule ${name}`, () => controls.setSuspended(name, suspend, cli.now(), { dryRun: options.dryRun === true }));
        if (cli.json(command)) {
          printJson(cli.io, { schedule: name, dryRun: options.dryRun === true, ...result });
          return;
        }
        const verb = suspend ? 'suspended' : 'resumed';
        const prefix = options.dryRun ? 'Dry run: would leave' : 'Now';
        const overrideText = result.override ? ' (an operator override: the file says otherwise; plan reports it)' : ' (as the file says)';
        cli.io.out(`${prefix} ${name} ${result.after ? 'suspended' : 'active'}${overrideText}${result.before === result.after ? `; it already was ${verb === 'suspended' ? 'suspended' : 'active'}` : ''}.\n`);
      });
  }

  schedules
    .command('history')
    .description('A schedule’s runs, newest first: scheduled time, attempt, trigger, outcome, start, duration, exit code per container, and why it failed, was skipped or missed.')
    .argument('<name>', 'the schedule’s name in harbormaster.yml')
    .option('--limit <n>', 'at most this many run attempts', parseCount, 20)
    .action(async (name: string, options: { limit: number }, command: Command) => {
      const session = cli.session(command);
      const controls = await scheduleControls(session);
      const runs = await session.call(`read the runs of schedule ${name}`, () => controls.history(name, options.limit));
      if (cli.json(command)) printJson(cli.io, { schedule: name, runs });
      else if (runs.length === 0) cli.io.out(`No runs of ${name} are recorded yet.\n`);
      else cli.io.out(renderScheduleHistory(runs, cli.colours(command)));
    });
}

/** The schedules section's store for plan and apply. */
export function scheduleSection(session: Session, stack: StackResources): SectionStore {
  return new ScheduleSection({
    items: new ScheduleItems(session.documents, stack.tables.state),
    scheduler: new SchedulerSchedules(session.scheduler, stack.schedules.groupName),
    taskDefinitions: new TaskDefinitionCheck(session.ecs),
    deployment: stack.schedules,
  });
}
