import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT, readServerlessFunctions, type FunctionDefinition } from './serverless-functions.ts';

/**
 * The project's state machines as data: each ASL file beside its capability (functions/<capability>/*.asl.json),
 * the resource in that capability's resources.yml that deploys it, and every state in it (inside Map and Parallel
 * too), for the contract tests (test/package/state-machines.test.ts) and the coverage report (scripts/asl-coverage.ts).
 */

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
}

export interface ChoiceRule {
  Next: string;
  Condition?: string;
  Variable?: string;
}

export interface AslState {
  Type: string;
  Resource?: string;
  QueryLanguage?: string;
  Next?: string;
  Default?: string;
  Choices?: ChoiceRule[];
  Retry?: Retrier[];
  Catch?: Catcher[];
  Arguments?: unknown;
  Parameters?: unknown;
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  Branches?: AslMachine[];
}

export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
}

/** One state wherever it sits: `path` names it from the top (`RunSteps/Check` is Check inside the Map RunSteps). */
export interface LocatedState {
  path: string;
  name: string;
  state: AslState;
  /** The Map or Parallel state it runs in, if any. */
  parent?: LocatedState;
}

export interface StateMachineFile {
  /** Relative to the project root, e.g. functions/scaling/step-scaling.asl.json. */
  file: string;
  capability: string;
  definition: AslMachine;
  /** The deployed name after `<service>-<stage>-` (StateMachineName in resources.yml), e.g. step-scaling. */
  nameSuffix: string;
  /** DefinitionSubstitutions that name our Lambda functions: `${Key}` → the serverless.yml function. */
  functions: Record<string, FunctionDefinition>;
}

export function readStateMachineFiles(): StateMachineFile[] {
  const files = globSync('functions/*/*.asl.json', { cwd: PROJECT_ROOT }).sort();
  const resources = stateMachineResources();
  return files.map((file) => {
    const resource = resources.find((candidate) => candidate.file === file);
    if (!resource) throw new Error(`${file} is deployed by no AWS::StepFunctions::StateMachine in functions/*/resources.yml`);
    return {
      file,
      capability: file.split('/')[1] ?? '',
      definition: JSON.parse(readFileSync(join(PROJECT_ROOT, file), 'utf8')) as AslMachine,
      nameSuffix: resource.nameSuffix,
      functions: resource.functions,
    };
  });
}

/** Every state of the machine, depth first, Map item processors and Parallel branches included. */
export function locateStates(machine: AslMachine, parent?: LocatedState): LocatedState[] {
  return Object.entries(machine.States).flatMap(([name, state]) => {
    const located: LocatedState = { path: parent ? `${parent.path}/${name}` : name, name, state, ...(parent ? { parent } : {}) };
    const inner = [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].filter((child): child is AslMachine => child !== undefined);
    return [located, ...inner.flatMap((child) => locateStates(child, located))];
  });
}

/** The tasks a state runs itself or, for Map and Parallel, inside it (their Retry and Catch see those tasks' errors). */
export function tasksWithin(located: LocatedState, all: LocatedState[]): LocatedState[] {
  if (located.state.Type === 'Task') return [located];
  return all.filter((candidate) => candidate.state.Type === 'Task' && isInside(candidate, located));
}

function isInside(candidate: LocatedState, ancestor: LocatedState): boolean {
  for (let parent = candidate.parent; parent; parent = parent.parent) if (parent === ancestor) return true;
  return false;
}

/** The `${Key}` substitution a Lambda task invokes, from FunctionName in Arguments (JSONata) or Parameters (JSONPath). */
export function invokedFunctionKey(state: AslState): string | undefined {
  const argumentsOf = (state.Arguments ?? state.Parameters) as { FunctionName?: unknown } | undefined;
  const match = typeof argumentsOf?.FunctionName === 'string' ? /^\$\{(\w+)\}$/.exec(argumentsOf.FunctionName) : null;
  return match?.[1];
}

/** The literal `action` of a Lambda task's payload: the step a one-Lambda-many-steps handler runs (the deploy machine's). */
export function invokedAction(state: AslState): string | undefined {
  const argumentsOf = (state.Arguments ?? state.Parameters) as { Payload?: { action?: unknown } } | undefined;
  const action = argumentsOf?.Payload?.action;
  return typeof action === 'string' && !action.startsWith('{%') ? action : undefined;
}

interface StateMachineResource {
  file: string;
  nameSuffix: string;
  functions: Record<string, FunctionDefinition>;
}

/** Reads the StateMachine resources of every functions/<capability>/resources.yml (CloudFormation tags read as text). */
function stateMachineResources(): StateMachineResource[] {
  const byLogicalId = new Map(readServerlessFunctions().map((fn) => [`${fn.key[0]?.toUpperCase()}${fn.key.slice(1)}LambdaFunction`, fn]));
  return globSync('functions/*/resources.yml', { cwd: PROJECT_ROOT }).flatMap((resourcesFile) => {
    const parsed = parse(readFileSync(join(PROJECT_ROOT, resourcesFile), 'utf8'), { logLevel: 'silent' }) as {
      Resources?: Record<string, { Type?: string; Properties?: { StateMachineName?: string; Definition?: string; DefinitionSubstitutions?: Record<string, string> } }>;
    };
    return Object.values(parsed.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')
      .map((resource) => {
        const file = /^\$\{file\((.+)\)\}$/.exec(resource.Properties?.Definition ?? '')?.[1] ?? '';
        const nameSuffix = /^\$\{self:service\}-\$\{sls:stage\}-(.+)$/.exec(resource.Properties?.StateMachineName ?? '')?.[1] ?? '';
        const functions: Record<string, FunctionDefinition> = {};
        for (const [key, value] of Object.entries(resource.Properties?.DefinitionSubstitutions ?? {})) {
          const fn = byLogicalId.get(String(value).replace(/\.Arn$/, ''));
          if (fn) functions[key] = fn;
        }
        return { file, nameSuffix, functions };
      });
  });
}
