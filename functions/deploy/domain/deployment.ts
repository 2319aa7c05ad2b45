import type { Notification } from '../../kernel/notifications.ts';

/** A blue/green deployment as history records it, and how its outcome is announced. */

export type DeploymentStatus = 'STARTING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'ROLLED_BACK' | 'FAILED';
export type DeploymentOutcome = Extract<DeploymentStatus, 'SUCCEEDED' | 'ROLLED_BACK' | 'FAILED'>;

/** What a deploy is asked to deploy: from a push, or from an operator. */
export interface DeployRequest {
  deploymentId: string;
  cluster: string;
  service: string;
  /** Image reference pinned by digest; replaces the configured containers' images. */
  image: string;
  digest?: string;
  repository?: string;
  tag?: string;
  /** Deploy exactly this revision instead of cloning the live one (roll back to a previous revision). */
  taskDefinitionArn?: string;
  trigger: 'image-push' | 'operator' | 'rollback';
  /** Orders queued requests: the push time (whole seconds), then when Harbormaster received it. */
  pushedAt: string;
  requestedAt: string;
}

export function deploymentOutcomeNotification(input: {
  deploymentId: string;
  cluster: string;
  service: string;
  outcome: DeploymentOutcome;
  image: string;
  reason?: string;
  endedAt: string;
  notify: string[];
}): Notification {
  const kind = input.outcome === 'SUCCEEDED' ? 'deploy-succeeded' : input.outcome === 'ROLLED_BACK' ? 'deploy-rolled-back' : 'deploy-failed';
  const verb = input.outcome === 'SUCCEEDED' ? 'deployed' : input.outcome === 'ROLLED_BACK' ? 'rolled back' : 'failed to deploy';
  return {
    id: `${kind}#${input.deploymentId}`,
    kind,
    subject: `${input.cluster}/${input.service} ${verb} ${input.image}${input.reason ? `: ${input.reason}` : ''}`,
    cluster: input.cluster,
    service: input.service,
    details: { deploymentId: input.deploymentId, outcome: input.outcome, image: input.image, reason: input.reason ?? null, routes: input.notify },
    createdAt: input.endedAt,
  };
}
