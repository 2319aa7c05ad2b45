import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing ("Verifying requests from Slack", docs.slack.dev/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, keyed by the app's signing secret, of `v0:<timestamp>:<raw
 * body>`, with the timestamp from `X-Slack-Request-Timestamp`. A request older (or newer) than five minutes is refused
 * before its signature is even computed, so a captured request cannot be replayed later. Pure.
 */

export const SLACK_SIGNATURE_VERSION = 'v0';
/** Slack's advice: refuse requests whose timestamp is more than five minutes away from now. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type SignatureRefusal = 'missing-signature' | 'stale-timestamp' | 'bad-signature';
export type SignatureVerdict = { valid: true } | { valid: false; refusal: SignatureRefusal; reason: string };

/** The `X-Slack-Signature` value Slack sends for this body at this timestamp. */
export function slackSignature(signingSecret: string, timestamp: string, body: string): string {
  return `${SLACK_SIGNATURE_VERSION}=${createHmac('sha256', signingSecret).update(`${SLACK_SIGNATURE_VERSION}:${timestamp}:${body}`).digest('hex')}`;
}

export function verifySlackSignature(request: { signingSecret: string; timestamp: string | undefined; signature: string | undefined; body: string; now: Date }): SignatureVerdict {
  const { timestamp, signature } = request;
  if (!timestamp || !signature) return refuse('missing-signature', 'X-Slack-Signature and X-Slack-Request-Timestamp are required');
  if (!/^\d{1,12}$/.test(timestamp)) return refuse('missing-signature', 'X-Slack-Request-Timestamp is not a Unix time in seconds');
  const skew = Math.abs(request.now.getTime() / 1000 - Number(timestamp));
  if (skew > SLACK_TIMESTAMP_TOLERANCE_SECONDS) {
    return refuse('stale-timestamp', `X-Slack-Request-Timestamp is ${Math.round(skew)} s away from now (at most ${SLACK_TIMESTAMP_TOLERANCE_SECONDS} s): a replay, or a clock far off`);
  }
  const expected = Buffer.from(slackSignature(request.signingSecret, timestamp, request.body));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; the length of a v0 signature is public.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('bad-signature', 'X-Slack-Signature does not match the body signed with the signing secret');
  return { valid: true };
}

function refuse(refusal: SignatureRefusal, reason: string): SignatureVerdict {
  return { valid: false, refusal, reason };
}
