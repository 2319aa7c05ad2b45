import { taskFailedNotification } from '../domain/notifications.ts';
import { parseTaskStateChange } from '../domain/task-state.ts';
import { defaultDependencies } from './shared/dependencies.ts';
import { ingestionHandler } from './shared/ingestion.ts';

/** `ECS Task State Change` → the task's newest state; a failed task is also queued for announcement. */
const { store, logger } = defaultDependencies();

export const handler = ingestionHandler({
  parse: parseTaskStateChange,
  apply: (task) => store.applyTaskState(task, taskFailedNotification(task)),
  store,
  logger,
});
