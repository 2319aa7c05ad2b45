import type { TimelineEvent } from '../../kernel/timeline.ts';
import type { EcsDeploymentState, EcsEventType, ServiceAction } from './service-events.ts';
import { taskFailure, type TaskState, type TaskStatus } from './task-state.ts';

/**
 * What ingestion records of a service, as timeline events. The state table keeps each task's newest state and each
 * ECS deployment's newest state, not every change (docs/decisions/0002): a task's events are the milestones its
 * recorded times show (created, running, stopping, stopped), an ECS deployment's the state it is in now. A reader
 * that polls sees each new state as it is recorded; service actions are appended, so all of them are there.
 */

type Milestone = 'CREATED' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/** The milestone a task has reached in each status: the one its current status gets when ECS gave it no time. */
const MILESTONE_OF: Record<TaskStatus, Milestone> = {
  PROVISIONING: 'CREATED',
  PENDING: 'CREATED',
  ACTIVATING: 'CREATED',
  RUNNING: 'RUNNING',
  DEACTIVATING: 'STOPPING',
  STOPPING: 'STOPPING',
  DEPROVISIONING: 'STOPPING',
  STOPPED: 'STOPPED',
  DELETED: 'STOPPED',
};

const SEVERITY: Record<EcsEventType, TimelineEvent['severity']> = { INFO: 'info', WARN: 'warn', ERROR: 'error' };

export function taskEvents(task: TaskState): TimelineEvent[] {
  const times: Record<Milestone, string | undefined> = { CREATED: task.createdAt, RUNNING: task.startedAt, STOPPING: task.stoppingAt, STOPPED: task.stoppedAt };
  times[MILESTONE_OF[task.lastStatus]] ??= task.updatedAt;
  const definition = task.revision === undefined ? task.family : `${task.family}:${task.revision}`;
  const details = {
    taskArn: task.taskArn,
    taskDefinition: definition,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    version: task.version,
    ...(task.startedBy ? { startedBy: task.startedBy } : {}),
  };
  const event = (milestone: Milestone, at: string, message: string, extra: Record<string, unknown> = {}, severity: TimelineEvent['severity'] = 'info'): TimelineEvent => ({
    id: `task#${task.taskArn}#${milestone}`,
    at,
    source: 'task',
    type: `TASK_${milestone}`,
    subject: task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1),
    severity,
    message,
    details: { ...details, ...extra },
  });
  const events: TimelineEvent[] = [];
  if (times.CREATED) events.push(event('CREATED', times.CREATED, task.startedBy ? `${definition}, started by ${task.startedBy}` : definition));
  if (times.RUNNING) events.push(event('RUNNING', times.RUNNING, definition));
  if (times.STOPPING) events.push(event('STOPPING', times.STOPPING, task.stoppedReason ?? 'asked to stop'));
  if (times.STOPPED) {
    const exits = task.containers.filter((container) => container.exitCode !== undefined).map((container) => `${container.name} exited ${container.exitCode}${container.reason ? ` (${container.reason})` : ''}`);
    const stop = [task.stopCode, task.stoppedReason].filter((part) => part !== undefined && part !== '').join(': ');
    const containers = task.containers.map(({ name, lastStatus, exitCode, reason }) => ({ name, lastStatus, ...(exitCode === undefined ? {} : { exitCode }), ...(reason ? { reason } : {}) }));
    const failed = taskFailure(task) !== undefined;
    events.push(
      event('STOPPED', times.STOPPED, [stop, ...exits].filter((part) => part !== '').join('; ') || 'stopped', { stopCode: task.stopCode, stoppedReason: task.stoppedReason, containers }, failed ? 'error' : 'info'),
    );
  }
  return events;
}

/** The newest recorded state of an ECS-managed deployment (rolling update, ECS blue/green). */
export function ecsDeploymentEvent(deployment: EcsDeploymentState): TimelineEvent {
  return {
    id: `ecs-deployment#${deployment.deploymentId}#${deployment.eventName}`,
    at: deployment.updatedAt,
    source: 'ecs',
    type: deployment.eventName,
    subject: deployment.deploymentId,
    severity: SEVERITY[deployment.eventType],
    message: deployment.reason ?? '',
    details: { deploymentId: deployment.deploymentId, eventName: deployment.eventName, eventType: deployment.eventType, reason: deployment.reason },
  };
}

export function serviceActionEvent(action: ServiceAction): TimelineEvent {
  const where = [...(action.capacityProviderArns ?? []), ...(action.containerInstanceArns ?? [])].map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
  return {
    id: `service-action#${action.eventId}`,
    at: action.createdAt,
    source: 'ecs',
    type: action.eventName,
    severity: SEVERITY[action.eventType],
    message: [action.reason, where.length > 0 ? `on ${where.join(', ')}` : undefined].filter((part) => part !== undefined).join(' '),
    details: {
      eventName: action.eventName,
      eventType: action.eventType,
      reason: action.reason,
      capacityProviderArns: action.capacityProviderArns,
      containerInstanceArns: action.containerInstanceArns,
    },
  };
}
