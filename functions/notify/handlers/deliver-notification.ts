import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { RETRY_DELAYS_SECONDS } from '../domain/delivery.ts';
import { readAttemptMessage } from '../adapters/delivery-queue.ts';
import { PowertoolsSecrets } from '../adapters/secrets.ts';
import { SLACK_API_URL } from '../adapters/senders.ts';
import { DEFAULT_TIMEOUT_MS } from '../adapters/safe-http.ts';
import { attempt, type AttemptDeps } from '../app/notifier.ts';
import { localMode, notifierDependencies, oncePerBatch, oncePerBatchEach } from './dependencies.ts';

/**
 * The delivery queue → one attempt per message (docs/decisions/0015). Attempts of a batch run side by side; a message
 * fails alone (ReportBatchItemFailures) only when AWS failed us, and comes back after the visibility timeout.
 */
const env = process.env;
const base = notifierDependencies(env);
const local = localMode(env);
const processor = new BatchProcessor(EventType.SQS);
const secrets = new PowertoolsSecrets();
/** Operators may shorten the schedule (NOTIFY_RETRY_DELAYS_SECONDS=5,60,…); the local runtime and tests do. */
const schedule = env['NOTIFY_RETRY_DELAYS_SECONDS'] ? env['NOTIFY_RETRY_DELAYS_SECONDS'].split(',').map(Number).filter((seconds) => Number.isFinite(seconds) && seconds >= 0) : RETRY_DELAYS_SECONDS;

export const handler = async (event: SQSEvent, context: Context) => {
  const deps: AttemptDeps = {
    ...base,
    config: oncePerBatch(base.readConfig),
    senders: {
      secrets,
      store: base.store,
      http: { localMode: local, timeoutMs: DEFAULT_TIMEOUT_MS },
      slackApiUrl: (local ? env['SLACK_API_URL'] : undefined) ?? SLACK_API_URL,
    },
    random: Math.random,
    schedule,
    channelHealth: oncePerBatchEach((channel) => base.store.channelHealth([channel]).then((health) => health.get(channel))),
  };
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const message = readAttemptMessage(record.body);
      if (!message) {
        deps.logger.error('Unreadable delivery message', { messageId: record.messageId });
        return;
      }
      await attempt(deps, message);
    },
    processor,
    { context },
  );
};
