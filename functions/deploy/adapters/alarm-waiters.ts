import { DeleteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RollbackAlarmError } from '../../kernel/errors.ts';
import { serviceKey } from '../../kernel/store/state-items.ts';
import { unlessConditionFails } from './stability-waiters.ts';
import type { ResumeResult, TaskTokens } from './task-tokens.ts';

/**
 * A deploy's waiter for one of its rollback alarms: one partition per alarm name, one item per service waiting on it
 * (a service runs one deploy at a time), so an alarm event finds every deploy it concerns with one Query.
 */
export function alarmWaiterKey(alarmName: string, cluster: string, service: string): { pk: string; sk: string } {
  return { pk: alarmWaitersOf(alarmName), sk: serviceKey(cluster, service) };
}

const alarmWaitersOf = (alarmName: string) => `ALARM-WAITER#${alarmName}`;

export interface AlarmResume {
  deploymentId: string;
  resume: ResumeResult | 'none';
}

/**
 * The alarm half of a deploy's waits (docs/decisions/0013-deploy-waits.md): the waiting step registers its task token
 * under each rollback alarm (DeploymentStore.registerWait); a `CloudWatch Alarm State Change` to ALARM fails every
 * wait registered under that alarm with RollbackAlarmError, which the machine catches into the rollback. Each waiter
 * is deleted conditionally before its wait is resumed, so a redelivered event resumes nothing twice.
 */
export class AlarmWaiters {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly tokens: TaskTokens;

  constructor(client: DynamoDBDocumentClient, stateTable: string, tokens: TaskTokens) {
    this.client = client;
    this.table = stateTable;
    this.tokens = tokens;
  }

  async alarmWentToAlarm(alarmName: string): Promise<AlarmResume[]> {
    const resumes: AlarmResume[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': alarmWaitersOf(alarmName) },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const waiter of page.Items ?? []) resumes.push({ deploymentId: String(waiter['deploymentId']), resume: await this.resume(waiter, alarmName) });
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return resumes;
  }

  private async resume(waiter: Record<string, unknown>, alarmName: string): Promise<ResumeResult | 'none'> {
    const taskToken = String(waiter['taskToken']);
    const claimed = await unlessConditionFails(
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: waiter['pk'], sk: waiter['sk'] },
          ConditionExpression: 'taskToken = :token',
          ExpressionAttributeValues: { ':token': taskToken },
        }),
      ),
    );
    if (!claimed) return 'none';
    return this.tokens.fail(taskToken, new RollbackAlarmError(`Rollback alarm in ALARM: ${alarmName}`));
  }
}
