import { spawn } from 'node:child_process';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DASHBOARD_PORT, openDashboard } from '../dashboard/dashboard.ts';
import { CliError } from '../errors.ts';
import { parseInterval } from '../option-values.ts';
import type { Cli } from '../program.ts';

interface DashboardOptions {
  port: number;
  interval: number;
  open?: boolean;
}

export function register(program: Command, cli: Cli): void {
  program
    .command('dashboard')
    .description(
      'A live dashboard in the browser: services, a deploy in flight step by step, history, scaling, schedules and notifications, with approve, promote, abort, roll back and run-now. Served on 127.0.0.1 only, with your AWS credentials; runs until Ctrl-C.',
    )
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (0: any free port)').argParser(portOption).default(DASHBOARD_PORT))
    .addOption(new Option('--interval <duration>', 'how often the live views look again').argParser(parseInterval).default(2000, '2s'))
    .option('--open', 'open it in the default browser')
    .action(async (options: DashboardOptions, command: Command) => {
      const session = cli.session(command);
      // A missing stack or credentials fail here, before anything is served.
      const stack = await session.stack();
      const dashboard = await openDashboard(session, { port: options.port, intervalMs: options.interval, now: () => cli.now() }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`Port ${options.port} on 127.0.0.1 is taken (another dashboard?)`, { hint: 'Pick another with --port N, or --port 0 for any free one.' });
        throw error;
      });
      cli.io.out(`Dashboard of stage ${stack.stage}: ${dashboard.url}\nCtrl-C stops it.\n`);
      if (options.open) openInBrowser(dashboard.url);
      const interruption = cli.interruption();
      if (!interruption.aborted) await new Promise((resolve) => interruption.addEventListener('abort', resolve, { once: true }));
      await dashboard.close();
    });
}

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('Give a whole number from 1 to 65535, or 0 for any free one.');
  return port;
}

/** The platform's own opener; without one the printed URL is enough. */
function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(command, [url], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
}
