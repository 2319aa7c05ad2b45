import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InteractionRecord } from '../app/slack-approvals.ts';

/**
 * Slack interactions counted by outcome, each with the last reason, time, user and deployment (`COUNTER#SLACK_INTERACTIONS`
 * / `<outcome>` in the state table). A counter, not an item per request: the endpoint is public, and refusals of
 * unsigned requests must not grow the table. Who decided what is recorded on the deployment itself.
 */
export const INTERACTION_COUNTER_PK = 'COUNTER#SLACK_INTERACTIONS';

export class InteractionRecords {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async record(record: InteractionRecord): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: INTERACTION_COUNTER_PK, sk: record.outcome },
        UpdateExpression: 'ADD #count :one SET kind = :kind, lastReason = :reason, lastAt = :at, lastUserId = :user, lastDeployment = :deployment',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':kind': 'slack-interaction-counter',
          ':reason': record.reason.slice(0, 1000),
          ':at': record.at,
          ':user': record.userId ?? null,
          ':deployment': record.deployment ?? null,
        },
      }),
    );
  }
}
