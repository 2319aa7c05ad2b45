import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { PROJECT_ROOT } from './serverless-functions.ts';
import { locateStates, readStateMachineFiles, type AslMachine, type StateMachineFile } from './state-machines.ts';

/**
 * Which Choice branches and Catch paths of our state machines the integration tests take, read from the execution
 * histories of the local AWS (issue 8, item 7). With HARBORMASTER_ASL_COVERAGE=<directory>, test/integration/support.ts
 * dumps every execution's history there before each reset; `npm run test:asl-coverage` runs the integration tests that
 * way and reports each machine's branches never taken.
 */

export const COVERAGE_DIRECTORY_VARIABLE = 'HARBORMASTER_ASL_COVERAGE';

/** One execution as dumped: enough of its history to follow transitions (state inputs and outputs are left out). */
export interface DumpedExecution {
  stateMachineName: string;
  executionArn: string;
  events: HistoryEvent[];
}

let dumps = 0;

/** Writes the histories of every execution of every state machine in the local AWS to one file in `directory`. */
export async function dumpExecutionHistories(sfn: SFNClient, directory: string): Promise<void> {
  const executions: DumpedExecution[] = [];
  for await (const machine of pages((nextToken) => sfn.send(new ListStateMachinesCommand({ nextToken })), (page) => page.stateMachines)) {
    const listed = pages((nextToken) => sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, nextToken })), (page) => page.executions);
    for await (const execution of listed) {
      const events: HistoryEvent[] = [];
      const history = pages((nextToken) => sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, nextToken, maxResults: 1000 })), (page) => page.events);
      for await (const event of history) events.push(withoutData(event));
      executions.push({ stateMachineName: machine.name ?? '', executionArn: execution.executionArn ?? '', events });
    }
  }
  if (executions.length === 0) return;
  mkdirSync(directory, { recursive: true });
  dumps += 1;
  writeFileSync(join(directory, `${process.pid}-${Date.now()}-${dumps}.json`), JSON.stringify(executions));
}

async function* pages<Page extends { nextToken?: string }, Item>(fetch: (nextToken: string | undefined) => Promise<Page>, items: (page: Page) => Item[] | undefined): AsyncGenerator<Item> {
  let nextToken: string | undefined;
  do {
    const page = await fetch(nextToken);
    yield* items(page) ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Inputs, outputs and parameters carry whole payloads; transitions need only names, ids and errors. */
function withoutData(event: HistoryEvent): HistoryEvent {
  return JSON.parse(JSON.stringify(event, (key, value: unknown) => (['input', 'output', 'inputDetails', 'outputDetails', 'parameters'].includes(key) ? undefined : value))) as HistoryEvent;
}

/** A way out of a Choice (a rule or the Default) or a Task/Map/Parallel (a Catch) that a test should take. */
export interface Branch {
  /** The state it leaves (`RunSteps/StepAction`). */
  state: string;
  kind: 'rule' | 'default' | 'catch';
  /** Position among the state's Choices or Catch entries (1-based), 0 for the Default. */
  index: number;
  next: string;
  /** The rule's Condition (or Variable), or the catcher's error names. */
  detail: string;
}

export interface MachineCoverage {
  branches: Branch[];
  taken: Set<Branch>;
  /** Taken branches that history cannot tell from another branch with the same target. */
  ambiguous: Set<Branch>;
  executions: number;
}

/** The branches of a machine, in definition order; its state names must be unique (histories name states only). */
export function branchesOf(definition: AslMachine): Branch[] {
  const states = locateStates(definition);
  const names = states.map((located) => located.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`State name ${duplicate} is used twice: execution histories could not tell the two apart`);
  return states.flatMap(({ path, state }) => [
    ...(state.Choices ?? []).map((rule, index): Branch => ({ state: path, kind: 'rule', index: index + 1, next: rule.Next, detail: rule.Condition ?? rule.Variable ?? '' })),
    ...(state.Type === 'Choice' && state.Default ? [{ state: path, kind: 'default' as const, index: 0, next: state.Default, detail: 'Default' }] : []),
    ...(state.Catch ?? []).map((catcher, index): Branch => ({ state: path, kind: 'catch', index: index + 1, next: catcher.Next, detail: catcher.ErrorEquals.join(', ') })),
  ]);
}

/**
 * Follows each state entered back to the state it came from (previousEventId chains stay within one Map iteration or
 * Parallel branch), and whether that state left by an error (its last event before exiting names one) — then which
 * Choice rule or Catch entry that transition was.
 */
export function machineCoverage(definition: AslMachine, executions: DumpedExecution[]): MachineCoverage {
  const branches = branchesOf(definition);
  const byName = new Map(locateStates(definition).map((located) => [located.name, located]));
  const taken = new Set<Branch>();
  const ambiguous = new Set<Branch>();
  for (const { events } of executions) {
    const byId = new Map(events.map((event) => [event.id, event]));
    for (const entered of events.filter((event) => event.type?.endsWith('StateEntered'))) {
      const exited = earliestAncestor(byId, entered, (event) => Boolean(event.type?.endsWith('StateExited')), (event) => Boolean(event.type?.endsWith('StateEntered')));
      const from = exited && byName.get(exited.stateExitedEventDetails?.name ?? '');
      const to = entered.stateEnteredEventDetails?.name ?? '';
      if (!exited || !from) continue;
      const error = errorLeaving(byId, exited);
      const own = branches.filter((branch) => branch.state === from.path);
      // After an error, the first Catch entry that matches it is the way out (a Choice never leaves by an error).
      const catcher = error === undefined ? undefined : own.find((branch) => branch.kind === 'catch' && catches(branch, error));
      const candidates = error === undefined ? own.filter((branch) => branch.kind !== 'catch' && branch.next === to) : catcher?.next === to ? [catcher] : [];
      for (const branch of candidates) taken.add(branch);
      if (candidates.length > 1) for (const branch of candidates) ambiguous.add(branch);
    }
  }
  return { branches, taken, ambiguous, executions: executions.length };
}

/** Walks previousEventId from `event` to the first ancestor that `found` accepts, giving up at one `stop` accepts. */
function earliestAncestor(byId: Map<number | undefined, HistoryEvent>, event: HistoryEvent, found: (event: HistoryEvent) => boolean, stop: (event: HistoryEvent) => boolean): HistoryEvent | undefined {
  for (let current = byId.get(event.previousEventId); current; current = byId.get(current.previousEventId)) {
    if (found(current)) return current;
    if (stop(current)) return undefined;
  }
  return undefined;
}

/**
 * The error a state left by: a Task's TaskFailed/TaskTimedOut just before its exit, or for a Map or Parallel its
 * …StateFailed, whose chain leads back to the failure inside.
 */
function errorLeaving(byId: Map<number | undefined, HistoryEvent>, exited: HistoryEvent): string | undefined {
  const last = byId.get(exited.previousEventId);
  if (!last) return undefined;
  const named = errorOf(last);
  if (named !== undefined) return named;
  if (!/^(Map|Parallel)StateFailed$/.test(last.type ?? '')) return undefined;
  const failure = earliestAncestor(byId, last, (event) => errorOf(event) !== undefined, () => false);
  return failure ? errorOf(failure) : 'States.BranchFailed';
}

function errorOf(event: HistoryEvent): string | undefined {
  for (const details of Object.values(event)) {
    if (details && typeof details === 'object' && typeof (details as { error?: unknown }).error === 'string') return (details as { error: string }).error;
  }
  return undefined;
}

/** ASL matching: States.ALL matches everything, States.TaskFailed everything but States.Timeout. */
function catches(catcher: Branch, error: string): boolean {
  const names = catcher.detail.split(', ');
  return names.includes(error) || names.includes('States.ALL') || (names.includes('States.TaskFailed') && error !== 'States.Timeout');
}

/** Every execution dumped in `directory`, oldest dump first. */
export function readDumpedExecutions(directory: string): DumpedExecution[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as DumpedExecution[]);
}

/** The report: per machine, how many branches were taken and each one that was not. */
export function coverageReport(machines: StateMachineFile[], executions: DumpedExecution[]): { text: string; untaken: number } {
  const lines: string[] = [];
  let untaken = 0;
  for (const machine of machines) {
    const own = executions.filter((execution) => execution.stateMachineName.endsWith(`-${machine.nameSuffix}`));
    const coverage = machineCoverage(machine.definition, own);
    const missed = coverage.branches.filter((branch) => !coverage.taken.has(branch));
    untaken += missed.length;
    lines.push(`${machine.file}: ${coverage.taken.size} of ${coverage.branches.length} Choice and Catch branches taken in ${coverage.executions} executions`);
    for (const branch of missed) lines.push(`  not taken  ${describeBranch(branch)}`);
    for (const branch of coverage.ambiguous) lines.push(`  ambiguous  ${describeBranch(branch)} (shares its target with another branch taken from the same state)`);
  }
  return { text: lines.join('\n'), untaken };
}

function describeBranch(branch: Branch): string {
  const which = branch.kind === 'catch' ? `Catch #${branch.index} [${branch.detail}]` : branch.kind === 'rule' ? `rule #${branch.index} ${branch.detail}` : 'Default';
  return `${branch.state} → ${branch.next}: ${which}`;
}

const DEFAULT_DIRECTORY = join(PROJECT_ROOT, '.local', 'coverage', 'asl');

/**
 * `node scripts/asl-coverage.ts [--run] [--strict] [directory]`: report on the histories in the directory
 * (.local/coverage/asl by default); --run first empties it and runs the integration tests to fill it; --strict exits 1
 * when a branch was never taken.
 */
async function main(argv: string[]): Promise<number> {
  const directory = argv.find((arg) => !arg.startsWith('--')) ?? DEFAULT_DIRECTORY;
  let status = 0;
  if (argv.includes('--run')) {
    rmSync(directory, { recursive: true, force: true });
    const tests = spawnSync(process.execPath, ['--test', '--test-concurrency=2', 'test/integration/**/*.test.ts'], {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
      env: { ...process.env, [COVERAGE_DIRECTORY_VARIABLE]: directory },
    });
    status = tests.status ?? 1;
  }
  const { text, untaken } = coverageReport(readStateMachineFiles(), readDumpedExecutions(directory));
  console.log(`\nState machine branches taken by the integration tests (histories in ${relative(PROJECT_ROOT, directory)}):\n${text}`);
  return status !== 0 ? status : argv.includes('--strict') && untaken > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
