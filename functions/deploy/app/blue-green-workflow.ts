import type { Service, TaskSet } from '@aws-sdk/client-ecs';
import type { DeployConfig } from '../config.ts';
import { describeDeployPlan, planDeployFor, type DeployStep } from '../domain/deploy-plan.ts';
import { checkDeployment, type CheckInput, type CheckVerdict, type ProceedReason } from '../domain/deployment-health.ts';
import { deploymentOutcomeNotification, describeFailure, type DeploymentOutcome, type DeployRequest } from '../domain/deployment.ts';
import { deployApprovalRequestedNotification, deployStartedNotification, deployStepCompletedNotification } from '../domain/deploy-announcements.ts';
import { DeployPreparationError, PreTrafficCheckFailedError } from '../../kernel/errors.ts';
import { toSdkIntegrationCase } from '../../kernel/sdk-case.ts';
import { cloneWithImage } from '../domain/task-definition-clone.ts';
import { restoreBlue } from './restore-blue.ts';
import type { BlueGreenAws, WeightedRoute } from '../adapters/blue-green-aws.ts';
import type { ConfigStore } from '../../config/index.ts';
import type { DeployLauncher } from '../adapters/deploy-launcher.ts';
import type { DeploymentStore } from '../adapters/deployment-store.ts';
import type { StabilityWaiters } from '../adapters/stability-waiters.ts';
import type { ResumeResult, TaskTokens } from '../adapters/task-tokens.ts';
import { resolveAnalysis, type MeasurementStep, type ResolvedAnalysis } from '../../analysis/index.ts';

/**
 * The steps of functions/deploy/blue-green-deploy.asl.json that need logic (the machine calls ECS and ELBv2 directly for
 * single calls). Each is safe to repeat: the machine retries Lambda failures.
 */

/** What the state machine carries from step to step (the output of `prepare`). */
export interface DeploymentContext {
  deploymentId: string;
  cluster: string;
  service: string;
  image: string;
  blueTaskDefinitionArn: string;
  greenTaskDefinitionArn: string;
  blueTaskSetArn: string;
  blueTargetGroupArn: string;
  greenTargetGroupArn: string;
  production: WeightedRoute;
  test?: WeightedRoute;
  rollbackAlarms: string[];
  steps: DeployStep[];
  /** The configuration's notification routes, which the progress announcements carry. */
  notify: string[];
  /** CreateTaskSet arguments in the aws-sdk integration's casing. */
  createTaskSet: unknown;
}

export interface CheckRequest {
  deployment: DeploymentContext;
  greenTaskSetArn: string;
  step: DeployStep;
  stepIndex: number;
  stepStartedAt: string;
}

/** What a wait's own look did: found the step still waiting, or resumed the wait itself (see ResumeResult). */
export type WaitLook = 'waiting' | ResumeResult;

export const STEP_INDEX = { prepare: 0, deleteBlue: 98, rollback: 99 } as const;

export interface WorkflowDependencies {
  configs: ConfigStore;
  deployments: DeploymentStore;
  launcher: DeployLauncher;
  aws: BlueGreenAws;
  waiters: StabilityWaiters;
  tokens: TaskTokens;
  /** Canary analysis (functions/analysis): the measurement a step that analyses takes at its checks. */
  analysis: MeasurementStep;
  now?: () => Date;
}

export class BlueGreenWorkflow {
  private readonly deps: WorkflowDependencies;
  private readonly now: () => Date;

  constructor(deps: WorkflowDependencies) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
  }

  /** Reads the service's config and live task set, registers the green revision and plans the steps. */
  async prepare(request: DeployRequest, executionArn: string): Promise<DeploymentContext> {
    const { cluster, service, deploymentId } = request;
    const config = await this.deployConfig(cluster, service);
    const live = await this.deps.aws.describeService(cluster, service);
    if (live?.deploymentController?.type !== 'EXTERNAL') {
      throw new DeployPreparationError(`${cluster}/${service} is not an ACTIVE service with the EXTERNAL deployment controller`);
    }
    const blue = primaryTaskSet(live.taskSets ?? [], cluster, service);
    const blueLoadBalancer = blue.loadBalancers?.[0];
    const [first, second] = config.loadBalancer.targetGroupArns;
    if (!blueLoadBalancer?.targetGroupArn || ![first, second].includes(blueLoadBalancer.targetGroupArn)) {
      throw new DeployPreparationError(`The primary task set of ${cluster}/${service} is not registered with either configured target group`);
    }
    const blueTargetGroupArn = blueLoadBalancer.targetGroupArn;
    const greenTargetGroupArn = blueTargetGroupArn === first ? second : first;
    const blueTaskDefinitionArn = blue.taskDefinition ?? '';
    const greenTaskDefinitionArn = request.taskDefinitionArn ?? (await this.registerGreenRevision(blueTaskDefinitionArn, config, request.image));
    const steps = planDeployFor(config);
    const context: DeploymentContext = {
      deploymentId,
      cluster,
      service,
      image: request.image,
      blueTaskDefinitionArn,
      greenTaskDefinitionArn,
      blueTaskSetArn: blue.taskSetArn ?? '',
      blueTargetGroupArn,
      greenTargetGroupArn,
      production: config.loadBalancer.production,
      ...(config.loadBalancer.test ? { test: config.loadBalancer.test } : {}),
      rollbackAlarms: config.rollbackAlarms,
      steps,
      notify: config.notify,
      createTaskSet: toSdkIntegrationCase({
        cluster,
        service,
        taskDefinition: greenTaskDefinitionArn,
        // Lets rollback find green even if the machine never saw CreateTaskSet's answer.
        externalId: deploymentId,
        loadBalancers: [{ ...blueLoadBalancer, targetGroupArn: greenTargetGroupArn }],
        ...(blue.capacityProviderStrategy?.length ? { capacityProviderStrategy: blue.capacityProviderStrategy } : { launchType: blue.launchType ?? 'FARGATE' }),
        ...(blue.networkConfiguration?.awsvpcConfiguration?.subnets?.length ? { networkConfiguration: blue.networkConfiguration } : {}),
        ...(blue.platformVersion && blue.launchType === 'FARGATE' ? { platformVersion: blue.platformVersion } : {}),
        ...(blue.serviceRegistries?.length ? { serviceRegistries: blue.serviceRegistries } : {}),
        scale: { unit: 'PERCENT', value: 100 },
        clientToken: deploymentId.slice(0, 36),
      }),
    };
    const startedAt = this.now().toISOString();
    const started = deployStartedNotification({ ...announced(context), trigger: request.trigger, digest: request.digest, strategy: config.strategy, steps, greenTaskDefinitionArn, startedAt });
    await this.deps.deployments.updateDeployment(cluster, service, deploymentId, {
      status: 'IN_PROGRESS',
      gsi2pk: 'DEPLOYMENT#IN_PROGRESS',
      executionArn,
      startedAt,
      blueTaskDefinitionArn,
      greenTaskDefinitionArn,
      blueTaskSetArn: context.blueTaskSetArn,
      blueTargetGroupArn,
      greenTargetGroupArn,
      greenWeight: 0,
      // What the execution reconciler needs to put traffic back on blue if the machine cannot (restore-blue.ts).
      production: context.production,
      test: context.test,
      plan: describeDeployPlan(steps),
      // What status and history show: the strategy as deployed (the configuration may change later) and each step.
      strategy: config.strategy,
      planSteps: steps.map(({ kind, name, greenWeight, seconds }) => ({ kind, name, greenWeight, seconds })),
      notify: config.notify,
      // The analysis as deployed, with green's and blue's target groups: what each measurement queries.
      analysis: config.analysis
        ? resolveAnalysis(config.analysis, {
            listenerArn: config.loadBalancer.production.listenerArn,
            greenTargetGroupArn,
            blueTargetGroupArn,
            approvalTimeoutMinutes: config.approvalTimeoutMinutes,
            approvalTimeoutAction: config.approvalTimeoutAction,
          })
        : undefined,
    }, { announce: started });
    await this.deps.deployments.recordStep(cluster, service, deploymentId, STEP_INDEX.prepare, {
      name: 'register-revision',
      startedAt,
      endedAt: this.now().toISOString(),
      outcome: 'SUCCEEDED',
      blueTaskDefinitionArn,
      greenTaskDefinitionArn,
      digest: request.digest ?? null,
    });
    return context;
  }

  /** Green's health, the rollback alarms and operator requests after a step's action: proceed, await, or throw. */
  async check(request: CheckRequest): Promise<CheckVerdict> {
    const { deployment, step } = request;
    const { cluster, service, deploymentId } = deployment;
    const { input: state, stored } = await this.readCheck(request);
    const { verdict, note: analysisNote } = await this.analyse(request, state, stored, checkDeployment(state));
    if (verdict.next === 'proceed') {
      const note = analysisNote ?? proceedNote(step, verdict.reason);
      const endedAt = state.now.toISOString();
      // Who approved this step (the gate, or an inconclusive analysis), for its record and announcement.
      const approvedBy = stored?.['approvedStep'] === step.name && typeof stored['approvedBy'] === 'string' ? stored['approvedBy'] : undefined;
      const completed = deployStepCompletedNotification({
        ...announced(deployment),
        step,
        position: request.stepIndex + 1,
        stepCount: deployment.steps.length,
        ...(note ? { note } : {}),
        ...(approvedBy ? { approvedBy } : {}),
        endedAt,
      });
      await this.deps.deployments.recordStep(
        cluster,
        service,
        deploymentId,
        request.stepIndex + 1,
        {
          name: step.name,
          kind: step.kind,
          greenWeight: step.greenWeight,
          blueWeight: step.blueWeight,
          startedAt: request.stepStartedAt,
          endedAt,
          outcome: 'SUCCEEDED',
          ...(note ? { note } : {}),
          ...(approvedBy ? { approvedBy } : {}),
        },
        completed,
      );
      await this.deps.deployments.updateDeployment(cluster, service, deploymentId, {
        currentStep: step.name,
        greenWeight: step.greenWeight,
        greenTaskSetArn: request.greenTaskSetArn,
        // The step's wait is over: controls find nothing to resume until the next wait registers.
        wait: null,
      });
    } else {
      // The machine set the step's weights before its first check: status shows what production traffic green has
      // now (25 % during a 25 % bake), not what the last finished step left.
      await this.deps.deployments.updateDeployment(cluster, service, deploymentId, { currentStep: step.name, greenWeight: step.greenWeight });
    }
    return verdict;
  }

  /**
   * The machine's wait (`await`): registers its task token with everything that can end the step early (green's task
   * events, the rollback alarms' events, operator controls), then looks once more, so whatever happened since the
   * check counts too and may resume it at once (docs/decisions/0013-deploy-waits.md).
   */
  async awaitEvents(request: CheckRequest, taskToken: string, waitSeconds: number, waitKind: DeployStep['kind'] = request.step.kind): Promise<{ look: WaitLook }> {
    const { deployment } = request;
    // An inconclusive analysis waits as the approval gate does, so approve (CLI, Slack) finds it.
    const step = { ...request.step, kind: waitKind };
    const greenTaskSetId = taskSetId(request.greenTaskSetArn);
    const live = step.kind === 'stabilize' ? await this.deps.aws.describeService(deployment.cluster, deployment.service) : undefined;
    const now = this.now();
    await this.deps.deployments.registerWait({
      cluster: deployment.cluster,
      service: deployment.service,
      deploymentId: deployment.deploymentId,
      step,
      taskSetId: greenTaskSetId,
      taskToken,
      expectedTasks: expectedGreenTasks(live),
      alarmNames: deployment.rollbackAlarms,
      waitSeconds,
      now,
      ...(step.kind === 'approval'
        ? {
            announce: deployApprovalRequestedNotification({
              ...announced(deployment),
              step: request.step,
              waitSeconds,
              greenTaskDefinitionArn: deployment.greenTaskDefinitionArn,
              ...(deployment.test ? { testListenerArn: deployment.test.listenerArn } : {}),
              waitingSince: now.toISOString(),
            }),
          }
        : {}),
    });
    const { input: state } = await this.readCheck(request, live);
    if (step.kind === 'stabilize') {
      // Count the tasks already running on the waiter, so later task events add to them; the waiter resumes the wait
      // once green is stable. Gone already: a task event claimed it and resumes the wait.
      const counted = await this.deps.waiters.observe(greenTaskSetId, state.greenTasks);
      if (counted !== 'waiting') return { look: counted === 'none' ? 'already-moved-on' : counted };
    }
    let verdict: CheckVerdict;
    try {
      verdict = checkDeployment(state);
    } catch (rollback) {
      return { look: await this.deps.tokens.fail(taskToken, rollback as Error) };
    }
    if (waitKind === 'approval' && request.step.kind !== 'approval') {
      // Paused by an inconclusive analysis: only its approval (or a fast track) ends the wait, not the bake's clock.
      const approved = state.approvedStep === request.step.name || state.fastTrack;
      return { look: approved ? await this.deps.tokens.succeed(taskToken, { reason: 'approved' }) : 'waiting' };
    }
    return { look: verdict.next === 'proceed' ? await this.deps.tokens.succeed(taskToken, { reason: verdict.reason }) : 'waiting' };
  }

  /**
   * A step that analyses (an analysis step, or a bake measured in the background) takes its measurement when due; the
   * analysis may end the step, shorten its wait to the next measurement, pause it for approval or fail it (a thrown
   * AnalysisFailedError rolls back). An operator's fast track or promote skips it.
   */
  private async analyse(
    request: CheckRequest,
    state: CheckInput,
    stored: Record<string, unknown> | undefined,
    verdict: CheckVerdict,
  ): Promise<{ verdict: CheckVerdict; note?: string }> {
    const { step, deployment } = request;
    const analysis = stored?.['analysis'] as ResolvedAnalysis | undefined;
    if (!step.analysis || !analysis || (verdict.next === 'proceed' && verdict.reason !== 'done')) return { verdict };
    const outcome = await this.deps.analysis.analyse({
      ref: { cluster: deployment.cluster, service: deployment.service, deploymentId: deployment.deploymentId, stepIndex: request.stepIndex },
      step: {
        name: step.name,
        mode: step.analysis,
        startedAt: request.stepStartedAt,
        ...(step.analysis === 'background' ? { endsAt: new Date(Date.parse(request.stepStartedAt) + step.seconds * 1000).toISOString() } : {}),
      },
      analysis,
      approved: state.approvedStep === step.name,
      notify: Array.isArray(stored?.['notify']) ? (stored['notify'] as string[]) : [],
    });
    const note = 'note' in outcome ? outcome.note : undefined;
    switch (outcome.next) {
      case 'proceed':
        return { verdict: { next: 'proceed', waitSeconds: 0, reason: 'done' }, ...(note ? { note } : {}) };
      case 'await':
        return { verdict: { next: 'await', waitSeconds: outcome.waitSeconds, ...(outcome.waitKind ? { waitKind: outcome.waitKind } : {}) } };
      case 'continue':
        if (verdict.next === 'await' && outcome.waitSeconds !== undefined) return { verdict: { ...verdict, waitSeconds: Math.min(verdict.waitSeconds, outcome.waitSeconds) } };
        return { verdict, ...(note && verdict.next === 'proceed' ? { note } : {}) };
    }
  }

  /** Test listener → green, then the pre-traffic hook; a failed hook rolls the deploy back. */
  async preTraffic(deployment: DeploymentContext, greenTaskSetArn: string): Promise<void> {
    if (deployment.test) {
      await this.deps.aws.setWeights(deployment.test, [
        { targetGroupArn: deployment.blueTargetGroupArn, weight: 0 },
        { targetGroupArn: deployment.greenTargetGroupArn, weight: 100 },
      ]);
    }
    const config = await this.deployConfig(deployment.cluster, deployment.service);
    const hook = config.preTrafficHook;
    if (!hook) return;
    const payload = { deploymentId: deployment.deploymentId, cluster: deployment.cluster, service: deployment.service, greenTaskSetArn, testListener: deployment.test ?? null };
    const result =
      'lambda' in hook
        ? await this.deps.aws.invokeHook(hook.lambda, payload)
        : await fetch(hook.url, { method: 'GET', signal: AbortSignal.timeout(10_000) }).then(
            (response) => ({ passed: response.ok, detail: `GET ${hook.url} answered ${response.status}` }),
            (error: unknown) => ({ passed: false, detail: `GET ${hook.url} failed: ${String(error)}` }),
          );
    if (!result.passed) throw new PreTrafficCheckFailedError(`Pre-traffic check failed: ${result.detail}`);
  }

  /** Production (and test) traffic back to blue, blue primary again, green deleted. Blue itself is never touched. */
  async rollback(deployment: DeploymentContext, failure: { Error?: string; Cause?: string }): Promise<{ reason: string }> {
    const { cluster, service, deploymentId } = deployment;
    const startedAt = this.now().toISOString();
    await restoreBlue(this.deps.aws, deployment);
    const reason = describeFailure(failure);
    await this.deps.deployments.recordStep(cluster, service, deploymentId, STEP_INDEX.rollback, {
      name: 'rollback',
      startedAt,
      endedAt: this.now().toISOString(),
      outcome: 'SUCCEEDED',
      greenWeight: 0,
      blueWeight: 100,
      reason,
    });
    return { reason };
  }

  /** Records the outcome with its announcement, then releases the service's lock and starts the queued deploy. */
  async finish(request: DeployRequest, outcome: DeploymentOutcome, failure?: { Error?: string; Cause?: string }): Promise<{ next?: string }> {
    const { cluster, service, deploymentId } = request;
    const stored = await this.deps.deployments.getDeployment(cluster, service, deploymentId);
    const endedAt = this.now().toISOString();
    // The success path carries an empty failure: only a failed or rolled-back deployment has a reason.
    const reason = outcome !== 'SUCCEEDED' && failure?.Error ? describeFailure(failure) : undefined;
    await this.deps.deployments.finish(
      cluster,
      service,
      deploymentId,
      outcome,
      { endedAt, reason, ...(outcome === 'SUCCEEDED' ? {} : { greenWeight: 0 }) },
      deploymentOutcomeNotification({
        deploymentId,
        cluster,
        service,
        outcome,
        image: request.image,
        ...(reason ? { reason } : {}),
        endedAt,
        notify: Array.isArray(stored?.['notify']) ? (stored['notify'] as string[]) : [],
      }),
    );
    const next = await this.deps.launcher.releaseAndStartNext(cluster, service, deploymentId);
    return next ? { next: next.deploymentId } : {};
  }

  /**
   * Everything a check decides on, and the deployment item it read; ECS is asked for the service only while green comes
   * up (its desired count).
   */
  private async readCheck(request: CheckRequest, known?: Service): Promise<{ input: CheckInput; stored: Record<string, unknown> | undefined }> {
    const { deployment, step } = request;
    const { cluster, service, deploymentId } = deployment;
    const [stored, live, greenTasks, alarms] = await Promise.all([
      this.deps.deployments.getDeployment(cluster, service, deploymentId),
      step.kind === 'stabilize' && known === undefined ? this.deps.aws.describeService(cluster, service) : known,
      this.deps.aws.taskSetTasks(cluster, taskSetId(request.greenTaskSetArn)),
      this.deps.aws.alarmStates(deployment.rollbackAlarms),
    ]);
    const input: CheckInput = {
      step,
      stepStartedAt: request.stepStartedAt,
      now: this.now(),
      greenTasks,
      expectedGreenTasks: expectedGreenTasks(live),
      alarms,
      abortRequested: stored?.['abortRequested'] === true,
      fastTrack: stored?.['fastTrack'] === true,
      approved: stored?.['approvedAt'] !== undefined,
      ...(typeof stored?.['approvedStep'] === 'string' ? { approvedStep: stored['approvedStep'] } : {}),
      ...(typeof stored?.['promotedStep'] === 'string' ? { promotedStep: stored['promotedStep'] } : {}),
    };
    return { input, stored };
  }

  private async deployConfig(cluster: string, service: string): Promise<DeployConfig> {
    const stored = await this.deps.configs.getServiceConfig(cluster, service);
    if (!stored?.config.deploy) throw new DeployPreparationError(`${cluster}/${service} has no deploy configuration`);
    return stored.config.deploy;
  }

  private async registerGreenRevision(blueTaskDefinitionArn: string, config: DeployConfig, image: string): Promise<string> {
    const live = await this.deps.aws.describeTaskDefinition(blueTaskDefinitionArn);
    return this.deps.aws.registerTaskDefinition(cloneWithImage(live.taskDefinition, live.tags, config.image.containers, image));
  }
}

/** What every progress announcement says of the deployment. */
function announced(deployment: Pick<DeploymentContext, 'deploymentId' | 'cluster' | 'service' | 'image' | 'notify'>) {
  // Contexts of executions started before `notify` joined them carry none.
  return { deploymentId: deployment.deploymentId, cluster: deployment.cluster, service: deployment.service, image: deployment.image, notify: deployment.notify ?? [] };
}

/** What the history says of a step that ended for a reason other than its wait being over. */
function proceedNote(step: DeployStep, reason: ProceedReason): string | undefined {
  if (reason === 'fast-track') return step.kind === 'approval' ? 'approved by fast track' : step.kind === 'analysis' ? 'analysis skipped (fast track)' : 'bake skipped (fast track)';
  if (reason === 'promoted') return 'bake ended early (promote)';
  if (reason === 'approval-timed-out') return 'approval timed out; proceeding as configured';
  return undefined;
}

function primaryTaskSet(taskSets: TaskSet[], cluster: string, service: string): TaskSet {
  const primary = taskSets.find((taskSet) => taskSet.status === 'PRIMARY');
  if (!primary?.taskSetArn) throw new DeployPreparationError(`${cluster}/${service} has no primary task set to deploy next to`);
  return primary;
}

/** Green runs at 100 % scale: as many tasks as the service wants. */
function expectedGreenTasks(live: Service | undefined): number {
  return Math.ceil(live?.desiredCount ?? 0);
}

/** `…:task-set/<cluster>/<service>/<id>`, where the id itself has a slash (`ecs-svc/123…`). */
function taskSetId(taskSetArn: string): string {
  return taskSetArn.split('/').slice(3).join('/');
}
