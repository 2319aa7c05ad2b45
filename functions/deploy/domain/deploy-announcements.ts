import type { Notification } from '../../kernel/notifications.ts';
import type { DeployStep } from './deploy-plan.ts';
import type { DeployRequest } from './deployment.ts';

/**
 * How a deploy's progress is announced (docs/decisions/0016-slack-approvals.md): its execution began, a planned step
 * ended, it waits at the approval gate, or a newer request replaced it before it deployed. Outcomes are announced by
 * deploymentOutcomeNotification (deployment.ts). Each id is deterministic — the deployment id, and for a step its
 * position — so a retried step or a redelivered event writes the same announcement, which the store puts only once.
 */

/** What every progress announcement says of the deployment. */
export interface AnnouncedDeployment {
  deploymentId: string;
  cluster: string;
  service: string;
  image: string;
  /** The configuration's notification routes, as the outcome announcements carry them. */
  notify: string[];
}

/** The operator controls an approval card offers; the Slack interaction endpoint answers them by these names. */
export const APPROVAL_ACTIONS = ['approve', 'abort', 'fast-track'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

export function deployStartedNotification(
  deployment: AnnouncedDeployment & Pick<DeployRequest, 'trigger' | 'digest'> & { strategy: unknown; steps: Pick<DeployStep, 'name'>[]; greenTaskDefinitionArn: string; startedAt: string },
): Notification {
  return announcement(deployment, 'deploy-started', `started deploying ${deployment.image}`, deployment.startedAt, {
    trigger: deployment.trigger,
    digest: deployment.digest ?? null,
    strategy: deployment.strategy,
    plan: deployment.steps.map((step) => step.name),
    greenTaskDefinitionArn: deployment.greenTaskDefinitionArn,
  });
}

/** `position` counts the plan's steps from 1, of `stepCount`. */
export function deployStepCompletedNotification(
  deployment: AnnouncedDeployment & {
    step: Pick<DeployStep, 'name' | 'kind' | 'greenWeight' | 'blueWeight'>;
    position: number;
    stepCount: number;
    note?: string;
    approvedBy?: string;
    endedAt: string;
  },
): Notification {
  const { step } = deployment;
  return announcement(
    deployment,
    'deploy-step-completed',
    `${deployment.image}: step ${deployment.position}/${deployment.stepCount} ${step.name} done (green ${step.greenWeight} %, blue ${step.blueWeight} %)`,
    deployment.endedAt,
    {
      step: step.name,
      kind: step.kind,
      // The notifier's card reads `stepIndex` (from 0) with `stepCount`, and `weights`.
      stepIndex: deployment.position - 1,
      stepCount: deployment.stepCount,
      weights: { blue: step.blueWeight, green: step.greenWeight },
      note: deployment.note ?? null,
      approvedBy: deployment.approvedBy ?? null,
    },
    `#${String(deployment.position).padStart(2, '0')}`,
  );
}

/**
 * The deploy waits for an approver: at its approval gate, or at a step whose canary analysis was inconclusive (it waits
 * as the gate does). What an approver needs to decide — the image, the revision, the test listener green already
 * serves, until when it waits and (at the gate) what its timeout does — and the controls they may use. Once per step.
 */
export function deployApprovalRequestedNotification(
  deployment: AnnouncedDeployment & {
    step: Pick<DeployStep, 'name' | 'kind' | 'onTimeout'>;
    /** How long this wait lasts (the machine's TimeoutSeconds). */
    waitSeconds: number;
    greenTaskDefinitionArn: string;
    testListenerArn?: string;
    waitingSince: string;
  },
): Notification {
  const { step } = deployment;
  const deadline = new Date(Date.parse(deployment.waitingSince) + deployment.waitSeconds * 1000).toISOString();
  const gate = step.kind === 'approval';
  const onTimeout = gate ? (step.onTimeout ?? 'rollback') : undefined;
  const then = onTimeout === undefined ? '' : `, then ${onTimeout === 'proceed' ? 'it proceeds' : 'it rolls back'}`;
  const what = gate ? 'waits for approval' : `waits for approval at ${step.name} (its analysis was inconclusive)`;
  return announcement(
    deployment,
    'deploy-approval-requested',
    `${what} to deploy ${deployment.image} (until ${deadline}${then})`,
    deployment.waitingSince,
    {
      step: step.name,
      waitsFor: gate ? 'approval-gate' : 'inconclusive-analysis',
      greenTaskDefinitionArn: deployment.greenTaskDefinitionArn,
      testListenerArn: deployment.testListenerArn ?? null,
      waitingSince: deployment.waitingSince,
      deadline,
      onTimeout: onTimeout ?? null,
      actions: [...APPROVAL_ACTIONS],
    },
    `#${step.name}`,
  );
}

/**
 * A request that will never deploy because a newer one replaced it: in the queue slot, or (`late`) on arrival, when a
 * newer request was already running, queued or deployed. A running deploy is never replaced: a newer push waits for it.
 */
export function deploySupersededNotification(superseded: Pick<DeployRequest, 'deploymentId' | 'cluster' | 'service' | 'image' | 'trigger'>, by: { deploymentId: string; where: 'queue' | 'late' }, at: string): Notification {
  const because = by.where === 'queue' ? `the newer deployment ${by.deploymentId} took its place in the queue` : `the newer deployment ${by.deploymentId} came first`;
  return announcement({ ...superseded, notify: [] }, 'deploy-superseded', `will not deploy ${superseded.image}: ${because}`, at, {
    trigger: superseded.trigger,
    supersededBy: by.deploymentId,
    where: by.where,
  });
}

function announcement(deployment: AnnouncedDeployment, kind: Notification['kind'], what: string, createdAt: string, details: Record<string, unknown>, idSuffix = ''): Notification {
  const { deploymentId, cluster, service, image, notify } = deployment;
  return {
    id: `${kind}#${deploymentId}${idSuffix}`,
    kind,
    subject: `${cluster}/${service} ${what}`,
    cluster,
    service,
    details: { deploymentId, image, ...details, routes: notify },
    createdAt,
  };
}
