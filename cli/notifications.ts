import { ConfigStore } from '../functions/config/index.ts';
import { DeliveryQueue, DeliveryStore, FINAL_STATUSES, NotificationControls, type DeliveryRecord, type DeliveryStatus } from '../functions/notify/index.ts';
import type { Session } from './session.ts';

/** What `harbormaster notifications` and the dashboard share: the stage's notification controls and delivery listing. */

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sending', 'retrying', ...FINAL_STATUSES];

export async function notificationControls(session: Session, now: () => Date): Promise<NotificationControls> {
  const stack = await session.stack();
  const configs = new ConfigStore(session.documents, stack.tables.state);
  return new NotificationControls({
    documents: session.documents,
    outboxTable: stack.tables.outbox,
    store: new DeliveryStore(session.documents, stack.tables.state),
    queue: new DeliveryQueue(session.sqs, stack.deliveryQueueUrl),
    config: async () => (await session.call('read the notifications configuration', () => configs.getNotificationsConfig()))?.config,
    now,
  });
}

/** The newest deliveries of every status (the store lists them by status), newest first. */
export async function newestDeliveries(controls: NotificationControls, limit: number): Promise<DeliveryRecord[]> {
  const all = (await Promise.all(DELIVERY_STATUSES.map((status) => controls.deliveries({ status, limit })))).flat();
  return all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, limit);
}
