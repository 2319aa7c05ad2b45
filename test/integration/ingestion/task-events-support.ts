import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seededRandom } from '../../../local/runtime/seeded-random.ts';
import { taskArn, taskStateChange } from '../../fixtures/aws-events.ts';
import { OUTBOX_TABLE, STATE_TABLE, scanAll } from '../support.ts';

/**
 * Streams of ECS task events for ingestion tests (test/integration/ingestion, test/reliability): every version of
 * many tasks, some redelivered, shuffled; and what the state table should hold once they are all ingested.
 */

/** The lifecycle one task goes through; versions are the indexes + 1, as ECS numbers them. */
export const FULL_LIFECYCLE = ['PROVISIONING', 'PENDING', 'RUNNING', 'RUNNING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'STOPPED'] as const;

/** Statuses after ECS decided to stop the task (its desired status is then STOPPED). */
const STOPPING_STATUSES = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);

export function taskEvent(taskId: string, version: number, crashed: boolean, lifecycle: readonly string[] = FULL_LIFECYCLE): Record<string, unknown> {
  const lastStatus = lifecycle[version - 1] as string;
  const stopped = lastStatus === 'STOPPED';
  return taskStateChange({
    taskArn: taskArn(taskId),
    version,
    lastStatus,
    desiredStatus: STOPPING_STATUSES.has(lastStatus) ? 'STOPPED' : 'RUNNING',
    updatedAt: new Date(Date.parse('2026-11-20T10:00:00Z') + version * 1000).toISOString(),
    containers: [{ name: 'web', lastStatus, ...(stopped ? { exitCode: crashed ? 1 : 0 } : {}) }],
    ...(stopped
      ? crashed
        ? { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', stoppedAt: '2026-11-20T10:00:08Z' }
        : { stopCode: 'UserInitiated', stoppedReason: 'Scaled in', stoppedAt: '2026-11-20T10:00:08Z' }
      : {}),
  });
}

/** Deterministic shuffle, so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const result = [...items];
  const random = seededRandom(seed);
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

export interface TaskEventStreamOptions {
  tasks: number;
  lifecycle?: readonly string[];
  /** How many of the events are redelivered a second time (drawn at random). */
  duplicates: number;
  /** Every n-th task crashes at its end (exit code 1) instead of stopping cleanly. */
  crashedEvery?: number;
}

export interface TaskEventStream {
  /** Every version of every task plus the duplicates, shuffled. */
  events: Record<string, unknown>[];
  taskIds: string[];
  crashedIds: Set<string>;
  lifecycle: readonly string[];
}

export function taskEventStream(options: TaskEventStreamOptions): TaskEventStream {
  const lifecycle = options.lifecycle ?? FULL_LIFECYCLE;
  const taskIds = Array.from({ length: options.tasks }, (_, index) => `task${String(index).padStart(4, '0')}`);
  const crashedIds = new Set(taskIds.filter((_, index) => index % (options.crashedEvery ?? 10) === 0));
  const unique = taskIds.flatMap((id) => lifecycle.map((_, index) => taskEvent(id, index + 1, crashedIds.has(id), lifecycle)));
  const duplicates = shuffled(unique, 7).slice(0, options.duplicates);
  return { events: shuffled([...unique, ...duplicates], 42), taskIds, crashedIds, lifecycle };
}

export interface IngestedTasks {
  stored: number;
  /** Tasks stored at anything but their newest version and final status, described (empty when all are right). */
  wrong: string[];
  /** Task ids announced as failed in the outbox, sorted. */
  announcedFailures: string[];
}

/** What the state table and the outbox hold for the stream's tasks, compared with their newest versions. */
export async function ingestedTasks(documents: DynamoDBDocumentClient, stream: TaskEventStream): Promise<IngestedTasks> {
  const tasks = (await scanAll(documents, STATE_TABLE)).filter((item) => item['kind'] === 'task');
  const idOf = (arn: unknown) => String(arn).split('/').pop() as string;
  const stored = new Map(tasks.map((task) => [idOf(task['taskArn']), task]));
  const wrong = stream.taskIds.flatMap((id) => {
    const task = stored.get(id);
    const expected = { version: stream.lifecycle.length, lastStatus: 'STOPPED', stopCode: stream.crashedIds.has(id) ? 'EssentialContainerExited' : 'UserInitiated' };
    const found = { version: task?.['version'], lastStatus: task?.['lastStatus'], stopCode: task?.['stopCode'] };
    return JSON.stringify(found) === JSON.stringify(expected) ? [] : [`${id}: ${task ? JSON.stringify(found) : 'not stored'}, expected ${JSON.stringify(expected)}`];
  });
  const notifications = await scanAll(documents, OUTBOX_TABLE);
  const announcedFailures = notifications.map((item) => idOf((item['details'] as { taskArn: string }).taskArn)).sort();
  return { stored: tasks.length, wrong, announcedFailures };
}
