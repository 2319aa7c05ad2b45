import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeployControlError } from '../../../functions/deploy/index.ts';
import { SlackApprovals, type ApprovalControls, type InteractionRecord } from '../../../functions/notify/app/slack-approvals.ts';
import type { SlackResponse } from '../../../functions/notify/domain/slack-interaction.ts';
import { approvalClickPayload, interactionBody, signedHeaders, testSigningSecret } from '../../fixtures/slack-interactions.ts';

const target = { cluster: 'prod', service: 'web', deploymentId: 'web-5257344a9229f9b5' };
const APPROVER = 'U012AB3CD';
const RESPONSE_URL = 'https://hooks.slack.com/actions/T111/111/not-a-real-response-url';
const now = new Date('2026-12-02T06:40:00.000Z');

/** The endpoint with fakes that keep what they were asked: control calls, posts to the response URL, records. */
function endpoint(options: { approvers?: string[] | null; controls?: Partial<ApprovalControls> } = {}) {
  const secret = testSigningSecret();
  const calls: string[] = [];
  const posted: SlackResponse[] = [];
  const records: InteractionRecord[] = [];
  const controls: ApprovalControls = {
    approve: async (request) => (calls.push(`approve by ${request.by}`), { message: 'Approved it', approvedAt: now.toISOString(), approvedBy: request.by }),
    abort: async (request) => (calls.push(`abort by ${request.by}`), { message: 'Abort requested', outcome: 'requested' }),
    promote: async (request) => (calls.push(`promote full=${request.full} by ${request.by}`), { message: 'Promoted fully' }),
    ...options.controls,
  };
  const approvals = new SlackApprovals({
    signingSecret: async () => secret,
    approvers: async () => (options.approvers === null ? undefined : { slackUsers: options.approvers ?? [APPROVER] }),
    controls,
    respond: async (_url, message) => void posted.push(message),
    record: async (record) => void records.push(record),
    responseUrlPrefixes: ['https://hooks.slack.com/'],
    now: () => now,
  });
  const click = (action: 'approve' | 'abort' | 'fast-track', change: { userId?: string; responseUrl?: string; signedAt?: Date; secret?: string; tamper?: boolean } = {}) => {
    const body = interactionBody(approvalClickPayload({ action, ...target, userId: change.userId ?? APPROVER, responseUrl: change.responseUrl ?? RESPONSE_URL }));
    const headers = signedHeaders(change.secret ?? secret, body, change.signedAt ?? now);
    return approvals.handle({ headers, body: change.tamper ? body.replace('approve', 'abort') : body });
  };
  return { click, calls, posted, records, secret };
}

describe('approvals from Slack', () => {
  const decisions: Array<['approve' | 'abort' | 'fast-track', string, string]> = [
    ['approve', `approve by slack:${APPROVER}`, 'approved'],
    ['abort', `abort by slack:${APPROVER}`, 'aborted'],
    ['fast-track', `promote full=true by slack:${APPROVER}`, 'fast-tracked'],
  ];
  for (const [action, call, outcome] of decisions) {
    it(`${action}: calls the control as the clicker and replaces the card with who decided`, async () => {
      const { click, calls, posted, records } = endpoint();
      const answer = await click(action);
      assert.deepEqual([answer.status, answer.outcome], [200, outcome]);
      assert.deepEqual(calls, [call]);
      assert.equal(posted.length, 1);
      assert.equal(posted[0]?.replace_original, true);
      const blocks = posted[0]?.attachments?.[0]?.['blocks'] as unknown[];
      assert.match(JSON.stringify(blocks.at(-1)), new RegExp(`by <@${APPROVER}> at 2026-12-02 06:40:00Z`));
      assert.ok(!JSON.stringify(posted[0]).includes('harbormaster-approval'), 'the buttons are gone');
      assert.deepEqual(records.map((record) => [record.outcome, record.userId, record.deployment]), [[outcome, APPROVER, 'prod/web/web-5257344a9229f9b5']]);
    });
  }

  const refusals: Array<[string, Parameters<ReturnType<typeof endpoint>['click']>[1], number, string]> = [
    ['a tampered body', { tamper: true }, 401, 'bad-signature'],
    ['a body signed with another secret', { secret: testSigningSecret() }, 401, 'bad-signature'],
    ['a request signed six minutes ago', { signedAt: new Date(now.getTime() - 6 * 60_000) }, 401, 'stale-timestamp'],
    ['a response URL that is not Slack’s', { responseUrl: 'https://attacker.example/collect' }, 400, 'response-url-refused'],
  ];
  for (const [name, change, status, outcome] of refusals) {
    it(`refuses ${name} (${status}), changes nothing and records why`, async () => {
      const { click, calls, posted, records, secret } = endpoint();
      const answer = await click('approve', change);
      assert.deepEqual([answer.status, answer.outcome], [status, outcome]);
      assert.deepEqual([calls, posted], [[], []]);
      assert.deepEqual(records.map((record) => record.outcome), [outcome]);
      assert.ok(!JSON.stringify(records).includes(secret) && !answer.body.includes(secret), 'the secret appears nowhere');
    });
  }

  const told: Array<[string, Parameters<typeof endpoint>[0], string, RegExp]> = [
    ['a clicker who is not an approver', { approvers: ['U999'] }, 'unknown-user', /is not an approver of prod\/web/],
    ['a service that names no approvers', { approvers: [] }, 'no-approvers', /names no Slack approvers/],
    ['a service without deploy configuration', { approvers: null }, 'unknown-service', /prod\/web has no deploy configuration/],
    ['a deploy that moved on', { controls: { approve: async () => Promise.reject(new DeployControlError('Deployment x is not waiting for approval: it ended SUCCEEDED')) } }, 'decision-refused', /not waiting for approval/],
  ];
  for (const [name, options, outcome, note] of told) {
    it(`tells only the clicker about ${name}, leaves the card and records it`, async () => {
      const { click, posted, records } = endpoint(options);
      const answer = await click('approve');
      assert.deepEqual([answer.status, answer.outcome], [200, outcome]);
      assert.deepEqual(posted.map((message) => [message.response_type, message.replace_original]), [['ephemeral', false]]);
      assert.match(posted[0]?.text ?? '', note);
      assert.deepEqual(records.map((record) => record.outcome), [outcome]);
    });
  }

  it('an abort of a deploy that already ended is refused, not announced as done', async () => {
    const { click, posted, records } = endpoint({ controls: { abort: async () => ({ message: 'Deployment x already ended ROLLED_BACK: nothing to abort', outcome: 'already-ended' }) } });
    const answer = await click('abort');
    assert.equal(answer.outcome, 'decision-refused');
    assert.match(posted[0]?.text ?? '', /already ended ROLLED_BACK/);
    assert.equal(records[0]?.outcome, 'decision-refused');
  });
});
