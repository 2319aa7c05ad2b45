import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { nextFireTimes } from '../../functions/schedules/domain/fire-times.ts';
import type { ScheduleRun } from '../../functions/schedules/domain/schedule.ts';
import { ScheduleItems } from '../../functions/schedules/index.ts';
import { waitFor } from '../wait.ts';
import { harbormaster, say, SCENE_TIMEOUT_MS, type Scene, type SceneContext } from './scene.ts';

const SCHEDULE = 'nightly-report';

/**
 * Scheduled tasks with the example's nightly-report (02:30 New York, the revision shop runs now, Forbid): the local
 * clock is moved to its next fire and the local scheduler fires it; a manual run while it is still running is skipped
 * (Forbid) and announced; then the report's container exits 2, and the failed run is recorded and announced.
 */
export const scheduledTasks: Scene = {
  title: 'Scheduled tasks: nightly-report fires at 02:30 New York time, a manual run meanwhile is skipped (Forbid), the report exits 2 and is announced',
  async run(context) {
    await harbormaster(['schedules']);
    const stored = await new ScheduleItems(context.documents, context.tables.state).get(SCHEDULE);
    if (!stored) throw new Error(`the example declares no schedule ${SCHEDULE}`);
    const { clock } = context.aws.runtime;
    const [next] = nextFireTimes(stored.schedule.expression, { timeZone: stored.schedule.timeZone, after: clock.now(), count: 1 });
    if (!next) throw new Error(`${SCHEDULE} has no next fire time`);
    say(`local clock → ${next.toISOString()} (${SCHEDULE}'s next fire); the local scheduler delivers it`);
    await clock.set(next);
    const fired = await waitForRun(context, 'the fired run to start its task', (run) => run.trigger === 'schedule' && run.outcome === 'RUNNING' && run.taskArn !== undefined);
    say(`run ${fired.runId} RUNNING, task ${fired.taskArn?.split('/').pop()} (revision ${fired.taskDefinitionArn?.split('/').pop()})`);

    // Exit 1: the run did not succeed (it was skipped).
    await harbormaster(['schedules', 'run', SCHEDULE, '--wait', '--timeout', '1m'], 1);
    await showAnnouncement(context, 'schedule-run-skipped');

    say(`the report's container exits 2 (its task stops: EssentialContainerExited)`);
    await context.aws.runtime.crashTask(String(fired.taskArn), 2);
    await waitForRun(context, 'the fired run to be recorded failed', (run) => run.runId === fired.runId && run.attempt === 1 && run.outcome === 'FAILED');
    await showAnnouncement(context, 'schedule-run-failed');
    await harbormaster(['schedules', 'history', SCHEDULE]);
    say('(attempt 2 starts after the 60 s backoff: retries { limit: 2, backoffSeconds: 60 })');
  },
};

async function waitForRun(context: SceneContext, what: string, matches: (run: ScheduleRun) => boolean): Promise<ScheduleRun> {
  const items = new ScheduleItems(context.documents, context.tables.state);
  return waitFor(what, async () => (await items.runs(SCHEDULE, 20)).find(matches), SCENE_TIMEOUT_MS);
}

/** The outbox item the notifier would deliver. */
async function showAnnouncement(context: SceneContext, kind: string): Promise<void> {
  const notification = await waitFor(
    `a ${kind} announcement`,
    async () => {
      const { Items } = await context.documents.send(new ScanCommand({ TableName: context.tables.outbox, FilterExpression: 'kind = :kind', ExpressionAttributeValues: { ':kind': kind } }));
      return Items?.[0];
    },
    SCENE_TIMEOUT_MS,
  );
  say(`outbox: ${String(notification['kind'])}  "${String(notification['subject'])}"`);
}
