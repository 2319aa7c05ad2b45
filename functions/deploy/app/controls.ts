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
import { describeDeploymentNow, isBake, parkedWaitOf } from '../domain/deployment-progress.ts';
import { describeExecutionEndPlan } from '../domain/execution-end.ts';
import type { ExecutionReconciler, ExecutionState, ReconcileReport } from './execution-reconciler.ts';

/**
 * Operator controls for blue/green deploys (the CLI wraps these): start a deploy of an image, approve a paused gate,
 * promote (end the current bake or approval wait), fast-track past the remaining bakes, abort (rolls back), roll back
 * to the previous revision, status and history, a dry run that prints the plan, and unlock (releases a lock by hand).
 * Requests reach a running deployment through its item, which the machine's checks read, and resume the wait it is
 * parked on, if any, so they take effect at once (docs/decisions/0013-deploy-waits.md). Every control that changes a
 * deployment has a dry run: the same checks and refusals, an answer saying what it would do, and no change.
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

/** Who asks for a control, as the deployment records it (`slack:U0123ABCD`); the CLI names nobody yet. */
export interface Requester {
  by?: string;
}

/** What a control did, or in a dry run would do, in one sentence. */
export interface ControlAnswer {
  message: string;
}

/** What `approve` did: approved now, or found it approved already (a second click); who approved first, and when. */
export interface ApproveAnswer extends ControlAnswer {
  outcome: 'approved' | 'already-approved' | 'would-approve';
  approvedAt?: string;
  approvedBy?: string;
}

/** What `abort` did (or would do): asked the running deployment to roll back, or nothing (it had ended). */
export interface AbortAnswer extends ControlAnswer {
  outcome: 'requested' | 'would-request' | 'already-ended';
  /** As recorded: a deployment that already ended, or one recorded running whose execution ended (unlock records it). */
  status: string;
}

/** What `promote` ended (or would end): every remaining wait (`full`), the current bake, or the approval gate. */
export interface PromoteAnswer extends ControlAnswer {
  skipped: 'remaining-waits' | 'bake' | 'approval';
  /** The step whose wait ended (a plain promote). */
  step?: string;
}

/** What a rollback deploys: the revision blue ran before the deployment it undoes. */
export interface RollbackAnswer {
  revision: string;
  undoes: string;
}

/** What a deploy of an image would do now: start, or wait behind the running deployment. */
export interface DeployPreview {
  start: 'now' | 'queued';
  running?: string;
  /** The queued request this one would replace (a newer request replaces an older one). */
  replaces?: string;
  plan: string[];
}

/** What `unlock` found and did (or, in a dry run, would do), line by line. */
export interface UnlockAnswer {
  done: boolean;
  /** no-lock: nothing held; would-refuse: the execution still runs (dry run without force). */
  outcome: 'no-lock' | 'would-refuse' | 'would-release' | 'released';
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
    requirePinned(target.image);
    await this.requireDeployConfig(target);
    return this.request(target, { image: target.image, trigger: 'operator' }, target.requestId);
  }

  /** The dry run of startDeploy: whether the deploy would start now or wait its turn, and its plan. Changes nothing. */
  async previewDeploy(target: ServiceRef & { image: string }): Promise<DeployPreview> {
    requirePinned(target.image);
    const [plan, running, queued] = await Promise.all([
      this.dryRun(target),
      this.deps.deployments.lockHolder(target.cluster, target.service),
      this.deps.deployments.queued(target.cluster, target.service),
    ]);
    if (running === undefined) return { start: 'now', plan };
    return { start: 'queued', running, ...(queued ? { replaces: queued.deploymentId } : {}), plan };
  }

  /**
   * Undoes a successful deployment — the newest, or the one named — by deploying the revision blue ran before it (same
   * traffic-shift plan as any deploy). Refused while a deployment runs: that one is rolled back by aborting it, and
   * which revision is "previous" is only known once it has ended.
   */
  async rollbackToPrevious(target: ServiceRef & { requestId?: string; deploymentId?: string }): Promise<RollbackAnswer & { deploymentId: string; outcome: DeployRequestOutcome }> {
    const rollback = await this.rollbackOf(target);
    const requested = await this.request(target, { image: `revision ${rollback.revision}`, taskDefinitionArn: rollback.revision, trigger: 'rollback' }, target.requestId);
    return { ...rollback, ...requested };
  }

  /** The dry run of rollbackToPrevious: the same checks, the revision it would deploy and the plan. Changes nothing. */
  async previewRollback(target: ServiceRef & { deploymentId?: string }): Promise<RollbackAnswer & { plan: string[] }> {
    const [rollback, plan] = await Promise.all([this.rollbackOf(target), this.dryRun(target)]);
    return { ...rollback, plan };
  }

  /**
   * Passes the approval gate the deployment waits at. Repeating it is harmless (it resumes the same wait); the first
   * approval is the one recorded (`approvedAt`, `approvedBy`), and a later one answers who approved first.
   */
  async approve(target: ServiceRef & Requester & { deploymentId: string; dryRun?: boolean }): Promise<ApproveAnswer> {
    const stored = await this.requireDeployment(target);
    const name = deploymentName(target);
    const wait = parkedWaitOf(stored);
    if (wait?.kind !== 'approval') {
      throw new DeployControlError(`${sentence(name)} is not waiting for approval: it ${describeDeploymentNow(stored)}${approvalOf(stored)}`);
    }
    const since = wait.registeredAt ? ` since ${wait.registeredAt}` : '';
    // The approval gate, or a step whose canary analysis was inconclusive (it waits as the gate does).
    const next = wait.step === 'approval' ? 'move production traffic to green' : `go on past the inconclusive analysis of ${wait.step}`;
    if (target.dryRun) return { outcome: 'would-approve', message: `Would approve ${name}, waiting for approval${since}: it would then ${next}` };
    // The first approval of a step is the one recorded: a second click (or a second approver) finds it and says so.
    let recorded: Record<string, unknown> = { approvedStep: wait.step, approvedAt: this.now().toISOString(), ...(target.by ? { approvedBy: target.by } : {}) };
    let outcome: ApproveAnswer['outcome'] = 'approved';
    if (stored['approvedStep'] !== wait.step) {
      try {
        await this.deps.deployments.updateDeployment(target.cluster, target.service, target.deploymentId, recorded, {
          onlyWhileRunning: true,
          unlessEquals: { field: 'approvedStep', value: wait.step },
        });
      } catch (error) {
        const now = await this.deps.deployments.getDeployment(target.cluster, target.service, target.deploymentId);
        if (now?.['approvedStep'] !== wait.step) throw new DeployControlError(`Deployment ${target.deploymentId} of ${target.cluster}/${target.service} is not running`, { cause: error });
        [recorded, outcome] = [now, 'already-approved'];
      }
    } else {
      [recorded, outcome] = [stored, 'already-approved'];
    }
    await this.resumeWait(target, wait.taskToken, (token) => this.tokens.succeed(token, { approved: true }));
    const answer = {
      outcome,
      approvedAt: String(recorded['approvedAt']),
      ...(typeof recorded['approvedBy'] === 'string' ? { approvedBy: recorded['approvedBy'] } : {}),
    };
    if (outcome === 'already-approved') return { ...answer, message: `${sentence(name)} was approved already${approvalOf(recorded)}: it goes on to ${next}` };
    return { ...answer, message: `Approved ${name}: it goes on to ${next}` };
  }

  /**
   * Argo Rollouts' promote: without `full`, ends the wait the deployment is parked on now — a bake (later bakes run as
   * planned) or the approval gate (an approval); with `full`, skips every remaining bake and passes the gate (fastTrack).
   * Green coming up is never skipped.
   */
  async promote(target: ServiceRef & Requester & { deploymentId: string; full?: boolean; dryRun?: boolean }): Promise<PromoteAnswer> {
    const stored = await this.requireDeployment(target);
    const name = deploymentName(target);
    if (isEnded(stored.status)) throw new DeployControlError(`${sentence(name)} ${describeDeploymentNow(stored)}: nothing to promote`);
    if (target.full) {
      const effect = 'skip every remaining bake and pass its approval gate (green and the rollback alarms are still checked once per step)';
      if (target.dryRun) return { skipped: 'remaining-waits', message: `Would make ${name}, which ${describeDeploymentNow(stored)}, ${effect}` };
      await this.fastTrack(target);
      return { skipped: 'remaining-waits', message: `Promoted ${name} fully: it will ${effect}` };
    }
    const wait = parkedWaitOf(stored);
    if (wait?.kind === 'approval') {
      const approved = await this.approve(target);
      return { skipped: 'approval', step: wait.step, message: approved.message };
    }
    if (!wait || !isBake(wait)) {
      throw new DeployControlError(
        `${sentence(name)} has no bake or approval wait to end now: it ${describeDeploymentNow(stored)}. A plain promote ends the current bake or the approval gate; promote --full skips every remaining bake`,
      );
    }
    const later = 'later steps bake as planned (promote --full skips them too)';
    if (target.dryRun) return { skipped: 'bake', step: wait.step, message: `Would end the bake of step ${wait.step} of ${name} now; ${later}` };
    await this.flagRunningDeployment(target, { promotedStep: wait.step, promotedAt: this.now().toISOString(), promotedBy: target.by });
    await this.resumeWait(target, wait.taskToken, (token) => this.tokens.succeed(token, { promoted: wait.step }));
    return { skipped: 'bake', step: wait.step, message: `Ended the bake of step ${wait.step} of ${name}; ${later}` };
  }

  /**
   * Rolls the deployment back: at once when it waits (a bake, the approval gate, green coming up), else at its next
   * check. A deployment that has ended, or whose execution has, is left alone and the answer says so.
   */
  async abort(target: ServiceRef & Requester & { deploymentId: string; dryRun?: boolean }): Promise<AbortAnswer> {
    const { cluster, service, deploymentId } = target;
    const name = deploymentName(target);
    const stored = await this.requireDeployment(target);
    const ended = (deployment: Record<string, unknown> | undefined) => ({
      outcome: 'already-ended' as const,
      status: String(deployment?.['status']),
      message: `${sentence(name)} already ended ${String(deployment?.['status'])}${deployment?.['endedAt'] ? ` at ${String(deployment['endedAt'])}` : ''}: nothing to abort`,
    });
    if (isEnded(stored.status)) return ended(stored);
    const execution = await this.deps.reconciler.executionOf(stored);
    if (execution.status !== 'RUNNING' && stored.status !== 'STARTING') {
      return {
        outcome: 'already-ended',
        status: stored.status,
        message: `${sentence(name)} is recorded ${stored.status}, but its execution already ended (${execution.status}): nothing to abort. The execution reconciler records how it ended; \`unlock\` does it now.`,
      };
    }
    if (target.dryRun) {
      const when = parkedWaitOf(stored) ? 'at once, as it waits' : 'at its next check';
      return { outcome: 'would-request', status: stored.status, message: `Would ask ${name}, which ${describeDeploymentNow(stored)}, to roll back ${when}` };
    }
    try {
      await this.deps.deployments.updateDeployment(
        cluster,
        service,
        deploymentId,
        { abortRequested: true, abortRequestedAt: this.now().toISOString(), abortRequestedBy: target.by },
        { onlyWhileRunning: true },
      );
    } catch {
      // It ended between the read and the write.
      return ended(await this.deps.deployments.getDeployment(cluster, service, deploymentId));
    }
    await this.resumeWaitOf(target, (token) => this.tokens.fail(token, new DeploymentAbortedError('An operator aborted the deployment')));
    const notStarted = execution.status === 'NOT_STARTED' ? ' (its execution has not started yet; if it never does, `unlock` releases the lock)' : '';
    return { outcome: 'requested', status: stored.status, message: `Abort requested: ${sentence(name)} rolls back now if it is waiting (a bake, the approval gate, green coming up), else at its next check${notStarted}` };
  }

  /**
   * Releases a service's deploy lock by hand, ending its deployment the way the execution reconciler would: traffic back
   * on blue and green removed (unless blue is gone), the outcome recorded, the lock released and the queued deploy
   * started. Refuses while the lock's execution still runs, unless forced (then it stops the execution first). A dry
   * run says what it would do and changes nothing.
   */
  async unlock(target: ServiceRef & { dryRun?: boolean; force?: boolean; deploymentId?: string }): Promise<UnlockAnswer> {
    const { cluster, service } = target;
    const holder = await this.deps.deployments.lockHolder(cluster, service);
    if (holder === undefined) return { done: false, outcome: 'no-lock', lines: [`No deploy lock is held on ${cluster}/${service}: nothing to release`] };
    if (target.deploymentId !== undefined && target.deploymentId !== holder) {
      throw new DeployControlError(`The deploy lock of ${cluster}/${service} is held by deployment ${holder}, not ${target.deploymentId}: nothing released`);
    }
    const deployment = await this.deps.deployments.getDeployment(cluster, service, holder);
    if (!deployment) throw new DeployControlError(`The deploy lock of ${cluster}/${service} names deployment ${holder}, which is not recorded`);
    const execution = await this.deps.reconciler.executionOf(deployment);
    const since = execution.startDate ? ` since ${execution.startDate.toISOString()}` : '';
    const found = `The deploy lock of ${cluster}/${service} is held by deployment ${holder} (${deployment.status}); its execution ${execution.executionArn} is ${execution.status}${since}`;
    const running = execution.status === 'RUNNING';
    if (running && !target.force) {
      const refusal = 'it still runs: abort it (rolls back), or unlock with force (stops the execution first)';
      if (target.dryRun) return { done: false, outcome: 'would-refuse', holder, execution, lines: [found, `Would refuse: ${refusal}`] };
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
    if (target.dryRun) return { done: false, outcome: 'would-release', holder, execution, lines: [found, ...steps(await assess()).map((step) => `Would ${step}`)] };
    if (running) {
      await this.deps.sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'DeployLockReleased', cause: 'An operator released the deploy lock (unlock --force)' }));
    }
    const assessment = await assess();
    const report = await this.deps.reconciler.apply(assessment);
    const leftBehind = report.leftBehind ? [`Could not remove green: ${report.leftBehind.error} (recorded and announced)`] : [];
    return { done: true, outcome: 'released', holder, execution, report, lines: [found, ...steps(assessment).map((step) => `Did ${step}`), ...leftBehind] };
  }

  /** Skips the remaining bakes and passes the approval gate (checks still run once per step). */
  async fastTrack(target: ServiceRef & Requester & { deploymentId: string }): Promise<void> {
    await this.flagRunningDeployment(target, { fastTrack: true, fastTrackRequestedAt: this.now().toISOString(), fastTrackRequestedBy: target.by });
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

  private async rollbackOf(target: ServiceRef & { deploymentId?: string }): Promise<RollbackAnswer> {
    const { cluster, service } = target;
    const running = await this.deps.deployments.lockHolder(cluster, service);
    if (running !== undefined) {
      throw new DeployControlError(`Deployment ${running} of ${cluster}/${service} is running: abort it to roll it back, or roll back once it has ended`);
    }
    const undone = target.deploymentId
      ? await this.requireDeployment({ ...target, deploymentId: target.deploymentId })
      : (await this.deps.deployments.history(cluster, service, 50)).find((deployment) => deployment.status === 'SUCCEEDED');
    if (!undone) throw new DeployControlError(`${cluster}/${service} has no successful deployment to roll back from`);
    const revision = undone['blueTaskDefinitionArn'];
    if (undone.status !== 'SUCCEEDED' || typeof revision !== 'string') {
      throw new DeployControlError(`Deployment ${undone.deploymentId} of ${cluster}/${service} ${describeDeploymentNow(undone)}: only a successful deployment can be rolled back`);
    }
    return { revision, undoes: undone.deploymentId };
  }

  private async requireDeployment(target: ServiceRef & { deploymentId: string }): Promise<StoredDeployment> {
    const stored = await this.deps.deployments.getDeployment(target.cluster, target.service, target.deploymentId);
    if (!stored) throw new DeployControlError(`${sentence(deploymentName(target))} does not exist`);
    return stored;
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
    const wait = parkedWaitOf(await this.deps.deployments.getDeployment(target.cluster, target.service, target.deploymentId));
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

/** ` (approved at <time> by <who>)`, or nothing when it was not approved. */
function approvalOf(deployment: Record<string, unknown>): string {
  if (typeof deployment['approvedAt'] !== 'string') return '';
  return ` (approved at ${deployment['approvedAt']}${typeof deployment['approvedBy'] === 'string' ? ` by ${deployment['approvedBy']}` : ''})`;
}

/** `deployment <id> of <cluster>/<service>`, for the middle of a sentence (sentence() starts one with it). */
function deploymentName(target: ServiceRef & { deploymentId: string }): string {
  return `deployment ${target.deploymentId} of ${target.cluster}/${target.service}`;
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function requirePinned(image: string): void {
  if (!/@sha256:[0-9a-f]{64}$/.test(image)) throw new DeployControlError(`Deploy an image pinned by digest (…@sha256:<64 hex>), not ${image}`);
}
