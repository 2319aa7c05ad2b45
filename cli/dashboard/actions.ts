import { DeployControlError } from '../../functions/deploy/index.ts';
import { isEnded } from '../../functions/deploy/domain/deployment.ts';
import { ScheduleNotFoundError } from '../../functions/schedules/index.ts';
import { deployTargetOf, REQUEST_OUTCOMES, statusCommand, type DeployTarget } from '../deploys.ts';
import { CliError } from '../errors.ts';
import { operatorName } from '../operator.ts';
import { scheduleControls } from '../schedules.ts';
import type { Session } from '../session.ts';
import type { ActionRequest, ActionResult } from './api.ts';
import { notFound, refused } from './errors.ts';
import type { DashboardViews } from './views.ts';

/**
 * The page's actions, through the same controls as the CLI's verbs (approve, abort, promote, rollback, schedules run)
 * with the same hints. A control's refusal becomes a 409, an unknown service or schedule a 404.
 */

export type ServiceAction = 'approve' | 'abort' | 'promote' | 'rollback';
export const SERVICE_ACTIONS: readonly ServiceAction[] = ['approve', 'abort', 'promote', 'rollback'];

export class DashboardActions {
  private readonly session: Session;
  private readonly views: DashboardViews;
  private readonly now: () => Date;
  /** Who acts, as the deployment records it (`approvedBy`, …): `dashboard:<user>`, as the CLI records `cli:<user>`. */
  private readonly requester: string;

  constructor(session: Session, views: DashboardViews, now: () => Date = () => new Date(), env: NodeJS.ProcessEnv = process.env) {
    this.session = session;
    this.views = views;
    this.now = now;
    this.requester = operatorName('dashboard', env);
  }

  async service(name: string, action: ServiceAction, request: ActionRequest & { full?: boolean }): Promise<ActionResult> {
    const target = await refusalsOf(async () => deployTargetOf(this.session, await this.views.knownService(name)));
    const { ref } = target;
    switch (action) {
      case 'approve': {
        const deploymentId = await this.deployment(target, request, 'approve');
        const hint = `See where it is with ${statusCommand(target)}; approve once it waits at the approval gate (only deploys with manualApproval have one).`;
        const answer = await control(hint, () => target.controls.approve({ ...ref, deploymentId, by: this.requester }));
        return { ok: true, message: answer.message, deploymentId };
      }
      case 'promote': {
        const deploymentId = await this.deployment(target, request, 'promote');
        const hint = `See where it is with ${statusCommand(target)}: promote again once it bakes or waits for approval, or promote fully to skip every remaining bake.`;
        const answer = await control(hint, () => target.controls.promote({ ...ref, deploymentId, full: request.full === true, by: this.requester }));
        return { ok: true, message: answer.message, deploymentId };
      }
      case 'abort': {
        const deploymentId = await this.deployment(target, request, 'abort');
        const answer = await control(`${statusCommand(target)} shows its deployments.`, () => target.controls.abort({ ...ref, deploymentId, by: this.requester }));
        // As `harbormaster abort`: too late when it took effect (rollback undoes it) or its end is not recorded yet.
        if (answer.outcome === 'already-ended' && (answer.status === 'SUCCEEDED' || !isEnded(answer.status))) {
          throw refused(answer.message, answer.status === 'SUCCEEDED' ? 'Roll it back instead: that deploys the revision before it.' : `\`harbormaster unlock ${name}\` records how it ended and frees the service.`);
        }
        return { ok: true, message: answer.message, deploymentId };
      }
      case 'rollback': {
        const hint = `${statusCommand(target)} shows the running and recent deployments; abort rolls back the running one.`;
        const answer = await control(hint, () => target.controls.rollbackToPrevious({ ...ref, ...(request.deploymentId ? { deploymentId: request.deploymentId } : {}) }));
        const outcome = REQUEST_OUTCOMES[answer.outcome];
        if (outcome === 'superseded') throw refused(`A newer deploy request replaced the rollback of ${target.label} in the queue`, hint);
        const started = outcome === 'started' ? 'Started' : `Requested (${outcome})`;
        return { ok: true, message: `${started} deployment ${answer.deploymentId} of revision ${answer.revision} to ${target.label}, undoing deployment ${answer.undoes}`, deploymentId: answer.deploymentId };
      }
    }
  }

  async runSchedule(name: string): Promise<ActionResult> {
    const controls = await scheduleControls(this.session);
    try {
      const run = await this.session.call(`start a run of schedule ${name}`, () => controls.run(name, this.now(), { dryRun: false }));
      return { ok: true, message: `${run.started ? 'Started' : 'Already started'} ${run.executionName} (scheduled time ${run.input.scheduledTime})` };
    } catch (error) {
      const cause = error instanceof CliError ? error.cause : error;
      if (cause instanceof ScheduleNotFoundError) throw notFound(cause.message);
      throw error;
    }
  }

  /** The deployment the request names, else the lock holder; none running is a refusal, worded for the page. */
  private async deployment(target: DeployTarget, request: ActionRequest, nothingTo: string): Promise<string> {
    if (request.deploymentId !== undefined) return request.deploymentId;
    const holder = await this.session.call(`read the deploy lock of ${target.label}`, () => target.deployments.lockHolder(target.ref.cluster, target.ref.service));
    if (holder === undefined) throw refused(`No deployment of ${target.label} is running: nothing to ${nothingTo}`, 'It may have just ended: the deploy history on this page shows how.');
    return holder;
  }
}

/** A control's refusal (DeployControlError) is a 409 with what to do next. */
async function control<T>(hint: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DeployControlError) throw refused(error.message, hint);
    throw error;
  }
}

/**
 * The CLI's own refusals (no deploy configuration, nothing running) are CliErrors without a cause; an AWS failure
 * always carries its cause and stays a failure.
 */
async function refusalsOf<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CliError && error.cause === undefined) throw refused(error.message, error.hint);
    throw error;
  }
}
