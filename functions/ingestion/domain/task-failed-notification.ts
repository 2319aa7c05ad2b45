import type { Notification } from '../../kernel/notifications.ts';
import { taskFailure, type TaskState } from './task-state.ts';

/** The announcement for a task that stopped abnormally, or undefined when the task did not fail. */
export function taskFailedNotification(task: TaskState): Notification | undefined {
  const reason = taskFailure(task);
  if (reason === undefined) return undefined;
  const definition = task.revision === undefined ? task.family : `${task.family}:${task.revision}`;
  const which = task.service === undefined ? `Task ${definition}` : `A task of service ${task.service}`;
  const notification: Notification = {
    id: `task-failed#${task.taskArn}`,
    kind: 'task-failed',
    subject: `${which} in cluster ${task.cluster} failed: ${reason}`,
    cluster: task.cluster,
    details: {
      taskArn: task.taskArn,
      taskDefinitionArn: task.taskDefinitionArn,
      reason,
      stoppedAt: task.stoppedAt ?? task.updatedAt,
      startedBy: task.startedBy ?? null,
      // What the notifier's card shows beside the reason.
      stopCode: task.stopCode ?? null,
      exitCodes: Object.fromEntries(task.containers.flatMap((container) => (container.exitCode === undefined ? [] : [[container.name, container.exitCode]]))),
    },
    createdAt: task.updatedAt,
  };
  if (task.service !== undefined) notification.service = task.service;
  return notification;
}
