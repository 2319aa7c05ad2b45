import { Option, type Command } from 'commander';
import {
  DeployControlError,
  EcrImages,
  ImageResolutionError,
  operatorDeployControls,
  type DeployControls,
  type DeploymentStore,
  type ResolvedImage,
  type StoredDeployment,
} from '../functions/deploy/index.ts';
import { isEnded, type DeploymentOutcome } from '../functions/deploy/domain/deployment.ts';
import { describeDeploymentNow, parkedWaitOf } from '../functions/deploy/domain/deployment-progress.ts';
import { durationOption } from './duration.ts';
import { CliError, EXIT } from './errors.ts';
import { printJson } from './output.ts';
import type { Cli } from './program.ts';
import { renderProgress, renderReport, renderWaitEnd, type DeployReport, type WaitReport } from './render/deploy-report.ts';
import { resolveService, type KnownService } from './services.ts';
import { explainAwsError, type Session } from './session.ts';

/**
 * What the deploy verbs (deploy, approve, promote, abort, rollback, unlock) share: the service and its deploy controls,
 * the deployment a control acts on, refusals turned into errors that say what to do next, and `--wait`.
 */

export const SERVICE_ARGUMENT = 'its name in harbormaster.yml, cluster/service, or the ECS service name';
/** A deploy request's outcome as the verbs report it: a retried start (`restart`) is a start. */
export const REQUEST_OUTCOMES = { acquired: 'started', restart: 'started', queued: 'queued', duplicate: 'duplicate', superseded: 'superseded' } as const;
/** How often `--wait` reads the deployment: each read is one DynamoDB GetItem. */
const POLL_MILLISECONDS = 2000;

/** A service with a deploy configuration, and the stage's deploy controls. */
export interface DeployTarget {
  known: KnownService;
  session: Session;
  controls: DeployControls;
  deployments: DeploymentStore;
  ref: { cluster: string; service: string };
  /** `web (web-cluster/web)`, for messages. */
  label: string;
}

export async function deployTarget(cli: Cli, command: Command, argument: string): Promise<DeployTarget> {
  const session = cli.session(command);
  return deployTargetOf(session, await resolveService(session, argument));
}

/** The deploy target of a service already resolved (the dashboard names services as harbormaster.yml does). */
export async function deployTargetOf(session: Session, known: KnownService): Promise<DeployTarget> {
  const label = `${known.name} (${known.cluster}/${known.service})`;
  if (!known.stored.config.deploy) {
    throw new CliError(`${label} has no deploy configuration`, { hint: `Add services.${known.name}.deploy to harbormaster.yml and run \`harbormaster apply\`.` });
  }
  const { controls, deployments } = operatorDeployControls(session, await session.stack());
  return { known, session, controls, deployments, ref: { cluster: known.cluster, service: known.service }, label };
}

export function statusCommand(target: DeployTarget): string {
  return `\`harbormaster status ${target.known.name}\``;
}

/** Options every control of a running deployment has. */
export interface ControlOptions {
  deployment?: string;
  dryRun?: boolean;
}

/** A control verb: SERVICE, --deployment (default: the running one) and --dry-run. */
export function controlCommand(
  program: Command,
  name: string,
  text: { summary: string; description: string },
  deploymentHelp = 'the deployment to act on (default: the one running now, which holds the deploy lock)',
): Command {
  return program
    .command(name)
    .summary(text.summary)
    .description(text.description)
    .argument('<service>', SERVICE_ARGUMENT)
    .option('--deployment <id>', deploymentHelp)
    .option('--dry-run', 'say what it would do, with the same checks; change nothing');
}

/** The deployment a control acts on: the one named with --deployment, else the one holding the service's deploy lock. */
export async function chosenDeployment(target: DeployTarget, explicit: string | undefined, nothingTo: string): Promise<string> {
  if (explicit !== undefined) return explicit;
  const holder = await target.session.call(`read the deploy lock of ${target.label}`, () => target.deployments.lockHolder(target.ref.cluster, target.ref.service));
  if (holder === undefined) {
    throw new CliError(`No deployment of ${target.label} is running: nothing to ${nothingTo}`, {
      hint: `Name one with --deployment ID; ${statusCommand(target)} shows the recent ones.`,
    });
  }
  return holder;
}

/** Runs a control; its refusal becomes an error with `hint` (what to do next), an AWS failure one that says why. */
export async function runControl<T>(what: string, hint: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DeployControlError) throw new CliError(error.message, { hint, cause: error });
    throw explainAwsError(what, error);
  }
}

/** The image `--image` names, found in the service's ECR repository and pinned by digest. */
export async function resolveImage(target: DeployTarget, reference: string): Promise<ResolvedImage> {
  const repository = target.known.stored.config.deploy?.image.repository ?? '';
  const field = `services.${target.known.name}.deploy.image.repository`;
  try {
    return await new EcrImages(target.session.ecr).resolve(repository, reference);
  } catch (error) {
    if (!(error instanceof ImageResolutionError)) throw explainAwsError(`look up ${reference} in ECR repository ${repository}`, error);
    const hints: Record<ImageResolutionError['reason'], string> = {
      invalid: `\`aws ecr describe-images --repository-name ${repository}\` lists the tags and digests there are.`,
      'not-found': `Push it first, or pick one that exists: \`aws ecr describe-images --repository-name ${repository}\` lists them. Nothing was deployed.`,
      'no-repository': `Create it, or correct ${field} in harbormaster.yml and run \`harbormaster apply\`.`,
      'other-repository': `Pass a tag or digest of ${repository}, or change ${field} in harbormaster.yml.`,
    };
    throw new CliError(error.message, { hint: hints[error.reason], cause: error });
  }
}

/** The report's `service` field. */
export function serviceOf(target: DeployTarget): DeployReport['service'] {
  return { name: target.known.name, cluster: target.known.cluster, service: target.known.service };
}

/**
 * Prints a verb's report — for people at once, with `details` below it; as one JSON document at the end with --json —
 * then, with --wait, waits for the deployment to end. Exit code: 1 when the report is not `ok`; with --wait, 0 when
 * the deployment ended as `expect`s, 3 when --timeout elapsed, else 1.
 */
export async function deliver(
  cli: Cli,
  command: Command,
  target: DeployTarget,
  report: DeployReport,
  options: { details?: string[]; ok?: boolean; wait?: WaitOptions & { expect: DeploymentOutcome[] } } = {},
): Promise<void> {
  const json = cli.json(command);
  const colours = cli.colours(command);
  const ok = options.ok ?? true;
  if (!json) cli.io.out(renderReport(report, options.details ?? [], ok, colours));
  if (!ok) cli.exitWith(EXIT.failed);
  const { wait } = options;
  if (wait?.wait && ok && report.deploymentId !== undefined) {
    const deploymentId = report.deploymentId;
    if (!json) cli.io.out(`Waiting for deployment ${deploymentId} to end (Ctrl-C stops the waiting, not the deployment):\n`);
    const result = await waitForDeployment(cli, target, deploymentId, {
      ...(wait.timeout !== undefined ? { timeoutSeconds: wait.timeout } : {}),
      onProgress: (line, deployment) => {
        if (json) return;
        const hint = parkedWaitOf(deployment)?.kind === 'approval' ? `\`harbormaster approve ${target.known.name}\` passes the gate, \`harbormaster abort ${target.known.name}\` rolls back` : undefined;
        cli.io.out(renderProgress(cli.now(), line, hint));
      },
    });
    const ended = result.deployment;
    report.result = {
      status: result.status,
      timedOut: result.timedOut,
      ...(typeof ended?.['endedAt'] === 'string' && !result.timedOut ? { endedAt: ended['endedAt'] } : {}),
      ...(typeof ended?.['reason'] === 'string' && !result.timedOut ? { reason: ended['reason'] } : {}),
    } satisfies WaitReport;
    const succeeded = wait.expect.some((status) => status === result.status);
    if (!json) cli.io.out(renderWaitEnd(deploymentId, report.result, succeeded, colours, statusCommand(target), wait.timeout));
    cli.exitWith(result.timedOut ? EXIT.timedOut : succeeded ? EXIT.ok : EXIT.failed);
  }
  if (json) printJson(cli.io, report);
}

export interface WaitOptions {
  wait?: boolean;
  /** Seconds. */
  timeout?: number;
}

/** `--wait` and `--timeout`, for the verbs whose deployment then ends. */
export function addWaitOptions(command: Command, ends: string): Command {
  return command
    .option('--wait', `wait until the deployment ends: exit 0 if ${ends}, 1 otherwise`)
    .addOption(new Option('--timeout <duration>', 'with --wait: stop waiting after this long, e.g. 30m (exit 3; the deployment goes on)').argParser((value) => durationOption(value) / 1000));
}

export function checkWaitOptions(options: WaitOptions & { dryRun?: boolean }): void {
  if (options.timeout !== undefined && !options.wait) throw new CliError('--timeout needs --wait', { hint: 'Add --wait, or leave --timeout out.', exitCode: EXIT.usage });
  if (options.wait && options.dryRun) throw new CliError('--wait and --dry-run do not go together: a dry run starts nothing to wait for', { exitCode: EXIT.usage });
}

/** How a wait ended: the deployment's outcome, SUPERSEDED (a newer request replaced it in the queue), or still running. */
export interface WaitResult {
  status: DeploymentOutcome | 'SUPERSEDED' | 'RUNNING';
  timedOut: boolean;
  deployment?: StoredDeployment;
}

/**
 * Reads the deployment every few seconds until it ends or `timeoutSeconds` pass, reporting each change of what it does
 * (a queued deployment first waits for the running one). Time comes from cli.now/cli.sleep, so tests drive it.
 */
export async function waitForDeployment(
  cli: Cli,
  target: DeployTarget,
  deploymentId: string,
  options: { timeoutSeconds?: number; onProgress: (line: string, deployment: StoredDeployment | undefined) => void },
): Promise<WaitResult> {
  const { cluster, service } = target.ref;
  const deadline = options.timeoutSeconds === undefined ? Infinity : cli.now().getTime() + options.timeoutSeconds * 1000;
  const read = <T>(call: () => Promise<T>) => target.session.call(`read deployment ${deploymentId} of ${target.label}`, call);
  let last = '';
  for (;;) {
    const deployment = await read(() => target.deployments.getDeployment(cluster, service, deploymentId));
    let line: string;
    if (deployment) {
      if (isEnded(deployment.status)) return { status: deployment.status, timedOut: false, deployment };
      line = describeDeploymentNow(deployment, { since: false });
    } else {
      const [queued, running] = await read(() => Promise.all([target.deployments.queued(cluster, service), target.deployments.lockHolder(cluster, service)]));
      if (queued?.deploymentId !== deploymentId) {
        // Either it took the lock since the first read (the hand-over writes the deployment), or it never will.
        if (!(await read(() => target.deployments.getDeployment(cluster, service, deploymentId)))) return { status: 'SUPERSEDED', timedOut: false };
        continue;
      }
      line = `is queued behind deployment ${running ?? '(none: it starts now)'}`;
    }
    if (line !== last) options.onProgress(line, deployment);
    last = line;
    const left = deadline - cli.now().getTime();
    if (left <= 0) return { status: 'RUNNING', timedOut: true, ...(deployment ? { deployment } : {}) };
    await cli.sleep(Math.min(POLL_MILLISECONDS, left));
  }
}
