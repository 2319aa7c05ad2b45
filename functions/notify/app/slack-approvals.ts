import { MalformedEventError } from '../../kernel/errors.ts';
import { DeployControlError } from '../../deploy/index.ts';
import type { ApprovalAction } from '../../deploy/domain/deploy-announcements.ts';
import { verifySlackSignature, type SignatureRefusal } from '../domain/slack-signature.ts';
import {
  approverRefusal,
  clickerNote,
  decidedCard,
  readApprovalClick,
  requesterMention,
  responseUrlAllowed,
  slackRequester,
  type ApprovalClick,
  type ClickRefusal,
  type SlackResponse,
} from '../domain/slack-interaction.ts';

/**
 * Approvals from Slack (docs/decisions/0016-slack-approvals.md): a click on an approval card's Approve / Abort /
 * Fast-track button reaches the function URL; it is answered only if Slack signed it, it names a deployment of a
 * configured service and the clicker is one of that service's approvers; then the same controls as the CLI decide, and
 * the card is replaced through the interaction's response URL with who decided and when. Every answer is counted under
 * its outcome, with its reason; the signing secret and the body are never logged.
 */

/** The controls the buttons call (DeployControls'); each records who asked (`by`) and refuses what it cannot do. */
export interface ApprovalControls {
  approve(target: DecisionTarget): Promise<{ message: string; approvedAt?: string; approvedBy?: string }>;
  abort(target: DecisionTarget): Promise<{ message: string; outcome: string }>;
  promote(target: DecisionTarget & { full: true }): Promise<{ message: string }>;
}
type DecisionTarget = { cluster: string; service: string; deploymentId: string; by: string };

export type InteractionOutcome = 'approved' | 'aborted' | 'fast-tracked' | SignatureRefusal | 'malformed' | 'response-url-refused' | ClickRefusal;

/** One answer, as counted and logged: never the body, never the secret. */
export interface InteractionRecord {
  outcome: InteractionOutcome;
  reason: string;
  at: string;
  userId?: string;
  deployment?: string;
}

export interface SlackApprovalsDependencies {
  /** The app's signing secret (read from SSM and cached by the caller). */
  signingSecret: () => Promise<string>;
  /** The service's Slack approvers, or undefined when the service has no deploy configuration. */
  approvers: (cluster: string, service: string) => Promise<{ slackUsers: string[] } | undefined>;
  controls: ApprovalControls;
  /** Posts to a response URL; resolves with why it could not, if it could not. */
  respond: (responseUrl: string, message: SlackResponse) => Promise<string | undefined>;
  record: (record: InteractionRecord) => Promise<void>;
  /** Response URLs this stage answers (Slack's hooks; loopback on the local stage). */
  responseUrlPrefixes: readonly string[];
  now?: () => Date;
}

export interface InteractionRequest {
  headers: Record<string, string | undefined>;
  body: string;
}

/** What the function URL answers Slack: 200 once the click was understood (Slack shows what the response URL got). */
export interface InteractionAnswer {
  status: number;
  body: string;
  outcome: InteractionOutcome;
}

export class SlackApprovals {
  private readonly deps: SlackApprovalsDependencies;
  private readonly now: () => Date;

  constructor(deps: SlackApprovalsDependencies) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
  }

  async handle(request: InteractionRequest): Promise<InteractionAnswer> {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    const verdict = verifySlackSignature({
      signingSecret: await this.deps.signingSecret(),
      timestamp: headers['x-slack-request-timestamp'],
      signature: headers['x-slack-signature'],
      body: request.body,
      now: this.now(),
    });
    if (!verdict.valid) return this.answer(401, { outcome: verdict.refusal, reason: verdict.reason });
    let click: ApprovalClick;
    try {
      click = readApprovalClick(request.body);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      return this.answer(400, { outcome: 'malformed', reason: error.message });
    }
    const who = { userId: click.userId, deployment: `${click.cluster}/${click.service}/${click.deploymentId}` };
    if (!responseUrlAllowed(click.responseUrl, this.deps.responseUrlPrefixes)) {
      return this.answer(400, { outcome: 'response-url-refused', reason: 'payload.response_url is not a Slack response URL', ...who });
    }
    const approvers = await this.deps.approvers(click.cluster, click.service);
    const refused = approvers ? approverRefusal(click, approvers.slackUsers) : { refusal: 'unknown-service' as const, reason: `${click.cluster}/${click.service} has no deploy configuration` };
    if (refused) return this.tellClicker(click, { outcome: refused.refusal, reason: refused.reason, ...who });
    let decided: Decision;
    try {
      decided = await this.decide(click);
    } catch (error) {
      // The controls refuse what the deployment cannot do now (it moved on, ended, or is not waiting for approval).
      if (!(error instanceof DeployControlError)) throw error;
      decided = { refused: error.message };
    }
    if ('refused' in decided) return this.tellClicker(click, { outcome: 'decision-refused', reason: decided.refused, ...who });
    const outcome = DECISION_OUTCOMES[click.action];
    const failed = await this.deps.respond(click.responseUrl, decidedCard(click, decided));
    return this.answer(200, { outcome, reason: failed ? `${decided.outcome} (the card could not be updated: ${failed})` : decided.outcome, ...who });
  }

  /** The control the button names, as the clicker; the answer says who is recorded and what happens now. */
  private async decide(click: ApprovalClick): Promise<Decision> {
    const target = { cluster: click.cluster, service: click.service, deploymentId: click.deploymentId, by: slackRequester(click) };
    const at = this.now().toISOString();
    switch (click.action) {
      case 'approve': {
        const approved = await this.deps.controls.approve(target);
        return { at: approved.approvedAt ?? at, by: requesterMention(approved.approvedBy), outcome: approved.message };
      }
      case 'abort': {
        const aborted = await this.deps.controls.abort(target);
        // An abort of a deploy that already ended changes nothing: the clicker is told, the card stays.
        if (aborted.outcome !== 'requested') return { refused: aborted.message };
        return { at, by: requesterMention(target.by), outcome: aborted.message };
      }
      case 'fast-track': {
        const promoted = await this.deps.controls.promote({ ...target, full: true });
        return { at, by: requesterMention(target.by), outcome: promoted.message };
      }
    }
  }

  /** A signed click that changes nothing: the clicker alone is told why. */
  private async tellClicker(click: ApprovalClick, record: Omit<InteractionRecord, 'at'>): Promise<InteractionAnswer> {
    const failed = await this.deps.respond(click.responseUrl, clickerNote(`Nothing done: ${record.reason}`));
    return this.answer(200, { ...record, ...(failed ? { reason: `${record.reason} (the clicker could not be told: ${failed})` } : {}) });
  }

  private async answer(status: number, record: Omit<InteractionRecord, 'at'>): Promise<InteractionAnswer> {
    await this.deps.record({ ...record, at: this.now().toISOString() });
    return { status, body: status === 200 ? '' : record.reason, outcome: record.outcome };
  }
}

/** What a click decided (who is recorded, when, what happens now), or why the control changed nothing. */
type Decision = { at: string; by: string; outcome: string } | { refused: string };

const DECISION_OUTCOMES = { approve: 'approved', abort: 'aborted', 'fast-track': 'fast-tracked' } as const satisfies Record<ApprovalAction, InteractionOutcome>;

/** Whether the answer was a decision (the rest are refusals). */
export function isDecision(outcome: InteractionOutcome): boolean {
  return (Object.values(DECISION_OUTCOMES) as InteractionOutcome[]).includes(outcome);
}
