import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidConfigError } from '../../kernel/config-errors.ts';
import { LOOKUP_PURPOSE, alarmLookupPartition, repositoryLookupPartition } from '../lookup-items.ts';

/**
 * The hot paths' view of the configurations (an ECR push, an alarm event): which services an event concerns, from the
 * lookup items ConfigStore keeps beside each configuration. One Query per event, and no schema library loaded.
 */

export interface ServiceTrackingRepository {
  cluster: string;
  service: string;
  repository: string;
  tagPattern: string;
}

export interface ServiceRef {
  cluster: string;
  service: string;
}

export class ConfigLookups {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  /** The services whose deploy configuration tracks the repository, each with its tag pattern. */
  async servicesTrackingRepository(repository: string): Promise<ServiceTrackingRepository[]> {
    const items = await this.query(repositoryLookupPartition(repository), LOOKUP_PURPOSE.deploy);
    return items.map((item) => ({ ...serviceOf(item), repository, tagPattern: text(item, 'tagPattern') }));
  }

  /** The services with a step scaling policy on the alarm. */
  async servicesScalingOn(alarmName: string): Promise<ServiceRef[]> {
    return (await this.query(alarmLookupPartition(alarmName), LOOKUP_PURPOSE.scaling)).map(serviceOf);
  }

  private async query(partition: string, purpose: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :purpose)',
          ExpressionAttributeValues: { ':pk': partition, ':purpose': purpose },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

function serviceOf(item: Record<string, unknown>): ServiceRef {
  return { cluster: text(item, 'cluster'), service: text(item, 'service') };
}

/** Lookup items are written by ConfigStore only; a hand-edited one fails loudly instead of steering a deploy. */
function text(item: Record<string, unknown>, attribute: string): string {
  const value = item[attribute];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidConfigError(`lookup item ${String(item['pk'])} / ${String(item['sk'])}`, [`${attribute}: must be a non-empty string`]);
  }
  return value;
}
