import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DeployRequest } from '../domain/deployment.ts';
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

  /** After a deployment ended: release its lock and start whatever was queued. */
  async releaseAndStartNext(cluster: string, service: string, deploymentId: string): Promise<DeployRequest | undefined> {
    const next = await this.store.releaseLock(cluster, service, deploymentId);
    if (next) await this.start(next);
    return next;
  }

  private async start(request: DeployRequest): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: request.deploymentId, input: JSON.stringify(request) }));
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      throw new DeployStartError(`Could not start deployment ${request.deploymentId} of ${request.cluster}/${request.service}`, { cause: error });
    }
  }
}
