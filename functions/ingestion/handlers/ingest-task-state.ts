import { sharedDocumentClient, sharedSfnClient } from '../../kernel/aws/clients.ts';
import { StabilityWaiters, TaskTokens } from '../../deploy/index.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { taskFailedNotification } from '../domain/task-failed-notification.ts';
import { parseTaskStateChange } from '../domain/task-state.ts';
import { defaultDependencies } from './dependencies.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';

/**
 * `ECS Task State Change` → the task's newest state; a failed task is also queued for announcement. A newly stored
 * state of a green task may resume a deploy waiting for green to stabilize.
 */
const { store, logger } = defaultDependencies();
const waiters = new StabilityWaiters(sharedDocumentClient(), readTableNames(process.env).state, new TaskTokens(sharedSfnClient()));

export const handler = ingestionHandler({
  parse: parseTaskStateChange,
  apply: async (task) => {
    const { outcome, previousStatus } = await store.applyTaskState(task, taskFailedNotification(task));
    if (outcome === 'apply') {
      const resume = await waiters.taskChanged(task, previousStatus);
      if (resume !== 'none') logger[resume === 'resume-failed' ? 'warn' : 'info']('Deploy stability wait', { taskArn: task.taskArn, taskSetId: task.startedBy, resume });
    }
    return outcome;
  },
  store,
  logger,
});
