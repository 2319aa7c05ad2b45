import { randomBytes } from 'node:crypto';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigStore } from '../../../functions/config/index.ts';
import type { Notification } from '../../../functions/kernel/notifications.ts';
import { notificationItem } from '../../../functions/kernel/store/state-items.ts';
import { deliveryId } from '../../../functions/notify/domain/delivery.ts';
import type { AwsClientConfig } from '../../../local/local-aws.ts';
import { waitFor } from '../../../local/wait.ts';
import { getItem, OUTBOX_TABLE, STATE_TABLE } from '../support.ts';

/** Generated per run: nothing secret-shaped is committed (docs/decisions/0014). */
export function signingSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export async function putSecureParameters(clientConfig: AwsClientConfig, parameters: Record<string, string>): Promise<void> {
  const ssm = new SSMClient(clientConfig);
  for (const [name, value] of Object.entries(parameters)) await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
  ssm.destroy();
}

export async function applyNotifications(documents: DynamoDBDocumentClient, config: unknown): Promise<void> {
  const store = new ConfigStore(documents, STATE_TABLE);
  const stored = await store.getNotificationsConfig();
  await store.putNotificationsConfig(config, stored?.revision ?? 0);
}

/** Puts an announcement into the outbox, as a capability's transaction would. */
export async function announce(documents: DynamoDBDocumentClient, notification: Notification): Promise<void> {
  await documents.send(new PutCommand({ TableName: OUTBOX_TABLE, Item: notificationItem(notification) }));
}

export function deliveryOf(documents: DynamoDBDocumentClient, announcementId: string, channel: string): Promise<Record<string, unknown> | undefined> {
  return getItem(documents, { pk: `DELIVERY#${deliveryId(announcementId, channel)}`, sk: 'DELIVERY' });
}

/** Waits (generously: two cores shared by many) until the delivery has the status. */
export function deliveryWithStatus(documents: DynamoDBDocumentClient, announcementId: string, channel: string, status: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  return waitFor(`delivery of ${announcementId} to ${channel} to be ${status}`, async () => {
    const item = await deliveryOf(documents, announcementId, channel);
    return item?.['status'] === status ? item : undefined;
  }, timeoutMs);
}

export function taskFailed(id: string, service = 'shop'): Notification {
  return {
    id: `task-failed#${id}`,
    kind: 'task-failed',
    subject: `A task of service ${service} in cluster demo failed: EssentialContainerExited; container app exited with code 1`,
    cluster: 'demo',
    service,
    details: { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/demo/${id}`, reason: 'EssentialContainerExited', stopCode: 'EssentialContainerExited', exitCodes: { app: 1 } },
    createdAt: new Date().toISOString(),
  };
}
