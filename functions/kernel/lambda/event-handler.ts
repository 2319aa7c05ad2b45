import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { identifyRejectedEvent, type RejectedEventIdentity } from '../envelope.ts';
import { MalformedEventError } from '../errors.ts';

/** What a guarded write did with an event: written, already seen, or older than what is stored. */
export type WriteOutcome = 'apply' | 'duplicate' | 'stale';

/** Keeps a malformed event for inspection, once per event id (the ingestion StateStore is one). */
export interface RejectedEventRecorder {
  recordRejectedEvent(identity: RejectedEventIdentity, reason: string, rawEvent: unknown, receivedAt: string): Promise<WriteOutcome>;
}

export interface IngestionResult {
  outcome: WriteOutcome | 'rejected';
  eventId: string;
  reason?: string;
}

export interface IngestionSteps<T> {
  /** Validates and normalises the event; throws MalformedEventError for anything AWS would never send. */
  parse(event: unknown): T;
  /** Applies the parsed event with a guarded write. */
  apply(parsed: T): Promise<WriteOutcome>;
  store: RejectedEventRecorder;
  logger: Logger;
  now?: () => Date;
}

/**
 * The shape of every EventBridge ingestion Lambda: parse, apply with a guard, log the outcome.
 * A malformed event is recorded and counted, then acknowledged: retrying it could never succeed.
 * Any other error propagates, so Lambda's async retries and the dead-letter queue keep the event.
 */
export function ingestionHandler<T>(steps: IngestionSteps<T>) {
  const now = steps.now ?? (() => new Date());
  const ingest = async (event: unknown): Promise<IngestionResult> => {
    const identity = identifyRejectedEvent(event);
    let parsed: T;
    try {
      parsed = steps.parse(event);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      const recorded = await steps.store.recordRejectedEvent(identity, error.message, event, now().toISOString());
      steps.logger.error('Rejected malformed event', { eventId: identity.id, source: identity.source, detailType: identity.detailType, reason: error.message, redelivery: recorded === 'duplicate' });
      return { outcome: 'rejected', eventId: identity.id, reason: error.message };
    }
    const outcome = await steps.apply(parsed);
    steps.logger.info('Ingested event', { eventId: identity.id, detailType: identity.detailType, outcome });
    return { outcome, eventId: identity.id };
  };
  return middy<unknown, IngestionResult, Error, Context>(ingest).use(injectLambdaContext(steps.logger));
}
