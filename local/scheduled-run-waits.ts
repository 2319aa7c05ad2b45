import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { TaskTokens } from '../functions/deploy/index.ts';
import { RunStore, SCHEDULE_TASK_WAITER_KIND } from '../functions/schedules/index.ts';
import type { AwsClientConfig } from './local-aws.ts';

/**
 * Step Functions' timers on the local clock, for scheduled runs: a run waiting for its task to stop parks on a task
 * token with a timeout (its sparse look, or the rest of timeoutSeconds) that moto counts in real time. When the local
 * clock moves, every waiter whose `wakeAt` has come is resumed as its timeout would have (the run then checks its
 * task), so a test can pass a 60-second timeout by advancing the clock. Local only: in AWS the timeout does it.
 */
export class ScheduledRunWaits {
  private readonly documents: DynamoDBDocumentClient;
  private readonly store: RunStore;
  private readonly tokens: TaskTokens;
  private readonly table: string;

  constructor(config: AwsClientConfig, tables: { state: string; outbox: string }) {
    this.documents = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    this.store = new RunStore(this.documents, tables);
    this.tokens = new TaskTokens(new SFNClient(config));
    this.table = tables.state;
  }

  /** Resumes the waits due by `now`; returns the task ARNs whose runs were woken. */
  async wakeDue(now: Date): Promise<string[]> {
    const woken: string[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents
        .send(new ScanCommand({ TableName: this.table, FilterExpression: 'kind = :kind AND wakeAt <= :now', ExpressionAttributeValues: { ':kind': SCHEDULE_TASK_WAITER_KIND, ':now': now.toISOString() }, ExclusiveStartKey }))
        .catch(() => undefined);
      for (const item of page?.Items ?? []) {
        const taskArn = String(item['pk']).replace(/^SCHEDULE-TASK#/, '');
        const taskToken = await this.store.claimWaiter(taskArn);
        if (taskToken && (await this.tokens.succeed(taskToken, {})) === 'resumed') woken.push(taskArn);
      }
      ExclusiveStartKey = page?.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return woken;
  }
}
