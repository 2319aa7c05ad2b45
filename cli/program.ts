import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT, exitCodes } from './errors.ts';
import { coloursFor, processIo, type Colours, type Io } from './output.ts';
import { Session, type GlobalOptions } from './session.ts';
import { VERBS } from './verbs/index.ts';

/**
 * `harbormaster`: configuration as code (validate, plan, apply, init) and the operator verbs. Each verb is one file in
 * cli/verbs/ that registers itself on the program; this file holds what they share.
 */

export interface Cli {
  io: Io;
  env: NodeJS.ProcessEnv;
  /** The AWS side, from the global options (--stage, --profile, --region). */
  session(command: Command): Session;
  colours(command: Command): Colours;
  /** Whether --json was asked for. */
  json(command: Command): boolean;
  now(): Date;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
  /**
   * Aborted when the operator interrupts (the first Ctrl-C), or by MainOptions.signal. Only verbs that run until
   * interrupted (--follow, --watch) ask for it, so Ctrl-C ends every other verb as usual.
   */
  interruption(): AbortSignal;
  /** Sets the exit code of a verb that ends without throwing, but not successfully (e.g. status --timeout). */
  exitWith(code: number): void;
}

export type Verb = (program: Command, cli: Cli) => void;

export interface MainOptions {
  io?: Io;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  /** Ends --follow and --watch (instead of Ctrl-C): how tests stop a verb that runs until interrupted. */
  signal?: AbortSignal;
}

/** Where the CLI finds AWS: printed by `harbormaster --help` and docs/cli.md. */
export const ENVIRONMENT_HELP = `Credentials and region follow the AWS conventions (AWS_PROFILE, AWS_REGION, --profile, --region). To drive the
local control plane of \`npm start\`, export the AWS_ENDPOINT_URL line it prints.`;

const EXIT_CODES_HELP = `
Exit codes:
${exitCodes().map(({ code, meaning }) => `  ${code}  ${meaning}`).join('\n')}

${ENVIRONMENT_HELP}`;

export function buildProgram(cli: Cli): Command {
  const program = new Command('harbormaster')
    .description('Blue/green deploys, step scaling and revision cleanup for Amazon ECS, driven by one harbormaster.yml.')
    .option('--stage <name>', 'stage of the Harbormaster stack to use (default: HARBORMASTER_STAGE, or the only stack deployed)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .option('--region <name>', 'AWS region (default: AWS_REGION)')
    .option('--json', 'machine-readable output (NDJSON for --watch and --follow)')
    .addOption(new Option('--no-color', 'no colours, even on a terminal (NO_COLOR also works)'))
    .showSuggestionAfterError()
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (text) => cli.io.out(text), writeErr: (text) => cli.io.err(text) });
  for (const register of VERBS) register(program, cli);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (text) => cli.io.out(text), writeErr: (text) => cli.io.err(text) });
  return program;
}

/** Runs one command line and returns its exit code; nothing here calls process.exit, so tests run it in-process. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const env = options.env ?? process.env;
  let exitCode: number = EXIT.ok;
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions & { json?: boolean; color?: boolean }>();
  const sessions = new Map<string, Session>();
  let interrupted: AbortSignal | undefined;
  const cli: Cli = {
    io,
    env,
    session(command) {
      const { stage, profile, region } = globals(command);
      const key = JSON.stringify([stage, profile, region]);
      let session = sessions.get(key);
      if (!session) {
        session = new Session({ ...(stage ? { stage } : {}), ...(profile ? { profile } : {}), ...(region ? { region } : {}) }, env);
        sessions.set(key, session);
      }
      return session;
    },
    colours: (command) => coloursFor(io, globals(command), env),
    json: (command) => globals(command).json === true,
    exitWith: (code) => {
      exitCode = code;
    },
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? ((milliseconds, signal) => new Promise((resolve) => {
      const timer = setTimeout(resolve, milliseconds);
      signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    })),
    interruption: () => options.signal ?? (interrupted ??= ctrlC()),
  };
  const program = buildProgram(cli);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return report(io, error);
  }
}

/** Aborts on the first SIGINT; a second one then ends the process as Node does by default. */
function ctrlC(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

function report(io: Io, error: unknown): number {
  if (error instanceof CliError) {
    io.err(`Error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
    return error.exitCode;
  }
  const known = error instanceof Error && ['DeployControlError', 'InvalidConfigError', 'ConfigConflictError'].includes(error.name);
  const message = error instanceof Error ? error.message : String(error);
  io.err(`Error: ${message}\n`);
  if (!known && error instanceof Error && error.stack) io.err(`${error.stack.split('\n').slice(1).join('\n')}\n  (an unexpected failure: please report it with the lines above)\n`);
  return EXIT.failed;
}
