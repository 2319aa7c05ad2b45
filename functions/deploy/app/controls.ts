import { randomUUID } from 'node:crypto';
import { StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { DeploymentAbortedError } from '../../kernel/errors.ts';
import type { ConfigStore } from '../../config/index.ts';
import type { DeployLauncher } from '../adapters/deploy-launcher.ts';
import type { DeploymentStore, DeployRequestOutcome, StoredDeployment } from '../adapters/deployment-store.ts';
import { TaskTokens, type ResumeResult } from '../adapters/task-tokens.ts';
import { describeDeployPlan, planDeployFor } from '../domain/deploy-plan.ts';
import { deploymentIdFor } from '../domain/deploy-trigger.ts';
import { deployRequestOf, isEnded, type DeployRequest } from '../domain/deployment.ts';
import { describeExecutionEndPlan } from '../domain/execution-end.ts';
import type { ExecutionReconciler, ExecutionState, ReconcileReport } from './execution-reconciler.ts';

/**
 * Operator controls for blue/green deploys (the CLI wraps these): start a deploy of an image, approve a paused gate,
 * fast-track past the remaining bakes, abort (rolls back), roll back to the previous revision, status and history,
 * a dry run that prints the plan, and unlock (releases a lock by hand). Requests reach a running deployment through
 * its item, which the machine's checks read, and resume the wait it is parked on, if any, so they take effect at once
 * (docs/decisions/0013-deploy-waits.md).
 */

export class DeployControlError extends Error {
  override readonly name = 'DeployControlError';
}

export interface DeployControlsDependencies {
  configs: ConfigStore;
  deployments: DeploymentStore;
  launcher: DeployLauncher;
  sfn: SFNClient;
  /** Ends a deployment the way the execution reconciler does (unlock). */
  reconciler: ExecutionReconciler;
  now?: () => Date;
}

export interface ServiceRef {
  cluster: string;
  service: string;
}

/** What `abort` did: asked the running deployment to roll back, failed its approval wait, or nothing (it had ended). */
export interface AbortAnswer {
  outcome: 'requested' | 'already-ended';
  message: string;
}

/** What `unlock` found and did (or, in a dry run, would do), line by line. */
export interface UnlockAnswer {
  done: boolean;
  lines: string[];
  holder?: string;
  execution?: ExecutionState;
  report?: ReconcileReport;
}

export class DeployControls {
  private readonly deps: DeployControlsDependencies;
  private readonly now: () => Date;
  private readonly tokens: TaskTokens;

  constructor(deps: DeployControlsDependencies) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
    this.tokens = new TaskTokens(deps.sfn);
  }

  /** Deploys an image (pinned by digest, e.g. `…/web@sha256:…`) now, or queues it behind the running deploy. */
  async startDeploy(target: ServiceRef & { image: string; requestId?: string }): Promise<{ deploymentId: string; outcome: DeployRequestOutcome }> {
    if (!/@sha256:[0-9a-f]{64}$/.test(target.image)) throw new DeployControlError(`Deploy an image pinned by digest (…@sha256:<64 hex>), not ${target.image}`);
    await this.requireDeployConfig(target);
    return this.request(target, { image: target.image, trigger: 'operator' }, target.requestId);
  }

  /** Deploys the revision blue ran before the newest successful deployment (same traffic-shift plan as any deploy). */
  async rollbackToPrevious(target: ServiceRef & { requestId?: string }): Promise<{ deploymentId: string; outcome: DeployRequestOutcome }> {
    const previous = (await this.deps.deployments.history(target.cluster, target.service, 50)).find((deployment) => deployment.status === 'SUCCEEDED');
    const revision = previous?.['blueTaskDefinitionArn'];
    if (typeof revision !== 'string') throw new DeployControlError(`${target.cluster}/${target.service} has no successful deployment to roll back from`);
    return this.request(target, { image: `revision ${revision}`, taskDefinitionArn: revision, trigger: 'rollback' }, target.requestId);
  }

  /** Passes the approval gate the deployment waits at. Repeating it is harmless (it resumes the same wait). */
  async approve(target: ServiceRef & { deploymentId: string }): Promise<void> {
    const stored = await this.deps.deployments.getDeployment(target.cluster, target.service, target.deploymentId);
    const wait = waitOf(stored);
    if (wait?.kind !== 'approval') {
      throw new DeployControlError(`Deployment ${target.deploymentId} of ${target.cluster}/${target.service} is not waiting for approval`);
    }
    if (stored?.['approvedAt'] === undefined) await this.flagRunningDeployment(target, { approvedAt: this.now().toISOString() });
    await this.resumeWait(target, wait.taskToken, (token) => this.tokens.succeed(token, { approved: true }));
  }

  /**
   * Rolls the deployment back: at once when it waits (a bake, the approval gate, green coming up), else at its next
   * check. A deployment that has ended, or whose execution has, is left alone and the answer says so.
   */
  async abort(target: ServiceRef & { deploymentId: string }): Promise<AbortAnswer> {
    const { cluster, service, deploymentId } = target;
    const name = `Deployment ${deploymentId} of ${cluster}/${service}`;
    const stored = await this.deps.deployments.getDeployment(cluster, service, deploymentId);
    if (!stored) throw new DeployControlError(`${name} does not exist`);
    const ended = (deployment: Record<string, unknown> | undefined) => ({
      outcome: 'already-ended' as const,
      message: `${name} already ended ${String(deployment?.['status'])}${deployment?.['endedAt'] ? ` at ${String(deployment['endedAt'])}` : ''}: nothing to abort`,
    });
    if (isEnded(stored.status)) return ended(stored);
    const execution = await this.deps.reconciler.executionOf(stored);
    if (execution.status !== 'RUNNING' && stored.status !== 'STARTING') {
      return {
        outcome: 'already-ended',
        message: `${name} is recorded ${stored.status}, but its execution already ended (${execution.status}): nothing to abort. The execution reconciler records how it ended; \`unlock\` does it now.`,
      };
    }
    try {
      await this.deps.deployments.updateDeployment(cluster, service, deploymentId, { abortRequested: true, abortRequestedAt: this.now().toISOString() }, { onlyWhileRunning: true });
    } catch {
      // It ended between the read and the write.
      return ended(await this.deps.deployments.getDeployment(cluster, service, deploymentId));
    }
    await this.resumeWaitOf(target, (token) => this.tokens.fail(token, new DeploymentAbortedError('An operator aborted the deployment')));
    const notStarted = execution.status === 'NOT_STARTED' ? ' (its execution has not started yet; if it never does, `unlock` releases the lock)' : '';
    return { outcome: 'requested', message: `Abort requested: ${name} rolls back now if it is waiting (a bake, the approval gate, green coming up), else at its next check${notStarted}` };
  }

  /**
   * Releases a service's deploy lock by hand, ending its deployment the way the execution reconciler would: traffic back
   * on blue and green removed (unless blue is gone), the outcome recorded, the lock released and the queued deploy
   * started. Refuses while the lock's execution still runs, unless forced (then it stops the execution first). A dry
   * run says what it would do and changes nothing.
   */
  async unlock(target: ServiceRef & { dryRun?: boolean; force?: boolean }): Promise<UnlockAnswer> {
    const { cluster, service } = target;
    const holder = await this.deps.deployments.lockHolder(cluster, service);
    if (holder === undefined) return { done: false, lines: [`No deploy lock is held on ${cluster}/${service}: nothing to release`] };
    const deployment = await this.deps.deployments.getDeployment(cluster, service, holder);
    if (!deployment) throw new DeployControlError(`The deploy lock of ${cluster}/${service} names deployment ${holder}, which is not recorded`);
    const execution = await this.deps.reconciler.executionOf(deployment);
    const since = execution.startDate ? ` since ${execution.startDate.toISOString()}` : '';
    const found = `The deploy lock of ${cluster}/${service} is held by deployment ${holder} (${deployment.status}); its execution ${execution.executionArn} is ${execution.status}${since}`;
    const running = execution.status === 'RUNNING';
    if (running && !target.force) {
      const refusal = 'it still runs: abort it (rolls back), or unlock with force (stops the execution first)';
      if (target.dryRun) return { done: false, holder, execution, lines: [found, `Would refuse: ${refusal}`] };
      throw new DeployControlError(`${found}. Refusing to unlock: ${refusal}`);
    }
    const request = deployRequestOf(deployment);
    const assess = async () => {
      const end = execution.status === 'RUNNING' ? 'ABORTED' : execution.status;
      const assessment = await this.deps.reconciler.assess(request, end, execution.error);
      if (!assessment) throw new DeployControlError(`Deployment ${holder} of ${cluster}/${service} is not recorded`);
      return assessment;
    };
    const steps = (assessment: Awaited<ReturnType<typeof assess>>) => [
      ...(running ? [`stop execution ${execution.executionArn}`] : []),
      ...describeExecutionEndPlan(assessment.plan, { greenTaskSetArns: assessment.facts.live.greenTaskSetArns, ...(assessment.queued ? { queuedDeploymentId: assessment.queued.deploymentId } : {}) }),
    ];
    if (target.dryRun) return { done: false, holder, execution, lines: [found, ...steps(await assess()).map((step) => `Would ${step}`)] };
    if (running) {
      await this.deps.sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'DeployLockReleased', cause: 'An operator released the deploy lock (unlock --force)' }));
    }
    const assessment = await assess();
    const report = await this.deps.reconciler.apply(assessment);
    const leftBehind = report.leftBehind ? [`Could not remove green: ${report.leftBehind.error} (recorded and announced)`] : [];
    return { done: true, holder, execution, report, lines: [found, ...steps(assessment).map((step) => `Did ${step}`), ...leftBehind] };
  }

  /** Skips the remaining bakes and passes the approval gate (checks still run once per step). */
  async fastTrack(target: ServiceRef & { deploymentId: string }): Promise<void> {
    await this.flagRunningDeployment(target, { fastTrack: true, fastTrackRequestedAt: this.now().toISOString() });
    await this.resumeWaitOf(target, (token) => this.tokens.succeed(token, { fastTrack: true }));
  }

  async status(target: ServiceRef): Promise<{ running?: StoredDeployment; queued?: DeployRequest; recent: StoredDeployment[] }> {
    const [holder, queued, recent] = await Promise.all([
      this.deps.deployments.lockHolder(target.cluster, target.service),
      this.deps.deployments.queued(target.cluster, target.service),
      this.deps.deployments.history(target.cluster, target.service, 10),
    ]);
    const running = holder === undefined ? undefined : await this.deps.deployments.getDeployment(target.cluster, target.service, holder);
    return { ...(running ? { running } : {}), ...(queued ? { queued } : {}), recent };
  }

  /** Deployments newest first, each with its steps in order. */
  async history(target: ServiceRef, limit = 20): Promise<(StoredDeployment & { steps: Record<string, unknown>[] })[]> {
    const deployments = await this.deps.deployments.history(target.cluster, target.service, limit);
    return Promise.all(
      deployments.map(async (deployment) => ({ ...deployment, steps: await this.deps.deployments.steps(target.cluster, target.service, deployment.deploymentId) })),
    );
  }

  /** What a deploy of this service would do, step by step; changes nothing. */
  async dryRun(target: ServiceRef): Promise<string[]> {
    const deploy = await this.requireDeployConfig(target);
    const steps = planDeployFor(deploy);
    return [
      `Deploy plan for ${target.cluster}/${target.service} (${deploy.strategy.type}); containers replaced: ${deploy.image.containers.join(', ')}`,
      ...describeDeployPlan(steps),
      `${steps.length + 1}. delete the blue task set`,
      `Rolls back on: green tasks stopping, ${deploy.rollbackAlarms.length > 0 ? `alarms ${deploy.rollbackAlarms.join(', ')} in ALARM, ` : ''}a failed check, a timeout, or an abort.`,
    ];
  }

  private async request(
    target: ServiceRef,
    what: Pick<DeployRequest, 'image' | 'trigger'> & { taskDefinitionArn?: string },
    requestId: string = randomUUID(),
  ): Promise<{ deploymentId: string; outcome: DeployRequestOutcome }> {
    const now = this.now();
    const { cluster, service } = target;
    const deploymentId = deploymentIdFor({ cluster, service, image: what.taskDefinitionArn ?? what.image, requestId });
    // Whole seconds, as ECR's push times: within a second, what was received later counts as newer (deployment.ts).
    const pushedAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
    const outcome = await this.deps.launcher.request({ deploymentId, cluster, service, ...what, pushedAt, requestedAt: now.toISOString() });
    return { deploymentId, outcome };
  }

  private async flagRunningDeployment(target: ServiceRef & { deploymentId: string }, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.deps.deployments.updateDeployment(target.cluster, target.service, target.deploymentId, fields, { onlyWhileRunning: true });
    } catch (error) {
      throw new DeployControlError(`Deployment ${target.deploymentId} of ${target.cluster}/${target.service} is not running`, { cause: error });
    }
  }

  /** Resumes the wait the deployment is parked on now, if any: the request recorded on its item does the rest. */
  private async resumeWaitOf(target: ServiceRef & { deploymentId: string }, resume: (token: string) => Promise<ResumeResult>): Promise<void> {
    const wait = waitOf(await this.deps.deployments.getDeployment(target.cluster, target.service, target.deploymentId));
    if (wait) await this.resumeWait(target, wait.taskToken, resume);
  }

  /**
   * A wait that already moved on is fine: the machine is between waits and its next check, or the next wait's own look,
   * reads the request. Step Functions out of reach is not: the request would wait for the next check.
   */
  private async resumeWait(target: ServiceRef & { deploymentId: string }, taskToken: string, resume: (token: string) => Promise<ResumeResult>): Promise<void> {
    if ((await resume(taskToken)) === 'resume-failed') {
      throw new DeployControlError(
        `Recorded for deployment ${target.deploymentId} of ${target.cluster}/${target.service}, but Step Functions could not be reached to resume its wait now; repeat the request`,
      );
    }
  }

  private async requireDeployConfig(target: ServiceRef) {
    const stored = await this.deps.configs.getServiceConfig(target.cluster, target.service);
    if (!stored?.config.deploy) throw new DeployControlError(`${target.cluster}/${target.service} has no deploy configuration`);
    return stored.config.deploy;
  }
}

/** The wait a deployment is parked on (DeploymentStore.registerWait), if it is parked. */
function waitOf(stored: StoredDeployment | undefined): { taskToken: string; kind: string } | undefined {
  const wait = stored?.['wait'] as { taskToken?: unknown; kind?: unknown } | null | undefined;
  if (!wait || typeof wait.taskToken !== 'string' || (stored?.['status'] !== 'IN_PROGRESS' && stored?.['status'] !== 'STARTING')) return undefined;
  return { taskToken: wait.taskToken, kind: String(wait.kind) };
}
