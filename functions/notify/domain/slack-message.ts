import type { Severity } from '../config.ts';
import type { Card } from './card.ts';

/**
 * Slack messages (Block Kit, https://docs.slack.dev/reference/block-kit/blocks): the card in an attachment, so the bar
 * beside it shows the severity's colour, and the plain-text `text` Slack shows in notifications and where blocks
 * cannot be shown. Approval cards carry the buttons the Slack interaction handler answers.
 */

export const SEVERITY_COLOURS: Record<Severity, string> = { info: '#2EB67D', warning: '#ECB22E', critical: '#E01E5A' };

/** The Slack interaction handler finds the approval buttons by these ids; each button's value names the deployment. */
export const APPROVAL_BLOCK_ID = 'harbormaster-approval';
export const APPROVAL_ACTIONS = [
  { actionId: 'approve', label: 'Approve', style: 'primary' },
  { actionId: 'abort', label: 'Abort', style: 'danger' },
  { actionId: 'fast-track', label: 'Fast-track' },
] as const;

export type SlackBlock = Record<string, unknown>;

export interface SlackMessage {
  text: string;
  attachments: Array<{ color: string; blocks: SlackBlock[] }>;
}

/** Slack's section text limit is 3000 characters; the fallback text is kept shorter still. */
const MAX_SECTION_CHARS = 3000;
const MAX_TEXT_CHARS = 1000;

export function slackMessage(card: Card, kind: string, createdAt: string): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${escape(card.title)}*\n${escape(card.subject)}`, MAX_SECTION_CHARS) } },
  ];
  if (card.facts.length > 0) {
    blocks.push({ type: 'section', fields: card.facts.map((fact) => ({ type: 'mrkdwn', text: `*${escape(fact.label)}*\n${escape(fact.value)}` })) });
  }
  if (kind === 'deploy-approval-requested' && card.deployment) {
    const value = JSON.stringify(card.deployment);
    blocks.push({
      type: 'actions',
      block_id: APPROVAL_BLOCK_ID,
      elements: APPROVAL_ACTIONS.map((action) => ({
        type: 'button',
        action_id: action.actionId,
        text: { type: 'plain_text', text: action.label },
        value,
        ...('style' in action ? { style: action.style } : {}),
      })),
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `harbormaster · ${escape(kind)} · ${createdAt}` }] });
  return { text: truncate(`${card.title}: ${card.subject}`, MAX_TEXT_CHARS), attachments: [{ color: SEVERITY_COLOURS[card.severity], blocks }] };
}

/** Slack's mrkdwn needs &, < and > escaped (https://docs.slack.dev/messaging/formatting-message-text). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
