import { createHash } from 'node:crypto';
import type { Announcement } from './announcement.ts';

/**
 * One delivery = one announcement to one channel (docs/decisions/0015). Its id is derived from both, so a redelivered
 * stream record finds the delivery it already recorded, and the id a webhook receiver deduplicates on
 * (`webhook-id`) is the same on every attempt.
 */

export function deliveryId(announcementId: string, channel: string): string {
  return `msg_${createHash('sha256').update(`${announcementId}\n${channel}`).digest('hex').slice(0, 32)}`;
}

export type DeliveryStatus = 'pending' | 'sending' | 'retrying' | 'delivered' | 'failed' | 'dead' | 'disabled';
/** Statuses no attempt follows; `notifications replay` starts a delivery in one of them afresh. */
export const FINAL_STATUSES: readonly DeliveryStatus[] = ['delivered', 'failed', 'dead', 'disabled'];

/** Pauses before each retry, in seconds: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h (8 attempts over about 41.6 h). */
export const RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 86400];
/** Each pause is stretched or shortened by up to this share, so receivers recovering from an outage are not hit at once. */
export const JITTER = 0.2;

/**
 * The pause after failed attempt `attempt` (1 = the first try), or undefined when it was the last. A Retry-After
 * longer than the schedule's pause wins (it is the receiver asking).
 */
export function retryDelaySeconds(attempt: number, random: number, options: { schedule?: readonly number[]; retryAfterSeconds?: number } = {}): number | undefined {
  const schedule = options.schedule ?? RETRY_DELAYS_SECONDS;
  const base = schedule[attempt - 1];
  if (base === undefined) return undefined;
  const jittered = Math.max(1, Math.round(base * (1 - JITTER + 2 * JITTER * random)));
  return Math.max(jittered, Math.ceil(options.retryAfterSeconds ?? 0));
}

export type AttemptVerdict =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'retry'; reason: string; statusCode?: number; retryAfterSeconds?: number }
  | { outcome: 'disable'; reason: string; statusCode?: number }
  | { outcome: 'fail'; reason: string; statusCode?: number };

/** 2xx delivered; 410 Gone disables the channel; 408, 429 (honouring Retry-After) and 5xx retry; anything else fails at once. */
export function httpVerdict(statusCode: number, retryAfter: string | undefined, body: string): AttemptVerdict {
  if (statusCode >= 200 && statusCode < 300) return { outcome: 'delivered', statusCode };
  const reason = `HTTP ${statusCode}${body.trim() === '' ? '' : `: ${body.trim().slice(0, 200)}`}`;
  if (statusCode === 410) return { outcome: 'disable', reason, statusCode };
  if (statusCode === 429 || statusCode === 408 || statusCode >= 500) {
    const retryAfterSeconds = parseRetryAfter(retryAfter);
    return { outcome: 'retry', reason, statusCode, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  }
  if (statusCode >= 300 && statusCode < 400) return { outcome: 'fail', reason: `${reason} (redirects are not followed)`, statusCode };
  return { outcome: 'fail', reason, statusCode };
}

/** Slack Web API errors (https://docs.slack.dev/reference/methods/chat.postMessage#errors) that end, or pause, a channel. */
const SLACK_RETRY = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
const SLACK_DISABLE = new Set(['channel_is_archived', 'is_archived', 'account_inactive', 'token_revoked', 'token_expired', 'invalid_auth', 'not_authed', 'team_access_not_granted']);

/** A Slack Web API answer: HTTP 200 with `{ ok: false, error }` on failure. */
export function slackApiVerdict(statusCode: number, retryAfter: string | undefined, body: string): AttemptVerdict & { ts?: string; channel?: string } {
  const http = httpVerdict(statusCode, retryAfter, body);
  if (http.outcome !== 'delivered') return http;
  let answer: { ok?: unknown; error?: unknown; ts?: unknown; channel?: unknown };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return { outcome: 'retry', reason: `Slack answered ${statusCode} with a body that is not JSON`, statusCode };
  }
  if (answer.ok === true) return { outcome: 'delivered', statusCode, ...(typeof answer.ts === 'string' ? { ts: answer.ts } : {}), ...(typeof answer.channel === 'string' ? { channel: answer.channel } : {}) };
  const error = typeof answer.error === 'string' ? answer.error : 'unknown_error';
  const reason = `Slack: ${error}`;
  if (SLACK_RETRY.has(error)) return { outcome: 'retry', reason, statusCode };
  if (SLACK_DISABLE.has(error)) return { outcome: 'disable', reason, statusCode };
  return { outcome: 'fail', reason, statusCode };
}

/** Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3); bounded to a day. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : (Date.parse(value) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, Math.ceil(seconds)), 86_400);
}

/** What is recorded of a delivery (state table, docs/decisions/0015). */
export interface DeliveryRecord {
  deliveryId: string;
  announcementId: string;
  announcementKind: string;
  channel: string;
  status: DeliveryStatus;
  /** Attempts made (0 until the first is claimed). */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt?: string;
  lastStatusCode?: number;
  lastError?: string;
  deliveredAt?: string;
  replays?: number;
  /** What is sent: the announcement as the outbox held it (the stream record is gone by the time a retry runs). */
  announcement: Announcement;
}

/** Every attempt gets this long before a redelivered queue message may claim it again (a crashed attempt). */
export const ATTEMPT_LEASE_SECONDS = 60;
/** The first try plus one per pause. */
export function maxAttempts(schedule: readonly number[] = RETRY_DELAYS_SECONDS): number {
  return schedule.length + 1;
}
