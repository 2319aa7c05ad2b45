import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { notificationItem } from '../../kernel/store/state-items.ts';
import type { Notification } from '../../kernel/notifications.ts';
import type { ChannelConfig, NotificationsConfig } from '../config.ts';
import type { Announcement } from '../domain/announcement.ts';
import { cardOf } from '../domain/card.ts';
import { deliveryId, FINAL_STATUSES, type DeliveryRecord, type DeliveryStatus } from '../domain/delivery.ts';
import { slackMessage } from '../domain/slack-message.ts';
import { webhookPayload } from '../domain/webhook-payload.ts';
import type { DeliveryQueue } from '../adapters/delivery-queue.ts';
import type { ChannelHealth, DeliveryStore } from '../adapters/delivery-store.ts';

/** What `harbormaster notifications …` does (docs/decisions/0015); every mutation has a dry run. */

export interface ChannelView {
  name: string;
  type: ChannelConfig['type'];
  route: ChannelConfig['route'];
  health: Omit<ChannelHealth, 'channel'>;
  state: 'ok' | 'disabled' | 'failing' | 'unused';
}

export interface NotificationControlsDeps {
  documents: DynamoDBDocumentClient;
  outboxTable: string;
  store: DeliveryStore;
  queue: DeliveryQueue;
  config: () => Promise<NotificationsConfig | undefined>;
  now: () => Date;
}

export type ReplayAnswer = { replayed: boolean; delivery: DeliveryRecord } | { refused: string; delivery?: DeliveryRecord };

export class NotificationControls {
  private readonly deps: NotificationControlsDeps;

  constructor(deps: NotificationControlsDeps) {
    this.deps = deps;
  }

  async channels(): Promise<ChannelView[]> {
    const channels = Object.entries((await this.deps.config())?.channels ?? {});
    const health = await this.deps.store.channelHealth(channels.map(([name]) => name));
    return channels.map(([name, config]) => {
      const { channel: _channel, ...seen } = health.get(name) ?? { channel: name };
      const state = seen.disabledAt ? 'disabled' : !seen.lastSuccessAt && !seen.lastFailureAt ? 'unused' : (seen.lastFailureAt ?? '') > (seen.lastSuccessAt ?? '') ? 'failing' : 'ok';
      return { name, type: config.type, route: config.route, health: seen, state };
    });
  }

  deliveries(filter: { channel?: string; status?: DeliveryStatus; limit: number }): Promise<DeliveryRecord[]> {
    return this.deps.store.listDeliveries(filter);
  }

  /** Sends a finished delivery again, with the same id (a receiver that deduplicates sees the same message). */
  async replay(id: string, options: { dryRun: boolean }): Promise<ReplayAnswer> {
    const stored = await this.deps.store.getDelivery(id);
    if (!stored) return { refused: `no delivery ${id}` };
    if (!FINAL_STATUSES.includes(stored.status)) return { refused: `delivery ${id} is ${stored.status}: it has attempts to come`, delivery: stored };
    if (options.dryRun) return { replayed: false, delivery: stored };
    const now = this.deps.now();
    const replayed = await this.deps.store.replay(id, now);
    if (!replayed) return { refused: `delivery ${id} changed meanwhile (someone replayed it)`, delivery: stored };
    await this.deps.queue.send([{ deliveryId: id, attempt: 1, notBefore: now.toISOString() }], now);
    return { replayed: true, delivery: replayed };
  }

  /**
   * Puts a test announcement for one channel into the outbox, so it travels the whole way (stream, routing, queue,
   * attempt) and reaches a disabled channel too (a delivered test enables it again). The dry run renders what would
   * be sent and writes nothing.
   */
  async test(channel: string, options: { dryRun: boolean }): Promise<{ announcement: Announcement; deliveryId: string; rendered: unknown } | { refused: string }> {
    const config = (await this.deps.config())?.channels[channel];
    if (!config) return { refused: `no channel ${channel} in notifications.channels (apply harbormaster.yml first)` };
    const at = this.deps.now().toISOString();
    const announcement: Notification = {
      id: `notification-test#${channel}#${at}`,
      kind: 'notification-test',
      subject: `Test notification for channel ${channel} (harbormaster notifications test)`,
      details: { channel, routes: [channel] },
      createdAt: at,
    };
    const rendered = config.type === 'webhook' ? webhookPayload(announcement) : slackMessage(cardOf(announcement), announcement.kind, announcement.createdAt);
    if (!options.dryRun) {
      try {
        await this.deps.documents.send(new PutCommand({ TableName: this.deps.outboxTable, Item: notificationItem(announcement), ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return { announcement, deliveryId: deliveryId(announcement.id, channel), rendered };
  }
}
