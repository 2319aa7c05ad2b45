import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approverRefusal, decidedCard, readApprovalClick, requesterMention, responseUrlAllowed } from '../../../functions/notify/domain/slack-interaction.ts';
import { approvalClickPayload, BLOCK_ACTIONS_SAMPLE, interactionBody } from '../../fixtures/slack-interactions.ts';

const target = { cluster: 'prod', service: 'web', deploymentId: 'web-5257344a9229f9b5' };

describe('reading a click on an approval card', () => {
  for (const action of ['approve', 'abort', 'fast-track'] as const) {
    it(`reads ${action}: the deployment from the button value, the clicker, the response URL and the card`, () => {
      const click = readApprovalClick(interactionBody(approvalClickPayload({ action, ...target, userId: 'U012AB3CD' })));
      assert.deepEqual(
        { action: click.action, cluster: click.cluster, service: click.service, deploymentId: click.deploymentId, userId: click.userId, userName: click.userName, teamId: click.teamId },
        { action, ...target, userId: 'U012AB3CD', userName: 'primary-owner', teamId: 'T111' },
      );
      assert.equal(click.responseUrl, BLOCK_ACTIONS_SAMPLE.response_url);
      assert.equal(click.message?.attachments.length, 1, 'the notifier’s card, in its attachment');
    });
  }

  const withAction = (change: Record<string, unknown>) => {
    const payload = approvalClickPayload({ action: 'approve', ...target });
    return interactionBody({ ...payload, actions: [{ ...(payload['actions'] as Record<string, unknown>[])[0], ...change }] });
  };
  const malformed: Array<[string, string, RegExp]> = [
    ['Slack’s sample itself (a button of another app)', interactionBody(BLOCK_ACTIONS_SAMPLE), /^payload\.actions has no action of the harbormaster-approval block$/],
    ['a JSON body instead of the form', JSON.stringify(BLOCK_ACTIONS_SAMPLE), /^payload is missing/],
    ['a payload that is not JSON', 'payload=%7Bnope', /^payload is not JSON/],
    ['a modal submission', interactionBody({ ...approvalClickPayload({ action: 'approve', ...target }), type: 'view_submission' }), /^payload\.type must be one of block_actions/],
    ['an unknown button', withAction({ action_id: 'rollback' }), /^payload\.actions\[\]\.action_id must be one of approve, abort, fast-track/],
    ['a value that is not JSON', withAction({ value: 'click_me_123' }), /^payload\.actions\[\]\.value is not the JSON/],
    ['a value without the deployment', withAction({ value: JSON.stringify({ cluster: 'prod', service: 'web' }) }), /^payload\.actions\[\]\.value\.deploymentId must be a non-empty string/],
    ['a user id that is not Slack’s', interactionBody(approvalClickPayload({ action: 'approve', ...target, userId: 'jane' })), /^payload\.user\.id must be a Slack user id/],
    ['no response URL', interactionBody({ ...approvalClickPayload({ action: 'approve', ...target }), response_url: undefined }), /^payload\.response_url must be a non-empty string/],
    ['a body of half a megabyte', `payload=${'x'.repeat(512 * 1024)}`, /^body is over 262144 bytes/],
  ];
  for (const [name, body, message] of malformed) {
    it(`refuses ${name}, naming the field`, () => assert.throws(() => readApprovalClick(body), { name: 'MalformedEventError', message }));
  }
});

describe('who may decide', () => {
  const cases: Array<[string, string[] | undefined, string | undefined]> = [
    ['an approver', ['U012AB3CD', 'U999'], undefined],
    ['someone else', ['U999'], 'unknown-user'],
    ['anyone, when the service names no approvers', [], 'no-approvers'],
    ['anyone, when the section has no approvers', undefined, 'no-approvers'],
  ];
  for (const [name, approvers, refusal] of cases) {
    it(`${refusal ? 'refuses' : 'lets'} ${name}`, () => assert.equal(approverRefusal({ ...target, userId: 'U012AB3CD' }, approvers)?.refusal, refusal));
  }

  it('posts answers only to Slack’s response URLs (and loopback where the stage allows it)', () => {
    assert.equal(responseUrlAllowed('https://hooks.slack.com/actions/T1/2/3', ['https://hooks.slack.com/']), true);
    assert.equal(responseUrlAllowed('https://hooks.slack.com.evil.example/x', ['https://hooks.slack.com/']), false);
    assert.equal(responseUrlAllowed('http://127.0.0.1:4000/r', ['https://hooks.slack.com/']), false);
    assert.equal(responseUrlAllowed('http://127.0.0.1:4000/r', ['https://hooks.slack.com/', 'http://127.0.0.1:']), true);
  });
});

describe('the card after a decision', () => {
  it('keeps the card, drops its buttons, and says who decided, when and what happens now, where the buttons were', () => {
    const click = readApprovalClick(interactionBody(approvalClickPayload({ action: 'approve', ...target })));
    const card = decidedCard(click, { by: requesterMention('slack:U012AB3CD'), at: '2026-12-02T06:40:00.123Z', outcome: 'it goes on to move production traffic to green' });
    assert.equal(card.replace_original, true);
    const [attachment] = card.attachments ?? [];
    assert.equal(attachment?.['color'], (click.message?.attachments[0] as Record<string, unknown>)['color'], 'the severity colour stays');
    const blocks = attachment?.['blocks'] as Array<Record<string, unknown>>;
    assert.ok(!blocks.some((block) => block['block_id'] === 'harbormaster-approval'), 'the buttons are gone');
    assert.deepEqual(blocks.at(-1), {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: ':white_check_mark: *Approved* by <@U012AB3CD> at 2026-12-02 06:40:00Z: it goes on to move production traffic to green' }],
    });
    assert.equal(card.text, 'prod/web deployment web-5257344a9229f9b5: approved by <@U012AB3CD> at 2026-12-02 06:40:00Z');
  });

  it('answers a card without blocks (an ephemeral message) with the deployment and the decision', () => {
    const payload = { ...approvalClickPayload({ action: 'abort', ...target }), message: undefined };
    const card = decidedCard(readApprovalClick(interactionBody(payload)), { by: '<@U1>', at: '2026-12-02T06:40:00Z', outcome: 'it rolls back now' });
    assert.deepEqual(card.blocks?.map((block) => block['type']), ['section', 'context']);
    assert.equal(card.attachments, undefined);
  });

  it('names an approval made from the CLI as such', () => assert.equal(requesterMention(undefined), 'an operator (CLI)'));
});
