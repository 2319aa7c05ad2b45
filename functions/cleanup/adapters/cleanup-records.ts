import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import type { FamilyOutcome } from '../domain/cleanup-outcome.ts';
import { cleanupNotification, type CleanupRunAnnouncement } from '../domain/notifications.ts';
import type { FamilyCleanupPlan } from '../domain/revision-cleanup.ts';
import { notificationItem } from '../../kernel/store/state-items.ts';
import { cleanupFamilyItem, cleanupRunItem } from './cleanup-items.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';

/**
 * Records of cleanup runs in the state table. Keys are deterministic per run and family, so a retried or
 * re-recorded step rewrites the same items and the outbox gets one announcement per run.
 */
export class CleanupRecords {
  private readonly client: DynamoDBDocumentClient;
  private readonly tables: TableNames;

  constructor(client: DynamoDBDocumentClient, tables: TableNames) {
    this.client = client;
    this.tables = tables;
  }

  async recordFamily(run: { runId: string; startedAt: string; dryRun: boolean }, plan: FamilyCleanupPlan, outcome: FamilyOutcome): Promise<void> {
    const item = cleanupFamilyItem(run.runId, run.startedAt, plan.family, { dryRun: run.dryRun, plan, outcome });
    try {
      await this.client.send(new PutCommand({ TableName: this.tables.state, Item: item }));
    } catch (error) {
      throw new StateStoreError(`Could not record the cleanup plan of family ${plan.family}`, { cause: error });
    }
  }

  /** The run's summary and its announcement, both or neither. */
  async recordRun(run: CleanupRunAnnouncement): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tables.state, Item: cleanupRunItem(run) } },
            { Put: { TableName: this.tables.outbox, Item: notificationItem(cleanupNotification(run)) } },
          ],
        }),
      );
    } catch (error) {
      throw new StateStoreError(`Could not record cleanup run ${run.runId}`, { cause: error });
    }
  }
}
