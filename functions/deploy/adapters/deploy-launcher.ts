import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { deploymentOutcomeNotification, type DeployRequest } from '../domain/deployment.ts';
import type { DeploymentStore, DeployRequestOutcome } from './deployment-store.ts';

/** Starting deploys must go wrong loudly: the Lambda (or operator) retries, and the deterministic name keeps it single. */
export class DeployStartError extends Error {
  override readonly name = 'DeployStartError';
}

/**
 * Turns deploy requests into executions of the blue/green state machine: one per service at a time (the lock), the
 * newest request waiting (the queue slot), and the deployment id as the execution name (a second start is a no-op).
 */
export class DeployLauncher {
  private readonly store: DeploymentStore;
  private readonly sfn: SFNClient;
  private readonly stateMachineArn: string;

  constructor(store: DeploymentStore, sfn: SFNClient, stateMachineArn: string) {
    this.store = store;
    this.sfn = sfn;
    this.stateMachineArn = stateMachineArn;
  }

  async request(request: DeployRequest): Promise<DeployRequestOutcome> {
    const outcome = await this.store.requestDeploy(request);
    if (outcome === 'acquired' || outcome === 'restart') await this.start(request);
    return outcome;
  }

  /**
   * After a deployment ended: release its lock and start whatever was queued. A start that fails for a reason a retry
   * can cure (throttling, a 5xx, the network) throws DeployStartError, and a retry starts the same request (releaseLock
   * hands it back while it is STARTING). A start AWS refuses for good is recorded as that deployment's failure, and
   * the lock moves on, so it is never left to a deployment without an execution.
   */
  async releaseAndStartNext(cluster: string, service: string, deploymentId: string): Promise<DeployRequest | undefined> {
    let ended = deploymentId;
    for (;;) {
      const next = await this.store.releaseLock(cluster, service, ended);
      if (!next) return undefined;
      try {
        await this.start(next);
        return next;
      } catch (error) {
        if (!(error instanceof DeployStartError) || isTransient(error.cause)) throw error;
        await this.recordStartFailure(next, error);
        ended = next.deploymentId;
      }
    }
  }

  private async start(request: DeployRequest): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: request.deploymentId, input: JSON.stringify(request) }));
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new DeployStartError(`Could not start deployment ${request.deploymentId} of ${request.cluster}/${request.service} (${detail})`, { cause: error });
    }
  }

  private async recordStartFailure(request: DeployRequest, error: DeployStartError): Promise<void> {
    const endedAt = new Date().toISOString();
    const { cluster, service, deploymentId, image } = request;
    const reason = `DeployStartError: ${error.message}`.slice(0, 1000);
    await this.store.finish(
      cluster,
      service,
      deploymentId,
      'FAILED',
      { endedAt, reason },
      deploymentOutcomeNotification({ deploymentId, cluster, service, outcome: 'FAILED', image, reason, endedAt, notify: [] }),
    );
  }
}

/** The SDK's own verdict: throttling and transient errors are marked retryable, server faults are `server`; no metadata = no answer. */
function isTransient(error: unknown): boolean {
  const candidate = error as { $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!candidate?.$metadata?.httpStatusCode) return true;
  return candidate.$retryable !== undefined || candidate.$fault === 'server' || candidate.$metadata.httpStatusCode >= 500;
}
