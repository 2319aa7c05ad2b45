import { MalformedEventError } from '../../kernel/errors.ts';
import { isObject, preview, readArray, readKeyString, readObject, readOneOf, readOptionalString, readString, type JsonObject } from '../../kernel/validate.ts';
import { APPROVAL_ACTIONS, type ApprovalAction } from '../../deploy/domain/deploy-announcements.ts';

/**
 * A click on an approval card's buttons as Slack delivers it (a `block_actions` interaction payload, docs.slack.dev
 * "block_actions payload"), and what Harbormaster answers through the interaction's `response_url`: the card again,
 * without its buttons and with who decided and when (`replace_original`), or a note only the clicker sees
 * (`response_type: ephemeral`). The card itself is the notifier's; this reads only its actions block. Pure.
 */

/** The actions block of an approval card; its buttons' action ids are APPROVAL_ACTIONS. */
export const APPROVAL_BLOCK_ID = 'harbormaster-approval';
/** What the notifier puts in each button's value: JSON.stringify of this. */
export interface ApprovalButtonValue {
  cluster: string;
  service: string;
  deploymentId: string;
}

/** Slack sends at most a few dozen kilobytes; anything far larger is not Slack's. */
export const MAX_INTERACTION_BYTES = 256 * 1024;
/** Slack user ids: U… (and W… on Enterprise Grid). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

export interface ApprovalClick extends ApprovalButtonValue {
  action: ApprovalAction;
  userId: string;
  userName?: string;
  teamId?: string;
  responseUrl: string;
  /**
   * The card as it was clicked (absent on an ephemeral message), kept when answering with its buttons removed: the
   * message's blocks, and its attachments (the notifier puts its card in one, for the severity colour).
   */
  message?: { blocks: JsonObject[]; attachments: JsonObject[] };
}

/**
 * Reads the form body (`payload=<JSON>`) of an interaction. Anything else than a click on an approval card's button —
 * another payload type, another block, an unknown action, a value that does not name a deployment — is malformed,
 * naming the field.
 */
export function readApprovalClick(body: string): ApprovalClick {
  if (Buffer.byteLength(body, 'utf8') > MAX_INTERACTION_BYTES) throw new MalformedEventError('body', `is over ${MAX_INTERACTION_BYTES} bytes`);
  const form = new URLSearchParams(body);
  const text = form.get('payload');
  if (text === null) throw new MalformedEventError('payload', 'is missing: Slack sends interactions as a form with one field, payload');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedEventError('payload', `is not JSON (it starts ${preview(text)})`);
  }
  const payload = readObject(parsed, 'payload');
  readOneOf(payload, 'type', 'payload', ['block_actions']);
  const user = readObject(payload['user'], 'payload.user');
  const userId = readString(user, 'id', 'payload.user');
  if (!SLACK_USER_ID.test(userId)) throw new MalformedEventError('payload.user.id', `must be a Slack user id (got ${preview(userId)})`);
  const actions = readArray(payload, 'actions', 'payload');
  const clicked = actions.find((action) => isObject(action) && action['block_id'] === APPROVAL_BLOCK_ID);
  if (!isObject(clicked)) throw new MalformedEventError('payload.actions', `has no action of the ${APPROVAL_BLOCK_ID} block`);
  const action = readOneOf(clicked, 'action_id', 'payload.actions[]', APPROVAL_ACTIONS);
  const value = readButtonValue(readString(clicked, 'value', 'payload.actions[]'));
  const responseUrl = readString(payload, 'response_url', 'payload');
  const team = isObject(payload['team']) ? readOptionalString(payload['team'], 'id', 'payload.team') : undefined;
  const userName = readOptionalString(user, 'username', 'payload.user') ?? readOptionalString(user, 'name', 'payload.user');
  const message = payload['message'];
  const objects = (value: unknown) => (Array.isArray(value) ? value.filter(isObject) : []);
  const card = isObject(message) ? { blocks: objects(message['blocks']), attachments: objects(message['attachments']) } : undefined;
  return {
    action,
    ...value,
    userId,
    ...(userName ? { userName } : {}),
    ...(team ? { teamId: team } : {}),
    responseUrl,
    ...(card ? { message: card } : {}),
  };
}

function readButtonValue(text: string): ApprovalButtonValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedEventError('payload.actions[].value', `is not the JSON a Harbormaster card puts there (got ${preview(text)})`);
  }
  const value = readObject(parsed, 'payload.actions[].value');
  const field = 'payload.actions[].value';
  return { cluster: readKeyString(value, 'cluster', field), service: readKeyString(value, 'service', field), deploymentId: readKeyString(value, 'deploymentId', field) };
}

/** Who decided, as the deployment records it. */
export function slackRequester(click: Pick<ApprovalClick, 'userId'>): string {
  return `slack:${click.userId}`;
}

/** A recorded requester as Slack shows it: a mention for a Slack user, else as recorded (`cli:<user>`, `dashboard:<user>`; nobody before they recorded one). */
export function requesterMention(recorded: string | undefined): string {
  if (recorded?.startsWith('slack:')) return `<@${recorded.slice('slack:'.length)}>`;
  return recorded ?? 'an operator (CLI)';
}

/** Why a click changes nothing (the answer the clicker sees says so, and the refusal is counted under its name). */
export type ClickRefusal = 'unknown-service' | 'no-approvers' | 'unknown-user' | 'decision-refused';

/** The Slack users who may decide for this service (`deploy.approvers.slackUsers`), or why this one may not. */
export function approverRefusal(click: Pick<ApprovalClick, 'userId' | 'cluster' | 'service'>, slackUsers: readonly string[] | undefined): { refusal: ClickRefusal; reason: string } | undefined {
  const name = `${click.cluster}/${click.service}`;
  if (!slackUsers || slackUsers.length === 0) return { refusal: 'no-approvers', reason: `${name} names no Slack approvers (deploy.approvers.slackUsers): use the CLI to decide` };
  if (!slackUsers.includes(click.userId)) return { refusal: 'unknown-user', reason: `<@${click.userId}> is not an approver of ${name} (deploy.approvers.slackUsers)` };
  return undefined;
}

/** Whether a response URL is one this stage answers (Slack's own hooks; loopback too on the local stage). */
export function responseUrlAllowed(url: string, allowedPrefixes: readonly string[]): boolean {
  return allowedPrefixes.some((prefix) => url.startsWith(prefix));
}

/** A message for a response URL (docs.slack.dev "Handling user interaction", response_url). */
export interface SlackResponse {
  text: string;
  replace_original: boolean;
  response_type?: 'ephemeral' | 'in_channel';
  blocks?: JsonObject[];
  attachments?: JsonObject[];
}

const DECIDED = { approve: { verb: 'Approved', emoji: ':white_check_mark:' }, abort: { verb: 'Aborted', emoji: ':octagonal_sign:' }, 'fast-track': { verb: 'Fast-tracked', emoji: ':fast_forward:' } } as const;

/**
 * The card after a decision: its blocks without the buttons, and a line saying who decided what, when, and what happens
 * now. `by` is whoever the deployment recorded first (requesterMention): a second approver's click shows the first.
 */
export function decidedCard(click: ApprovalClick, decision: { by: string; at: string; outcome: string }): SlackResponse {
  const { verb, emoji } = DECIDED[click.action];
  const line = { type: 'context', elements: [{ type: 'mrkdwn', text: `${emoji} *${verb}* by ${decision.by} at ${displayTime(decision.at)}: ${decision.outcome}` }] };
  const text = `${click.cluster}/${click.service} deployment ${click.deploymentId}: ${verb.toLowerCase()} by ${decision.by} at ${displayTime(decision.at)}`;
  const withoutButtons = (blocks: unknown) => (Array.isArray(blocks) ? blocks.filter((block) => isObject(block) && block['block_id'] !== APPROVAL_BLOCK_ID) : []);
  const attachments = click.message?.attachments ?? [];
  // The line goes where the buttons were: into the attachment that held them, else after the message's blocks.
  const holder = attachments.findIndex((attachment) => Array.isArray(attachment['blocks']) && attachment['blocks'].some((block) => isObject(block) && block['block_id'] === APPROVAL_BLOCK_ID));
  const blocks = withoutButtons(click.message?.blocks);
  if (holder >= 0) {
    const kept = attachments.map((attachment, index) => ({ ...attachment, blocks: [...withoutButtons(attachment['blocks']), ...(index === holder ? [line] : [])] }));
    return { replace_original: true, text, ...(blocks.length > 0 ? { blocks } : {}), attachments: kept };
  }
  const base = blocks.length > 0 ? blocks : [{ type: 'section', text: { type: 'mrkdwn', text: `*${click.cluster}/${click.service}* deployment \`${click.deploymentId}\`` } }];
  return { replace_original: true, text, blocks: [...base, line], ...(attachments.length > 0 ? { attachments } : {}) };
}

/** A note only the clicker sees; the card stays as it is. */
export function clickerNote(text: string): SlackResponse {
  return { response_type: 'ephemeral', replace_original: false, text };
}

/** `2026-12-02 06:40:00Z`, as the CLI shows times. */
function displayTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
