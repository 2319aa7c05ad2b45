import { isEnded } from './deployment.ts';

/**
 * What a deployment is doing now, in words, from its item: for control answers and refusals ("… is not waiting for
 * approval: it is baking at step traffic-50") and for the progress lines of `deploy --wait`. Pure.
 */

/** The wait a deployment is parked on (DeploymentStore.registerWait), as stored on its item. */
export interface ParkedWait {
  taskToken: string;
  kind: string;
  step: string;
  registeredAt?: string;
}

const BAKING_KINDS = ['shift', 'promote'];

/** The wait the deployment is parked on, if it runs and is parked. */
export function parkedWaitOf(deployment: Record<string, unknown> | undefined): ParkedWait | undefined {
  const wait = deployment?.['wait'] as Partial<Record<keyof ParkedWait, unknown>> | null | undefined;
  if (!wait || typeof wait.taskToken !== 'string' || (deployment?.['status'] !== 'IN_PROGRESS' && deployment?.['status'] !== 'STARTING')) return undefined;
  return {
    taskToken: wait.taskToken,
    kind: String(wait.kind),
    step: String(wait.step),
    ...(typeof wait.registeredAt === 'string' ? { registeredAt: wait.registeredAt } : {}),
  };
}

/** Whether the wait is a bake (after a traffic step), which a plain `promote` ends. */
export function isBake(wait: Pick<ParkedWait, 'kind'>): boolean {
  return BAKING_KINDS.includes(wait.kind);
}

/**
 * A phrase that follows "it": "is baking at step traffic-50 (green 50 %)", "ended ROLLED_BACK at …: …".
 * `since: false` leaves the times out, so the phrase changes only when the deployment moves on. Only the approval
 * gate says since when: it is one wait, while bakes and green coming up wait again after each check.
 */
export function describeDeploymentNow(deployment: Record<string, unknown>, options: { since?: boolean } = {}): string {
  const withTimes = options.since !== false;
  const status = String(deployment['status']);
  if (isEnded(status)) {
    const at = withTimes && typeof deployment['endedAt'] === 'string' ? ` at ${deployment['endedAt']}` : '';
    const reason = typeof deployment['reason'] === 'string' ? `: ${deployment['reason']}` : '';
    return `ended ${status}${at}${reason}`;
  }
  if (status === 'STARTING') return 'is starting (its execution has not begun)';
  const green = typeof deployment['greenWeight'] === 'number' ? ` (green ${deployment['greenWeight']} %)` : '';
  const wait = parkedWaitOf(deployment);
  if (wait) {
    const since = withTimes && wait.registeredAt ? ` since ${wait.registeredAt}` : '';
    if (wait.kind === 'approval') return `is waiting for approval${since}`;
    if (wait.kind === 'stabilize') return `is waiting for green's tasks to run (step ${wait.step})`;
    if (isBake(wait)) return `is baking at step ${wait.step}${green}`;
    return `is waiting at step ${wait.step}`;
  }
  const step = deployment['currentStep'];
  return typeof step === 'string' ? `is at step ${step}${green}` : 'is preparing the green revision';
}
