import { Option, type Command } from 'commander';
import { CleanupRuns } from '../../functions/cleanup/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { durationOption } from '../duration.ts';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';
import { renderCleanupReport } from '../render/cleanup.ts';

/** How often the run's execution is looked at while it runs. */
const POLL_MS = 1000;

export function register(program: Command, cli: Cli): void {
  const cleanup = program.command('cleanup').description('Task-definition revision cleanup: what a run would remove (plan), or a run now (run).');
  cleanup
    .command('plan')
    .description('Start a dry-run cleanup, wait for it, and print what it would deregister and delete per family, with the totals. Changes nothing.')
    .addOption(timeoutOption())
    .action((options: { timeout: number }, command: Command) => runCleanup(cli, command, { dryRun: true, timeout: options.timeout }));
  cleanup
    .command('run')
    .description('Start a cleanup run that deregisters and deletes revisions (the cleanup settings in harbormaster.yml decide which), wait for it, and print its summary. Exits 1 if the run failed or ECS refused some revisions.')
    .option('--dry-run', 'only plan: change nothing (same as `cleanup plan`)')
    .addOption(timeoutOption())
    .action((options: { dryRun?: boolean; timeout: number }, command: Command) => runCleanup(cli, command, { dryRun: options.dryRun === true, timeout: options.timeout }));
}

function timeoutOption(): Option {
  return new Option('--timeout <duration>', 'stop waiting after this long (the run goes on; exit code 3)').argParser(durationOption).default(30 * 60_000, '30m');
}

async function runCleanup(cli: Cli, command: Command, options: { dryRun: boolean; timeout: number }): Promise<void> {
  const session = cli.session(command);
  const stack = await session.stack();
  const runs = new CleanupRuns({ sfn: session.sfn, documents: session.documents, tables: stack.tables, stateMachineArn: stack.cleanupStateMachineArn });
  const json = cli.json(command);
  const started = await session.call('start a cleanup run', () => runs.start({ dryRun: options.dryRun }));
  if (!json) cli.io.err(`Started ${options.dryRun ? 'a dry-run' : 'a'} cleanup run in stage ${stack.stage}: ${started.executionName}\n`);
  const end = await session.call('follow the cleanup run', () => runs.waitForEnd(started.executionArn, { now: () => cli.now(), sleep: (milliseconds) => cli.sleep(milliseconds), timeoutMs: options.timeout, pollMs: POLL_MS }));
  if (end.status === 'RUNNING') {
    throw new CliError(`Cleanup run ${started.executionName} is still running`, {
      hint: `It goes on without the CLI; see it with \`aws stepfunctions describe-execution --execution-arn ${started.executionArn}\`.`,
      exitCode: EXIT.timedOut,
    });
  }
  const report = await session.call('read the cleanup run', () => runs.report(end));
  if (!report) {
    throw new CliError(`Cleanup run ${started.executionName} ended ${end.status} without recording a summary${end.error ? ` (${end.error}: ${end.cause ?? ''})` : ''}`, {
      hint: `Its execution history says why: \`aws stepfunctions get-execution-history --execution-arn ${started.executionArn}\`.`,
    });
  }
  const colours = cli.colours(command);
  const { run } = report;
  if (json) printJson(cli.io, { executionArn: started.executionArn, ...report });
  else if (run.status === 'failed') cli.io.out(`${colours.red('✗')} Cleanup run ${run.executionName} failed: ${run.error?.error ?? end.error ?? 'unknown error'}: ${run.error?.cause ?? end.cause ?? ''}\n`);
  else cli.io.out(`${run.dryRun ? `Dry run ${run.executionName}: nothing was changed.` : `Cleanup run ${run.executionName}: ${run.status}.`}\n\n${renderCleanupReport(report, colours)}`);
  if (run.status === 'failed' || run.status === 'partial') cli.exitWith(EXIT.failed);
}
