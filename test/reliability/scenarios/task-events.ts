import assert from 'node:assert/strict';
import { ingestedTasks, taskEventStream } from '../../integration/ingestion/task-events-support.ts';
import { putEventsInLanes } from '../../integration/support.ts';
import type { Scenario } from '../scenario.ts';

/** Four versions per task, as ECS numbers a short life (versions are the indexes + 1). */
const LIFECYCLE = ['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPED'] as const;

export const taskEvents: Scenario = {
  id: 'a',
  title: 'task events: every version of every task, redelivered in part, shuffled, on parallel lanes',
  async run({ stack, sizes, figures }) {
    const { tasks, duplicates, lanes, ingestTimeoutMs } = sizes.taskEvents;
    const stream = taskEventStream({ tasks, lifecycle: LIFECYCLE, duplicates });
    figures.set('events', stream.events.length);
    figures.set('tasks × versions', `${tasks.toLocaleString('en-US')} × ${LIFECYCLE.length}`);
    figures.set('duplicates', `${duplicates.toLocaleString('en-US')} (${Math.round((100 * duplicates) / stream.events.length)} %)`);
    figures.set('PutEvents lanes', lanes);

    const started = Date.now();
    await putEventsInLanes(stack.events, stream.events, lanes);
    await stack.aws.runtime.idle(ingestTimeoutMs);
    const ingestMs = figures.elapsed('ingested in', started);
    figures.set('events per second', Math.round(stream.events.length / (ingestMs / 1000)));

    const invocations = stack.aws.runtime.invocations.filter((call) => call.functionName.endsWith('-ingestTaskState'));
    const failed = invocations.filter((call) => !call.ok);
    figures.set('invocations', invocations.length);
    figures.set('failed invocations', failed.length);
    figures.set('retried invocations', invocations.filter((call) => call.attempt > 1).length);
    const ingested = await ingestedTasks(stack.documents, stream);
    figures.set('tasks stored', ingested.stored);
    figures.set('tasks at their newest version', tasks - ingested.wrong.length);
    figures.set('failures announced', `${ingested.announcedFailures.length} of ${stream.crashedIds.size} crashed`);

    assert.deepEqual(ingested.wrong.slice(0, 10), [], `${ingested.wrong.length} of ${tasks} tasks are not at their newest version (first 10 shown)`);
    assert.equal(ingested.stored, tasks, 'one item per task, no other');
    assert.deepEqual(ingested.announcedFailures, [...stream.crashedIds].sort(), 'one failure announcement per crashed task, none for clean stops');
    assert.deepEqual(
      failed.slice(0, 5).map((call) => `${call.errorType}: ${call.errorMessage}`),
      [],
      `${failed.length} invocations failed (first 5 shown)`,
    );
    assert.equal(invocations.length, stream.events.length, 'one invocation per event, none retried');
  },
};
