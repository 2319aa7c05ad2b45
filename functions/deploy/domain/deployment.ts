import type { Notification } from '../../kernel/notifications.ts';

/** A blue/green deployment as history records it, and how its outcome is announced. */

export type DeploymentStatus = 'STARTING' | 'IN_PROGRESS' | DeploymentOutcome;
/**
 * How a deployment ended. The machine itself records SUCCEEDED, ROLLED_BACK or FAILED; STOPPED (the execution was
 * stopped by hand) and TIMED_OUT are recorded by the execution reconciler (execution-end.ts), which also records
 * what the machine could not (a failing Finish).
 */
export type DeploymentOutcome = 'SUCCEEDED' | 'ROLLED_BACK' | 'FAILED' | 'STOPPED' | 'TIMED_OUT';
export const DEPLOYMENT_OUTCOMES: readonly DeploymentOutcome[] = ['SUCCEEDED', 'ROLLED_BACK', 'FAILED', 'STOPPED', 'TIMED_OUT'];

export function isEnded(status: unknown): status is DeploymentOutcome {
  return DEPLOYMENT_OUTCOMES.includes(status as DeploymentOutcome);
}

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
  /**
   * Orders requests of one service (deployRequestIsNewer): the push time (ECR gives whole seconds), then when
   * Harbormaster received the push (milliseconds, read before any I/O), then the deployment id.
   */
  pushedAt: string;
  requestedAt: string;
}

/** The fields of a DeployRequest, to rebuild one from an item that carries more (a deployment, a lock). */
const REQUEST_FIELDS = ['deploymentId', 'cluster', 'service', 'image', 'digest', 'repository', 'tag', 'taskDefinitionArn', 'trigger', 'pushedAt', 'requestedAt'] as const;

export function deployRequestOf(item: Record<string, unknown>): DeployRequest {
  return Object.fromEntries(REQUEST_FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]])) as unknown as DeployRequest;
}

/**
 * Whether `candidate` was pushed (or asked for) after `current`. ECR event times and `imagePushedAt` both have whole
 * seconds, and EventBridge does not order deliveries, so within one second the push received later counts as newer;
 * the deployment id breaks the last tie, so every replica of the decision agrees (docs/decisions/0007).
 */
export function deployRequestIsNewer(candidate: Pick<DeployRequest, 'pushedAt' | 'requestedAt' | 'deploymentId'>, current: Pick<DeployRequest, 'pushedAt' | 'requestedAt' | 'deploymentId'>): boolean {
  return deployOrderKey(candidate) > deployOrderKey(current);
}

/** ISO-8601 times in UTC with milliseconds compare as strings; the key is what DynamoDB conditions compare. */
export function deployOrderKey(request: Pick<DeployRequest, 'pushedAt' | 'requestedAt' | 'deploymentId'>): string {
  return `${request.pushedAt}|${request.requestedAt}|${request.deploymentId}`;
}

const OUTCOME_ANNOUNCEMENTS = {
  SUCCEEDED: { kind: 'deploy-succeeded', verb: 'deployed' },
  ROLLED_BACK: { kind: 'deploy-rolled-back', verb: 'rolled back' },
  FAILED: { kind: 'deploy-failed', verb: 'failed to deploy' },
  STOPPED: { kind: 'deploy-stopped', verb: 'stopped deploying' },
  TIMED_OUT: { kind: 'deploy-timed-out', verb: 'timed out deploying' },
} as const satisfies Record<DeploymentOutcome, { kind: Notification['kind']; verb: string }>;

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
  const { kind, verb } = OUTCOME_ANNOUNCEMENTS[input.outcome];
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

/** Step Functions hands errors over as { Error, Cause }; a Lambda error's Cause is its JSON { errorMessage }. */
export function describeFailure(failure: { Error?: string; Cause?: string }): string {
  let message = failure.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // A plain-text cause (aws-sdk integration errors) is the message already.
  }
  return `${failure.Error ?? 'Error'}: ${message}`.slice(0, 1000);
}
