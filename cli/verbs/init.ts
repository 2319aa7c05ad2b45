import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { formatProblem, readConfigText, ServiceFactsReader, ServiceNotFoundError } from '../../functions/config/index.ts';
import { appendStarter, planStarter, StarterMergeError, starterText, type ServiceStarter } from '../../functions/config/domain/starter-config.ts';
import { DEFAULT_CONFIG_FILE } from '../config-file.ts';
import { CliError } from '../errors.ts';
import { printJson } from '../output.ts';
import type { Cli } from '../program.ts';
import { explainAwsError, type Session } from '../session.ts';

interface InitOptions {
  cluster: string;
  service: string;
  output?: string;
  append?: boolean;
  force?: boolean;
  dryRun?: boolean;
}

/** The JSON Schema shipped with this CLI; the starter's `$schema` line points at it relative to the file. */
const SCHEMA_FILE = fileURLToPath(new URL('../../schema/harbormaster.schema.json', import.meta.url));
/** Names listed in a "no such cluster/service" hint; more are counted. */
const LISTED_NAMES = 10;

export function register(program: Command, cli: Cli): void {
  program
    .command('init')
    .description(
      'Write a commented harbormaster.yml starter for an existing ECS service, from what ECS and ELB say of it: its ECR repository and containers, the listener (and rule) and the two target groups. Prints it unless --output is given.',
    )
    .requiredOption('--cluster <name>', 'ECS cluster of the service')
    .requiredOption('--service <name>', 'ECS service name')
    .option('-o, --output <file>', 'write the starter to this file (refused if it exists, unless --force)')
    .option('--append', `add the service to an existing file (--output, default ${DEFAULT_CONFIG_FILE}), keeping everything in it`)
    .option('--force', 'overwrite the --output file; with --append, replace the service if the file has it')
    .option('--dry-run', 'print what would be written, and write nothing')
    .action(async (options: InitOptions, command: Command) => {
      const session = cli.session(command);
      const starter = planStarter(await readFacts(session, options.cluster, options.service));
      const file = options.output ?? (options.append ? DEFAULT_CONFIG_FILE : undefined);
      const schemaLocation = schemaPathFrom(file === undefined ? process.cwd() : dirname(resolve(file)));
      const { text, appended } = options.append && file !== undefined ? await appendTo(file, starter, options.force === true, schemaLocation) : { text: starterText(starter, { schemaLocation }), appended: false };
      const written = file !== undefined && !options.dryRun;
      if (written) await writeStarter(file, text, options.force === true || options.append === true);
      const checked = readConfigText(text);
      const problems = checked.ok ? [] : checked.problems;

      if (cli.json(command)) {
        printJson(cli.io, { cluster: starter.cluster, service: starter.service, name: starter.name, file: file ?? null, written, appended, valid: checked.ok, problems, notes: starter.notes, yaml: text });
        return;
      }
      const colours = cli.colours(command);
      if (written) cli.io.out(`${colours.green('✓')} ${appended ? 'Added' : 'Wrote'} ${starter.name} (${starter.cluster}/${starter.service}) ${appended ? 'to' : 'in'} ${file}\n`);
      else cli.io.out(text);
      if (options.dryRun && file !== undefined) cli.io.err(`Dry run: ${file} was not written.\n`);
      for (const note of starter.notes) cli.io.err(`${note.kind === 'todo' ? colours.yellow('TODO') : colours.yellow('warning')}: ${note.message}\n`);
      const shown = file ?? DEFAULT_CONFIG_FILE;
      if (problems.length > 0) {
        cli.io.err(`The starter does not pass \`harbormaster validate\` until its TODOs are done (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n`);
        for (const problem of problems) cli.io.err(`  ${formatProblem(shown, problem)}\n`);
      } else {
        const fileOption = shown === DEFAULT_CONFIG_FILE ? '' : ` --file ${shown}`;
        cli.io.err(`Next: ${written ? 'review it' : `save it as ${shown} (--output writes it) and review it`}, then \`harbormaster plan${fileOption}\` and \`harbormaster apply${fileOption}\`.\n`);
      }
    });
}

async function readFacts(session: Session, cluster: string, service: string) {
  try {
    return await new ServiceFactsReader({ ecs: session.ecs, elb: session.elb }).read(cluster, service);
  } catch (error) {
    if (!(error instanceof ServiceNotFoundError)) throw explainAwsError(`read ${cluster}/${service} from ECS and ELB`, error);
    const region = session.clientConfig().region ?? '(no region set)';
    const listed = `${error.known.slice(0, LISTED_NAMES).join(', ')}${error.known.length > LISTED_NAMES ? ` and ${error.known.length - LISTED_NAMES} more` : ''}`;
    const hint =
      error.missing === 'cluster'
        ? error.known.length > 0
          ? `Clusters in ${region}: ${listed}. Check --cluster, or --region and --profile.`
          : `${region} has no ECS clusters: check --region and --profile.`
        : error.known.length > 0
          ? `Services in ${cluster}: ${listed}. Check --service.`
          : `Cluster ${cluster} has no services: check --cluster and --service.`;
    throw new CliError(`${error.message} (region ${region})`, { hint });
  }
}

/** The file with the service merged in (`appended`), or a new starter when the file does not exist yet. */
async function appendTo(file: string, starter: ServiceStarter, force: boolean, schemaLocation: string): Promise<{ text: string; appended: boolean }> {
  let existing: string;
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: starterText(starter, { schemaLocation }), appended: false };
    throw new CliError(`Could not read ${file}: ${(error as Error).message}`);
  }
  try {
    return { text: appendStarter(existing, starter, { replace: force }), appended: true };
  } catch (error) {
    if (!(error instanceof StarterMergeError)) throw error;
    throw new CliError(`Cannot add ${starter.cluster}/${starter.service} to ${file}: ${error.message}`, { hint: 'Or run `harbormaster init` without --append and paste the starter where it belongs.' });
  }
}

async function writeStarter(file: string, text: string, overwrite: boolean): Promise<void> {
  try {
    await writeFile(file, text, { flag: overwrite ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${file} already exists`, { hint: 'Pass --force to overwrite it, or --append to add the service to it.' });
    throw new CliError(`Could not write ${file}: ${(error as Error).message}`);
  }
}

/** Relative, with forward slashes, as the YAML language server resolves it from the file's directory. */
function schemaPathFrom(directory: string): string {
  return relative(directory, SCHEMA_FILE).split(sep).join('/');
}
