/** What other capabilities and the CLI use of notifications (docs/decisions/0015). */
export { NotificationControls, type ChannelView, type ReplayAnswer } from './app/controls.ts';
export { DeliveryQueue } from './adapters/delivery-queue.ts';
export { DeliveryStore } from './adapters/delivery-store.ts';
export { FINAL_STATUSES, type DeliveryRecord, type DeliveryStatus } from './domain/delivery.ts';
