import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import type { BlueGreenAws, WeightedRoute } from '../adapters/blue-green-aws.ts';
import type { DeployLauncher } from '../adapters/deploy-launcher.ts';
import type { DeploymentStore, StoredDeployment } from '../adapters/deployment-store.ts';
import { deploymentOutcomeNotification, deployRequestOf, describeFailure, type DeployRequest } from '../domain/deployment.ts';
import { leftBehindNotification, planExecutionEnd, type ExecutionEnd, type ExecutionEndFacts, type ExecutionEndPlan, type ExecutionStatus, type ExecutionStatusChange } from '../domain/execution-end.ts';
import { greenTaskSets, restoreBlue, type BlueRestore } from './restore-blue.ts';
import { STEP_INDEX } from './blue-green-workflow.ts';

/**
 * Finishes what an ended deploy execution left undone (the decision: domain/execution-end.ts). Runs on the deploy
 * machine's "Step Functions Execution Status Change" events (FAILED, TIMED_OUT, ABORTED) and for the operator's
 * `unlock`. Every step is idempotent and conditional, so duplicate and late events, a Finish that did run after all,
 * and an unlock racing the event all end in the same state.
 */

export interface ReconcilerDependencies {
  deployments: DeploymentStore;
  launcher: DeployLauncher;
  aws: BlueGreenAws;
  sfn: SFNClient;
  stateMachineArn: string;
  now?: () => Date;
}

/** A deployment's execution as Step Functions describes it now. */
export interface ExecutionState {
  executionArn: string;
  status: ExecutionStatus | 'NOT_STARTED';
  error?: string;
  startDate?: Date;
}

/** Everything the plan was made from, so it can be shown (unlock's dry run) before it is applied. */
export interface ExecutionEndAssessment {
  request: DeployRequest;
  deployment: StoredDeployment;
  facts: ExecutionEndFacts;
  plan: ExecutionEndPlan;
  restore?: BlueRestore;
  queued?: DeployRequest;
}

export interface ReconcileReport {
  deploymentId: string;
  outcome: ExecutionEndPlan['outcome'];
  recorded: boolean;
  restoredBlue: boolean;
  deletedTaskSetArns: string[];
  leftBehind?: { taskSetArns: string[]; error: string };
  releasedLock: boolean;
  started?: string;
}

export type StatusChangeResult = { outcome: 'ignored'; why: string } | { outcome: 'reconciled'; report: ReconcileReport };

export class ExecutionReconciler {
  private readonly deps: ReconcilerDependencies;
  private readonly now: () => Date;

  constructor(deps: ReconcilerDependencies) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
  }

  async onStatusChange(change: ExecutionStatusChange): Promise<StatusChangeResult> {
    if (change.stateMachineArn !== this.deps.stateMachineArn) return { outcome: 'ignored', why: `${change.stateMachineArn} is not the deploy state machine` };
    // The event may be late or repeated: what counts is the execution's status now (a redriven one runs again).
    const described = await this.deps.sfn.send(new DescribeExecutionCommand({ executionArn: change.executionArn })).catch((error: unknown) => {
      // Gone (past its retention): nothing of it can be reconciled any more.
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    });
    if (!described) return { outcome: 'ignored', why: `${change.executionArn} does not exist` };
    const status = described.status;
    if (status === undefined || status === 'RUNNING' || status === 'PENDING_REDRIVE') return { outcome: 'ignored', why: `${change.executionArn} is ${status ?? 'unknown'} now` };
    const request = deployRequestOf(JSON.parse(described.input ?? '{}') as Record<string, unknown>);
    if (!request.deploymentId || !request.cluster || !request.service) return { outcome: 'ignored', why: `${change.executionArn} has no deploy request as its input` };
    const error = described.error ? describeFailure({ Error: described.error, ...(described.cause ? { Cause: described.cause } : {}) }) : undefined;
    const assessment = await this.assess(request, status, error);
    if (!assessment) return { outcome: 'ignored', why: `deployment ${request.deploymentId} is not recorded` };
    return { outcome: 'reconciled', report: await this.apply(assessment) };
  }

  /** The execution of a deployment, by its recorded ARN or, before Prepare ran, by its name (the deployment id). */
  async executionOf(deployment: Pick<StoredDeployment, 'deploymentId'> & Record<string, unknown>): Promise<ExecutionState> {
    const executionArn =
      typeof deployment['executionArn'] === 'string' ? deployment['executionArn'] : `${this.deps.stateMachineArn.replace(':stateMachine:', ':execution:')}:${deployment.deploymentId}`;
    try {
      const described = await this.deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return {
        executionArn,
        // PENDING_REDRIVE: a redrive is about to run it again.
        status: described.status === 'PENDING_REDRIVE' ? 'RUNNING' : (described.status ?? 'NOT_STARTED'),
        ...(described.error ? { error: describeFailure({ Error: described.error, ...(described.cause ? { Cause: described.cause } : {}) }) } : {}),
        ...(described.startDate ? { startDate: described.startDate } : {}),
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return { executionArn, status: 'NOT_STARTED' };
      throw error;
    }
  }

  /** Reads the deployment, its lock, the queue and the live service, and plans what is left to do. */
  async assess(request: DeployRequest, execution: ExecutionEnd, executionError?: string): Promise<ExecutionEndAssessment | undefined> {
    const { cluster, service, deploymentId } = request;
    const [deployment, holder, queued, steps] = await Promise.all([
      this.deps.deployments.getDeployment(cluster, service, deploymentId),
      this.deps.deployments.lockHolder(cluster, service),
      this.deps.deployments.queued(cluster, service),
      this.deps.deployments.steps(cluster, service, deploymentId),
    ]);
    if (!deployment) return undefined;
    const restore = blueRestoreOf(deployment);
    const taskSets = restore ? ((await this.deps.aws.describeService(cluster, service))?.taskSets ?? []) : [];
    const greenTaskSetArns = greenTaskSets(taskSets, deploymentId).map((taskSet) => taskSet.taskSetArn ?? '');
    const facts: ExecutionEndFacts = {
      execution,
      ...(executionError ? { executionError } : {}),
      deployment: {
        status: deployment.status as ExecutionEndFacts['deployment']['status'],
        prepared: restore !== undefined,
        rolledBack: steps.some((step) => step['index'] === STEP_INDEX.rollback),
        restored: deployment['restoredAt'] !== undefined,
      },
      live: { bluePresent: taskSets.some((taskSet) => taskSet.taskSetArn === restore?.blueTaskSetArn && taskSet.status !== 'INACTIVE'), greenTaskSetArns },
      lockHeld: holder === deploymentId,
    };
    return { request, deployment, facts, plan: planExecutionEnd(facts), ...(restore ? { restore } : {}), ...(queued ? { queued } : {}) };
  }

  /** Carries the plan out: blue first (so the next deploy starts from it), then the record, then the lock. */
  async apply(assessment: ExecutionEndAssessment): Promise<ReconcileReport> {
    const { request, deployment, plan, facts } = assessment;
    const { cluster, service, deploymentId } = request;
    const notify = Array.isArray(deployment['notify']) ? (deployment['notify'] as string[]) : [];
    const endedAt = this.now().toISOString();
    let deletedTaskSetArns: string[] = [];
    let restoredAt: string | undefined;
    let leftBehind: ReconcileReport['leftBehind'];
    if (plan.restoreBlue && assessment.restore) {
      try {
        deletedTaskSetArns = (await restoreBlue(this.deps.aws, assessment.restore)).deletedTaskSetArns;
        restoredAt = endedAt;
      } catch (error) {
        leftBehind = { taskSetArns: facts.live.greenTaskSetArns, error: error instanceof Error ? error.message : String(error) };
      }
    }
    const greenWeight = plan.outcome === 'SUCCEEDED' ? 100 : restoredAt ? 0 : undefined;
    if (plan.record) {
      await this.deps.deployments.finish(
        cluster,
        service,
        deploymentId,
        plan.outcome,
        { endedAt, reason: plan.reason, greenWeight, restoredAt },
        deploymentOutcomeNotification({ deploymentId, cluster, service, outcome: plan.outcome, image: request.image, ...(plan.reason ? { reason: plan.reason } : {}), endedAt, notify }),
      );
    } else if (restoredAt) {
      await this.deps.deployments.updateDeployment(cluster, service, deploymentId, { restoredAt, greenWeight });
    }
    if (leftBehind) {
      await this.deps.deployments.reportLeftBehind(cluster, service, deploymentId, { ...leftBehind, at: endedAt }, leftBehindNotification({ deploymentId, cluster, service, ...leftBehind, at: endedAt, notify }));
    }
    const started = plan.releaseLock ? await this.deps.launcher.releaseAndStartNext(cluster, service, deploymentId) : undefined;
    return {
      deploymentId,
      outcome: plan.outcome,
      recorded: plan.record,
      restoredBlue: restoredAt !== undefined,
      deletedTaskSetArns,
      ...(leftBehind ? { leftBehind } : {}),
      releasedLock: plan.releaseLock,
      ...(started ? { started: started.deploymentId } : {}),
    };
  }
}

/** What restoring blue needs, once Prepare recorded it on the deployment (blue-green-workflow.ts). */
function blueRestoreOf(deployment: StoredDeployment): BlueRestore | undefined {
  const { blueTaskSetArn, blueTargetGroupArn, greenTargetGroupArn, production, test } = deployment as Record<string, unknown>;
  if (typeof blueTaskSetArn !== 'string' || typeof blueTargetGroupArn !== 'string' || typeof greenTargetGroupArn !== 'string' || !isRoute(production)) return undefined;
  return {
    cluster: String(deployment['cluster']),
    service: String(deployment['service']),
    deploymentId: deployment.deploymentId,
    blueTaskSetArn,
    blueTargetGroupArn,
    greenTargetGroupArn,
    production,
    ...(isRoute(test) ? { test } : {}),
  };
}

function isRoute(value: unknown): value is WeightedRoute {
  return typeof (value as WeightedRoute | undefined)?.listenerArn === 'string';
}
