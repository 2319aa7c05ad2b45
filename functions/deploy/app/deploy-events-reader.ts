import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import type { TimelineEvent } from '../../kernel/timeline.ts';
import { DeploymentStore } from '../adapters/deployment-store.ts';
import { deploymentEvents } from '../domain/deploy-timeline.ts';
import type { ServiceRef } from './controls.ts';

/**
 * A service's blue/green deploy events (requests, steps, outcomes) at or after a time: its deployments by their
 * request time in byOwner, then each one's steps (one Query each). A follower polls the same read with a later time.
 */
export class DeployEventsReader {
  private readonly deployments: DeploymentStore;
  private readonly target: ServiceRef;

  constructor(documents: DynamoDBDocumentClient, tables: TableNames, target: ServiceRef) {
    this.deployments = new DeploymentStore(documents, tables);
    this.target = target;
  }

  async read(since: string): Promise<TimelineEvent[]> {
    const { cluster, service } = this.target;
    const deployments = await this.deployments.historySince(cluster, service, since);
    const events = await Promise.all(deployments.map(async (deployment) => deploymentEvents(deployment, await this.deployments.steps(cluster, service, deployment.deploymentId))));
    return events.flat();
  }

  poll(since: string): Promise<TimelineEvent[]> {
    return this.read(since);
  }
}
