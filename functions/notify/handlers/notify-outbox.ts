import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { MalformedEventError } from '../../kernel/errors.ts';
import { readAnnouncement } from '../domain/announcement.ts';
import { fanOut } from '../app/notifier.ts';
import { notifierDependencies, oncePerBatch } from './dependencies.ts';

/**
 * The outbox stream → one recorded, queued delivery per channel (docs/decisions/0015). INSERTs only (the event source
 * filter, and here again): a rewritten announcement is a MODIFY and is not sent again. A record that fails is reported
 * alone (ReportBatchItemFailures), so the batch's other announcements are not fanned out again.
 */
const deps = notifierDependencies();
const processor = new BatchProcessor(EventType.DynamoDBStreams);

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  const config = oncePerBatch(deps.readConfig);
  return processPartialResponse(
    event,
    async (record: DynamoDBRecord) => {
      if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return;
      let announcement;
      try {
        announcement = readAnnouncement(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>));
      } catch (error) {
        if (!(error instanceof MalformedEventError)) throw error;
        // Retrying cannot make it readable: logged and acknowledged.
        deps.logger.error('Unreadable outbox item', { eventId: record.eventID, reason: error.message });
        return;
      }
      const result = await fanOut({ ...deps, config }, announcement);
      deps.logger.info('Announcement routed', { announcementId: announcement.id, kind: announcement.kind, queued: result.queued.length, existing: result.existing.length });
    },
    processor,
    { context },
  );
};
