import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The delivery queue (docs/decisions/0015): one message per attempt due. SQS holds a message back at most 15 minutes
 * (DelaySeconds), so a later attempt travels in hops: a message that arrives before `notBefore` is sent again with the
 * time left, at most 15 minutes at a time (a 24-hour pause is 96 hops, a few hundredths of a cent).
 */

export interface AttemptMessage {
  deliveryId: string;
  attempt: number;
  /** ISO time before which the attempt may not run. */
  notBefore: string;
}

export const MAX_DELAY_SECONDS = 900;
const BATCH = 10;

export class DeliveryQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** Sends every message, each delayed until its notBefore (at most 15 minutes); throws naming any SQS refused. */
  async send(messages: AttemptMessage[], now: Date): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH) {
      const batch = messages.slice(start, start + BATCH);
      const answer = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message), DelaySeconds: delayUntil(message.notBefore, now) })),
        }),
      );
      if (answer.Failed && answer.Failed.length > 0) {
        const failed = answer.Failed.map((failure) => `${batch[Number(failure.Id)]?.deliveryId ?? failure.Id}: ${failure.Code ?? ''} ${failure.Message ?? ''}`.trim());
        throw new Error(`SQS refused ${failed.length} delivery messages: ${failed.join('; ')}`);
      }
    }
  }
}

export function delayUntil(notBefore: string, now: Date): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(notBefore) - now.getTime()) / 1000)));
}

export function readAttemptMessage(body: string): AttemptMessage | undefined {
  try {
    const value = JSON.parse(body) as Partial<AttemptMessage>;
    if (typeof value.deliveryId === 'string' && typeof value.attempt === 'number' && Number.isInteger(value.attempt) && value.attempt >= 1 && typeof value.notBefore === 'string' && !Number.isNaN(Date.parse(value.notBefore))) {
      return { deliveryId: value.deliveryId, attempt: value.attempt, notBefore: value.notBefore };
    }
  } catch {
    // Not ours: reported as undefined.
  }
  return undefined;
}
