import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';

/** The service to scale does not exist (or is no longer active): scaling it can never succeed. */
export class EcsServiceNotFoundError extends Error {
  override readonly name = 'EcsServiceNotFoundError';
}

/** ECS refused or failed a call; the cause says why. */
export class EcsServiceError extends Error {
  override readonly name = 'EcsServiceError';
}

/**
 * An ECS service's desired count: Application Auto Scaling's "capacity" of an ECS service. Setting it is
 * idempotent, so a retried scaling activity cannot add capacity twice. With the EXTERNAL deployment controller
 * (blue/green mid-deploy) ECS sizes every task set from this count by its scale percentage, so one call keeps blue
 * and green consistent.
 */
export class EcsServiceCapacity {
  private readonly ecs: ECSClient;

  constructor(ecs: ECSClient) {
    this.ecs = ecs;
  }

  async desiredCount(cluster: string, service: string): Promise<number> {
    const answer = await this.call(`describe ${cluster}/${service}`, () => this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })));
    const found = answer.services?.find((candidate) => candidate.status === 'ACTIVE');
    if (!found) {
      const reason = answer.failures?.[0]?.reason ?? answer.services?.[0]?.status ?? 'MISSING';
      throw new EcsServiceNotFoundError(`ECS service ${service} in cluster ${cluster} cannot be scaled: ${reason}`);
    }
    return found.desiredCount ?? 0;
  }

  async setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void> {
    await this.call(`set the desired count of ${cluster}/${service} to ${desiredCount}`, () =>
      this.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount })),
    );
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'ServiceNotFoundException' || name === 'ServiceNotActiveException' || name === 'ClusterNotFoundException') {
        throw new EcsServiceNotFoundError(`Could not ${what}: ${(error as Error).message}`, { cause: error });
      }
      throw new EcsServiceError(`Could not ${what}`, { cause: error });
    }
  }
}
