import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { indexSources, type ErrorClass } from '../../scripts/error-classes.ts';
import { PROJECT_ROOT } from '../../scripts/serverless-functions.ts';
import { invokedAction, invokedFunctionKey, locateStates, readStateMachineFiles, tasksWithin, type LocatedState, type Retrier, type StateMachineFile } from '../../scripts/state-machines.ts';

/**
 * The state machines as contracts with the code they run (issue 8, item 7): every error name they match exists — a
 * States.* name, an error the AWS integration of that very task can raise, or one of our error classes that the task's
 * Lambda can throw; every error our Lambdas can throw is matched where it can arise or is deliberately left to a
 * catch-all; one query language; and every Retry is one of the named policies, so no two copies can drift apart.
 */

/**
 * Gaps in machines that other work of issue 8 is rewriting right now, listed so this suite passes meanwhile. The tests
 * compute the gaps and compare them with these lists exactly: a new gap fails, and so does a fixed one still listed —
 * delete entries as the files are reconciled, until every list is empty.
 */
const KNOWN_GAPS = {
  notJsonata: [] as string[],
  unmatchedErrors: [] as string[],
  retriersWithoutPolicy: [] as string[],
  unusedPolicies: [] as string[],
  lambdaTasksWithoutServiceRetry: [] as string[],
};

/** Error names the Amazon States Language and Step Functions define (docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html). */
const STATES_ERRORS = new Set([
  'States.ALL',
  'States.BranchFailed',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.QueryEvaluationError',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.TaskFailed',
  'States.Timeout',
]);

/**
 * The optimized Lambda integration's own names for the Lambda service failing (docs.aws.amazon.com/step-functions/latest/dg/
 * bp-lambda-serviceexception.html: ClientExecutionTimeout, Service, AWSLambda and SdkClient exceptions, TooManyRequests,
 * and Lambda.Unknown for out-of-memory and timeouts); the Lambda API's modelled errors come from its SDK below.
 */
const LAMBDA_INTEGRATION_ERRORS = ['ClientExecutionTimeoutException', 'ServiceException', 'AWSLambdaException', 'SdkClientException', 'TooManyRequestsException', 'Unknown'];

/**
 * aws-sdk integrations name an error `<Service>.<Error>`, PascalCase, always with the Exception suffix
 * (docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html); an error the service's model does not
 * know (ECS throttling: docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html shows it surfacing as
 * the SDK's generic AmazonECSException) is `<Service>.<Service>Exception`. The modelled errors are read from the same
 * service's JavaScript SDK. Add a service here when a machine first calls it.
 */
const AWS_SDK_SERVICES: Record<string, { prefix: string; sdk: string }> = {
  ecs: { prefix: 'Ecs', sdk: '@aws-sdk/client-ecs' },
  elasticloadbalancingv2: { prefix: 'ElasticLoadBalancingV2', sdk: '@aws-sdk/client-elastic-load-balancing-v2' },
  cloudwatch: { prefix: 'CloudWatch', sdk: '@aws-sdk/client-cloudwatch' },
};

/** Errors common to every AWS API (e.g. docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html), as Step Functions suffixes them. */
const AWS_COMMON_ERRORS = [
  'AccessDenied',
  'IncompleteSignature',
  'InternalFailure',
  'InvalidAction',
  'InvalidClientTokenId',
  'NotAuthorized',
  'OptInRequired',
  'RequestExpired',
  'ServiceUnavailable',
  'Throttling',
  'ValidationError',
].map(withExceptionSuffix);

/**
 * Our errors a Lambda can throw that no Retry or Catch names, each with why that is right: a catch-all (States.ALL)
 * handles them, and naming them would add nothing.
 */
const DELIBERATELY_UNNAMED: Record<string, string> = {
  DeployPreparationError: 'a reason to fail the deploy: retrying cannot help; Catch States.ALL → Finish records it',
  GreenTasksFailedError: 'a reason to roll back: Catch States.ALL on RunSteps → Rollback records its name and message',
  GreenNotStableError: 'a reason to roll back, like GreenTasksFailedError',
  RollbackAlarmError: 'a reason to roll back, like GreenTasksFailedError',
  PreTrafficCheckFailedError: 'a reason to roll back, like GreenTasksFailedError',
  DeploymentAbortedError: 'a reason to roll back, like GreenTasksFailedError',
  EcsServiceNotFoundError: 'the scaled service is gone: retrying cannot help; Catch States.ALL → RecordFailure',
  AwsCallError: 'an AWS call refused for a reason other than throttling (access, validation): retrying cannot help; the catch-all records it',
  ApprovalTimedOutError: 'a reason to roll back (the approval gate timed out with action rollback), like GreenTasksFailedError',
  AnalysisFailedError: 'a reason to roll back (canary analysis failed: the message names the metric and its value), like GreenTasksFailedError',
  ExpressionError: 'an analysis condition that does not parse: the configuration schema turns it into a validation issue, so a stored configuration never raises it',
  ExpressionEvaluationError: 'an analysis condition that computes NaN: the measurement step catches it and records the measurement as an error',
  AnalysisInconclusiveError: 'a reason to roll back (an inconclusive analysis was not approved in time, action rollback), like ApprovalTimedOutError',
  InvalidConfigError: 'a stored configuration that fails validation reads the same on every retry; the catch-all records it',
  UsageIncompleteError: 'revision cleanup: the usage set is not sealed (a cluster was not gathered); planning on it could delete a revision in use, so the run fails (catch-all → RecordFailedRun)',
  StaleUsageError: 'revision cleanup: the usage set is older than 24 h; as UsageIncompleteError, the run fails rather than plan on it',
};

const machines = readStateMachineFiles();
const sources = indexSources();
const errorClasses = sources.errorClasses;

interface SdkErrors {
  prefix: string;
  names: Set<string>;
}
let sdkErrors: Map<string, SdkErrors>;

/** `prefix.Name` for every error the aws-sdk integrations of a service, and the Lambda integration, can report. */
async function loadSdkErrors(): Promise<Map<string, SdkErrors>> {
  const modelled = async (sdk: string) => {
    const exports = Object.values((await import(sdk)) as Record<string, unknown>).filter(
      (value): value is new () => Error => typeof value === 'function' && value.prototype instanceof Error,
    );
    // The service's base class (e.g. ECSServiceException) is what every modelled error extends; it is no error name.
    const base = exports.find((candidate) => exports.every((other) => other === candidate || other.prototype instanceof candidate));
    return exports.filter((error) => error !== base).map((error) => withExceptionSuffix(error.name));
  };
  const services = new Map<string, SdkErrors>();
  for (const [service, { prefix, sdk }] of Object.entries(AWS_SDK_SERVICES)) {
    services.set(`aws-sdk:${service}`, { prefix, names: new Set([`${prefix}Exception`, ...AWS_COMMON_ERRORS, ...(await modelled(sdk))]) });
  }
  services.set('lambda', { prefix: 'Lambda', names: new Set([...LAMBDA_INTEGRATION_ERRORS, ...(await modelled('@aws-sdk/client-lambda'))]) });
  return services;
}

function withExceptionSuffix(name: string): string {
  return name.endsWith('Exception') ? name : `${name}Exception`;
}

/** `aws-sdk:ecs` for `arn:aws:states:::aws-sdk:ecs:createTaskSet`, `lambda` for `arn:aws:states:::lambda:invoke(.waitForTaskToken)`. */
function integrationOf(resource: string | undefined): string | undefined {
  const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9]+):/.exec(resource ?? '');
  if (sdk) return `aws-sdk:${sdk[1]}`;
  return /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/.test(resource ?? '') ? 'lambda' : undefined;
}

/**
 * Our errors the Lambda functions a state runs (itself or inside it) can throw: for any step, or (`perStep`) for the step
 * each task asks for in its payload's `action`.
 */
function throwableBy(machine: StateMachineFile, located: LocatedState, all: LocatedState[], perStep = false): ErrorClass[] {
  return [
    ...new Set(
      tasksWithin(located, all).flatMap((task) => {
        const key = invokedFunctionKey(task.state);
        const fn = key === undefined ? undefined : machine.functions[key];
        if (integrationOf(task.state.Resource) !== 'lambda' || !fn) return [];
        return sources.throwableBy(fn.sourcePath, fn.exportName, perStep ? invokedAction(task.state) : undefined);
      }),
    ),
  ];
}

/** Where an error name a state matches comes from, or undefined if it names nothing that can reach that state. */
function provenance(name: string, machine: StateMachineFile, located: LocatedState, all: LocatedState[]): string | undefined {
  if (STATES_ERRORS.has(name)) return 'Amazon States Language';
  if (throwableBy(machine, located, all).some((errorClass) => errorClass.name === name)) return 'our error class';
  const [prefix, error] = name.split('.');
  for (const task of tasksWithin(located, all)) {
    const integration = sdkErrors.get(integrationOf(task.state.Resource) ?? '');
    if (integration && integration.prefix === prefix && integration.names.has(error ?? '')) return `AWS (${integrationOf(task.state.Resource)})`;
  }
  return undefined;
}

const everyState = machines.flatMap((machine) => {
  const all = locateStates(machine.definition);
  return all.map((located) => ({ machine, located, all, where: `${machine.file} ${located.path}` }));
});

const errorNamesOf = (state: LocatedState['state']) => [...(state.Retry ?? []), ...(state.Catch ?? [])].flatMap((entry) => entry.ErrorEquals);

describe('the state machines, as contracts with the code they run', () => {
  before(async () => {
    sdkErrors = await loadSdkErrors();
  });

  it('finds every state machine and the Lambda functions it invokes', () => {
    assert.deepEqual(machines.map((machine) => machine.file), ['functions/cleanup/revision-cleanup.asl.json', 'functions/deploy/blue-green-deploy.asl.json', 'functions/scaling/step-scaling.asl.json']);
    for (const { machine, located, where } of everyState) {
      if (integrationOf(located.state.Resource) !== 'lambda') continue;
      const key = invokedFunctionKey(located.state);
      assert.ok(key && machine.functions[key], `${where} invokes ${key}, which its DefinitionSubstitutions do not map to a serverless.yml function`);
    }
  });

  it('names our errors exactly as their classes are named, exported', () => {
    assert.ok(errorClasses.length > 0);
    for (const errorClass of errorClasses) {
      assert.equal(errorClass.name, errorClass.className, `${errorClass.file}: class ${errorClass.className} must set name = '${errorClass.className}'`);
      assert.ok(errorClass.exported, `${errorClass.file}: ${errorClass.className} is not exported`);
      assert.ok(!errorClass.name.includes('.'), `${errorClass.name}: dotted names are AWS's (States., Lambda., service prefixes)`);
    }
    assert.equal(new Set(errorClasses.map((errorClass) => errorClass.name)).size, errorClasses.length, 'two error classes share a name');
  });

  it('matches only errors that can reach the state: States.*, its AWS integration’s, or ours that its Lambda can throw', () => {
    const unknown: string[] = [];
    for (const { machine, located, all, where } of everyState) {
      for (const name of errorNamesOf(located.state)) if (!provenance(name, machine, located, all)) unknown.push(`${where}: ${name}`);
    }
    assert.deepEqual(unknown, []);
  });

  it('matches every error of ours where a step can throw it, or says why not', () => {
    for (const [name, why] of Object.entries(DELIBERATELY_UNNAMED)) {
      assert.ok(errorClasses.some((errorClass) => errorClass.name === name), `DELIBERATELY_UNNAMED lists ${name}, which no class is named (${why})`);
    }
    const unmatched: string[] = [];
    const thrown = new Set<string>();
    for (const { machine, located, all, where } of everyState) {
      if (located.state.Type !== 'Task' || integrationOf(located.state.Resource) !== 'lambda') continue;
      const named = new Set(errorNamesOf(located.state));
      for (const errorClass of throwableBy(machine, located, all, true)) {
        thrown.add(errorClass.name);
        if (!named.has(errorClass.name) && !(errorClass.name in DELIBERATELY_UNNAMED)) unmatched.push(`${where}: ${errorClass.name}`);
      }
    }
    assert.deepEqual(unmatched.sort(), [...KNOWN_GAPS.unmatchedErrors].sort());
    assert.deepEqual(Object.keys(DELIBERATELY_UNNAMED).filter((name) => !thrown.has(name)), [], 'DELIBERATELY_UNNAMED lists errors no step can throw');
  });

  it('uses States.ALL only alone, in the last entry', () => {
    for (const { located, where } of everyState) {
      for (const entries of [located.state.Retry ?? [], located.state.Catch ?? []]) {
        entries.forEach((entry, index) => {
          if (!entry.ErrorEquals.includes('States.ALL')) return;
          assert.deepEqual(entry.ErrorEquals, ['States.ALL'], `${where}: States.ALL must stand alone`);
          assert.equal(index, entries.length - 1, `${where}: States.ALL must be the last entry`);
        });
      }
    }
  });

  it('are written in one query language, JSONata', () => {
    const notJsonata = machines.filter((machine) => {
      const overridden = locateStates(machine.definition).some((located) => located.state.QueryLanguage !== undefined && located.state.QueryLanguage !== 'JSONata');
      return machine.definition.QueryLanguage !== 'JSONata' || overridden;
    });
    assert.deepEqual(notJsonata.map((machine) => machine.file), KNOWN_GAPS.notJsonata);
  });

  it('retries only by the named policies (functions/kernel/retry-policies.json and the capability’s own), each in use', () => {
    const policiesOf = (capability: string) => ({ ...readPolicies('functions/kernel/retry-policies.json'), ...readPolicies(`functions/${capability}/retry-policies.json`) });
    const used = new Set<string>();
    const withoutPolicy: string[] = [];
    for (const { machine, located, where } of everyState) {
      (located.state.Retry ?? []).forEach((retrier, index) => {
        const policy = Object.entries(policiesOf(machine.capability)).find(([, candidate]) => sameRetrier(candidate.retrier, retrier));
        if (policy) used.add(policy[0]);
        else withoutPolicy.push(`${where} Retry[${index}] ${JSON.stringify(retrier.ErrorEquals)}`);
      });
    }
    assert.deepEqual(withoutPolicy.sort(), [...KNOWN_GAPS.retriersWithoutPolicy].sort());
    const named = new Set(['kernel', ...machines.map((machine) => machine.capability)].flatMap((capability) => Object.keys(readPolicies(`functions/${capability}/retry-policies.json`))));
    assert.deepEqual([...named].filter((name) => !used.has(name)).sort(), [...KNOWN_GAPS.unusedPolicies].sort());
  });

  it('retries the Lambda service’s transient errors in every Lambda task (policy lambda-service-errors)', () => {
    const policy = readPolicies('functions/kernel/retry-policies.json')['lambda-service-errors'];
    assert.ok(policy, 'functions/kernel/retry-policies.json names lambda-service-errors');
    const without = everyState
      .filter(({ located }) => integrationOf(located.state.Resource) === 'lambda' && !(located.state.Retry ?? []).some((retrier) => sameRetrier(policy.retrier, retrier)))
      .map(({ where }) => where);
    assert.deepEqual(without.sort(), [...KNOWN_GAPS.lambdaTasksWithoutServiceRetry].sort());
  });
});

interface RetryPolicy {
  why: string;
  retrier: Retrier;
}

function readPolicies(file: string): Record<string, RetryPolicy> {
  const path = join(PROJECT_ROOT, file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, RetryPolicy>) : {};
}

/** Same errors (in any order) and the same timing; a Comment is free text. */
function sameRetrier(policy: Retrier, retrier: Retrier): boolean {
  const normal = ({ Comment: _comment, ErrorEquals, ...timing }: Retrier) => ({ ErrorEquals: [...ErrorEquals].sort(), ...timing });
  return JSON.stringify(sortedKeys(normal(policy))) === JSON.stringify(sortedKeys(normal(retrier)));
}

function sortedKeys(value: object): object {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
