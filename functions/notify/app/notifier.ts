import type { Logger } from '@aws-lambda-powertools/logger';
import type { NotificationsConfig } from '../config.ts';
import { requestedRoutes, type Announcement } from '../domain/announcement.ts';
import { deliveryId, maxAttempts, retryDelaySeconds, type DeliveryRecord } from '../domain/delivery.ts';
import { routeAnnouncement, TEST_KIND } from '../domain/routing.ts';
import type { DeliveryQueue } from '../adapters/delivery-queue.ts';
import type { ChannelHealth, DeliveryStore } from '../adapters/delivery-store.ts';
import { attemptDelivery, type SenderDeps } from '../adapters/senders.ts';

/**
 * The two halves of delivery (docs/decisions/0015). `fanOut` runs on the outbox stream: it routes an announcement and
 * records one delivery per channel (a conditional write, so a redelivered record adds nothing), then queues each new
 * delivery's first attempt. `attempt` runs on the delivery queue: it claims the attempt, sends, records what happened
 * and queues the next attempt when there is one. A slow or failing channel holds up only its own deliveries.
 */

export interface NotifierDeps {
  store: DeliveryStore;
  queue: DeliveryQueue;
  /** The stored notifications section (undefined: none applied yet), read once per batch. */
  config: () => Promise<NotificationsConfig | undefined>;
  logger: Logger;
  now: () => Date;
}

export interface FanOutResult {
  queued: string[];
  /** Deliveries a redelivered record had already recorded (and queued). */
  existing: string[];
}

export async function fanOut(deps: NotifierDeps, announcement: Announcement): Promise<FanOutResult> {
  const config = (await deps.config()) ?? { channels: {}, services: {} };
  const decisions = routeAnnouncement({ kind: announcement.kind, cluster: announcement.cluster, service: announcement.service, routes: requestedRoutes(announcement) }, config);
  const now = deps.now();
  const at = now.toISOString();
  const result: FanOutResult = { queued: [], existing: [] };
  const due: Array<{ deliveryId: string; attempt: number; notBefore: string }> = [];
  for (const decision of decisions) {
    const delivery: DeliveryRecord = {
      deliveryId: deliveryId(announcement.id, decision.channel),
      announcementId: announcement.id,
      announcementKind: announcement.kind,
      channel: decision.channel,
      status: decision.skipped ? 'failed' : 'pending',
      attempts: 0,
      createdAt: at,
      updatedAt: at,
      ...(decision.skipped ? { lastError: decision.skipped } : { nextAttemptAt: at }),
      announcement,
    };
    if (decision.skipped) deps.logger.warn('Announcement names a channel it cannot go to', { announcementId: announcement.id, channel: decision.channel, reason: decision.skipped });
    const recorded = await deps.store.recordDelivery(delivery);
    // A delivery recorded by an earlier try of this record whose first attempt may never have been queued.
    const unqueued = !recorded.created && recorded.stored.status === 'pending' && recorded.stored.attempts === 0;
    if (decision.skipped) continue;
    if (recorded.created || unqueued) due.push({ deliveryId: delivery.deliveryId, attempt: 1, notBefore: at });
    (recorded.created ? result.queued : result.existing).push(delivery.deliveryId);
  }
  // Queued after recording: a queued attempt always finds its delivery. Queued twice at worst, claimed once.
  await deps.queue.send(due, now);
  return result;
}

/** Thrown so the queue hands the message back later. */
export class PreviousAttemptRunningError extends Error {
  override readonly name = 'PreviousAttemptRunningError';
}

export interface AttemptDeps extends NotifierDeps {
  senders: SenderDeps;
  random: () => number;
  schedule: readonly number[];
  /** A channel's health, read once per batch (deliverer) per channel. */
  channelHealth: (channel: string) => Promise<ChannelHealth | undefined>;
}

export type AttemptEnd = 'early' | 'not-ours' | 'delivered' | 'retrying' | 'failed' | 'disabled' | 'dead';

/** One queued attempt. Never throws for what a destination did; throws for what AWS did (the message comes back). */
export async function attempt(deps: AttemptDeps, message: { deliveryId: string; attempt: number; notBefore: string }): Promise<AttemptEnd> {
  const now = deps.now();
  if (Date.parse(message.notBefore) - now.getTime() > 1000) {
    await deps.queue.send([message], now);
    return 'early';
  }
  const delivery = await deps.store.claimAttempt(message.deliveryId, message.attempt, now);
  if (!delivery) {
    const stored = await deps.store.getDelivery(message.deliveryId);
    // The previous attempt queued this one and is still recording its end: come back when it has.
    if (stored?.status === 'sending' && stored.attempts === message.attempt - 1) throw new PreviousAttemptRunningError(`attempt ${message.attempt - 1} of ${message.deliveryId} is still being recorded`);
    return 'not-ours';
  }
  const at = () => deps.now().toISOString();
  const config = (await deps.config())?.channels[delivery.channel];
  if (!config) {
    await deps.store.recordAttempt(delivery.deliveryId, message.attempt, { status: 'failed', at: at(), error: `channel ${delivery.channel} is no longer configured in notifications.channels` });
    return 'failed';
  }
  const health = await deps.channelHealth(delivery.channel);
  // A test or a replay is how an operator checks a channel again; everything else skips a disabled one.
  if (health?.disabledAt && delivery.announcementKind !== TEST_KIND && !delivery.replays) {
    await deps.store.recordAttempt(delivery.deliveryId, message.attempt, { status: 'disabled', at: at(), error: `channel disabled since ${health.disabledAt}: ${health.disabledReason ?? ''}`.trim() });
    return 'disabled';
  }
  const { verdict, payload } = await attemptDelivery(deps.senders, { channel: delivery.channel, config, announcement: delivery.announcement, deliveryId: delivery.deliveryId, now });
  const ended = at();
  const statusCode = verdict.statusCode === undefined ? {} : { statusCode: verdict.statusCode };
  deps.logger.info('Delivery attempt', { deliveryId: delivery.deliveryId, channel: delivery.channel, attempt: message.attempt, outcome: verdict.outcome, ...statusCode, ...(verdict.outcome === 'delivered' ? {} : { reason: verdict.reason }) });
  if (verdict.outcome === 'delivered') {
    await deps.store.recordAttempt(delivery.deliveryId, message.attempt, { status: 'delivered', at: ended, statusCode: verdict.statusCode });
    await deps.store.recordChannelOutcome(delivery.channel, { at: ended, delivered: true });
    return 'delivered';
  }
  await deps.store.recordChannelOutcome(delivery.channel, { at: ended, delivered: false, error: verdict.reason, disable: verdict.outcome === 'disable' });
  if (verdict.outcome === 'disable' || verdict.outcome === 'fail') {
    const status = verdict.outcome === 'disable' ? 'disabled' : 'failed';
    await deps.store.recordAttempt(delivery.deliveryId, message.attempt, { status, at: ended, error: verdict.reason, ...statusCode });
    return status;
  }
  const pause = message.attempt < maxAttempts(deps.schedule) ? retryDelaySeconds(message.attempt, deps.random(), { schedule: deps.schedule, retryAfterSeconds: verdict.retryAfterSeconds }) : undefined;
  if (pause === undefined) {
    await deps.store.recordAttempt(delivery.deliveryId, message.attempt, { status: 'dead', at: ended, error: verdict.reason, ...statusCode, payload });
    return 'dead';
  }
  const next = { deliveryId: delivery.deliveryId, attempt: message.attempt + 1, notBefore: new Date(Date.parse(ended) + pause * 1000).toISOString() };
  // Queued before it is recorded: were the record lost, the claim of the next attempt still finds this one taken.
  await deps.queue.send([next], deps.now());
  await deps.store.recordAttempt(delivery.deliveryId, message.attempt, { status: 'retrying', at: ended, nextAttemptAt: next.notBefore, error: verdict.reason, ...statusCode });
  return 'retrying';
}
