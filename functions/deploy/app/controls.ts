import { randomUUID } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DeploymentAbortedError } from '../../kernel/errors.ts';
import type { ConfigStore } from '../../config/index.ts';
import type { DeployLauncher } from '../adapters/deploy-launcher.ts';
import type { DeploymentStore, DeployRequestOutcome, StoredDeployment } from '../adapters/deployment-store.ts';
import { TaskTokens, type ResumeResult } from '../adapters/task-tokens.ts';
import { describeDeployPlan, planDeployFor } from '../domain/deploy-plan.ts';
import { deploymentIdFor } from '../domain/deploy-trigger.ts';
import type { DeployRequest } from '../domain/deployment.ts';

/**
 * Operator controls for blue/green deploys (the CLI wraps these): start a deploy of an image, approve a paused gate,
 * fast-track past the remaining bakes, abort (rolls back), roll back to the previous revision, status and history,
 * and a dry run that prints the plan. Requests reach a running deployment through its item, which the machine's checks
 * read, and resume the wait it is parked on, if any, so they take effect at once (docs/decisions/0009-deploy-waits.md).
 */

export class DeployControlError extends Error {
  override readonly name = 'DeployControlError';
}

export interface DeployControlsDependencies {
  configs: ConfigStore;
  deployments: DeploymentStore;
  launcher: DeployLauncher;
  sfn: SFNClient;
  now?: () => Date;
}

export interface ServiceRef {
  cluster: string;
  service: string;
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

  /** Rolls the deployment back: at once when it waits (a bake, the approval gate, green coming up), else at its next check. */
  async abort(target: ServiceRef & { deploymentId: string }): Promise<void> {
    await this.flagRunningDeployment(target, { abortRequested: true, abortRequestedAt: this.now().toISOString() });
    await this.resumeWaitOf(target, (token) => this.tokens.fail(token, new DeploymentAbortedError('An operator aborted the deployment')));
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
    const now = this.now().toISOString();
    const { cluster, service } = target;
    const deploymentId = deploymentIdFor({ cluster, service, image: what.taskDefinitionArn ?? what.image, requestId });
    const outcome = await this.deps.launcher.request({ deploymentId, cluster, service, ...what, pushedAt: now, requestedAt: now });
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
