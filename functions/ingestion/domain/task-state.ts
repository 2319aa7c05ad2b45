import { clusterNameFromArn, serviceNameFromGroup, taskDefinitionFromArn } from '../../kernel/arns.ts';
import { MalformedEventError } from '../../kernel/errors.ts';
import { readEnvelope } from '../../kernel/envelope.ts';
import {
  assignDefined,
  readArray,
  readInteger,
  readObject,
  readOptionalInteger,
  readOptionalString,
  readOptionalTimestamp,
  readString,
} from '../../kernel/validate.ts';

/** ECS task lifecycle statuses, in lifecycle order (AWS: "Amazon ECS task lifecycle"). */
export const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
  'DELETED',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface ContainerState {
  name: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  image?: string;
  imageDigest?: string;
}

/** One ECS task as its newest ingested `ECS Task State Change` event describes it. */
export interface TaskState {
  taskArn: string;
  clusterArn: string;
  cluster: string;
  /** Set when the task belongs to a service (group `service:<name>`). */
  service?: string;
  group?: string;
  taskDefinitionArn: string;
  family: string;
  revision: number;
  lastStatus: TaskStatus;
  desiredStatus: TaskStatus;
  /** ECS increments this on every state change of the task; it orders events that EventBridge may reorder. */
  version: number;
  launchType?: string;
  startedBy?: string;
  createdAt?: string;
  startedAt?: string;
  stoppedAt?: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerState[];
  /** When ECS made this change (detail.updatedAt, else the event time). */
  updatedAt: string;
  eventId: string;
}

export const TASK_STATE_CHANGE = { source: 'aws.ecs', detailType: 'ECS Task State Change' } as const;

export function parseTaskStateChange(event: unknown): TaskState {
  const envelope = readEnvelope(event, TASK_STATE_CHANGE);
  const detail = envelope.detail;
  const clusterArn = readString(detail, 'clusterArn', 'detail');
  const taskDefinitionArn = readString(detail, 'taskDefinitionArn', 'detail');
  const group = readOptionalString(detail, 'group', 'detail');
  const service = serviceNameFromGroup(group);
  const definition = taskDefinitionFromArn(taskDefinitionArn, 'detail.taskDefinitionArn');
  const task: TaskState = {
    taskArn: readString(detail, 'taskArn', 'detail'),
    clusterArn,
    cluster: clusterNameFromArn(clusterArn, 'detail.clusterArn'),
    taskDefinitionArn,
    family: definition.family,
    revision: definition.revision,
    lastStatus: readStatus(detail, 'lastStatus'),
    desiredStatus: readStatus(detail, 'desiredStatus'),
    version: readInteger(detail, 'version', 'detail'),
    containers: readArray(detail, 'containers', 'detail').map(readContainer),
    updatedAt: readOptionalTimestamp(detail, 'updatedAt', 'detail') ?? envelope.time,
    eventId: envelope.id,
  };
  assignDefined(task, {
    service,
    group,
    launchType: readOptionalString(detail, 'launchType', 'detail'),
    startedBy: readOptionalString(detail, 'startedBy', 'detail'),
    createdAt: readOptionalTimestamp(detail, 'createdAt', 'detail'),
    startedAt: readOptionalTimestamp(detail, 'startedAt', 'detail'),
    stoppedAt: readOptionalTimestamp(detail, 'stoppedAt', 'detail'),
    stopCode: readOptionalString(detail, 'stopCode', 'detail'),
    stoppedReason: readOptionalString(detail, 'stoppedReason', 'detail'),
  });
  return task;
}

function readStatus(detail: Record<string, unknown>, key: string): TaskStatus {
  const value = readString(detail, key, 'detail');
  if (!(TASK_STATUSES as readonly string[]).includes(value)) {
    throw new MalformedEventError(`detail.${key}`, `must be an ECS task status (got "${value}")`);
  }
  return value as TaskStatus;
}

function readContainer(value: unknown, index: number): ContainerState {
  const field = `detail.containers[${index}]`;
  const container = readObject(value, field);
  const state: ContainerState = {
    name: readString(container, 'name', field),
    lastStatus: readOptionalString(container, 'lastStatus', field) ?? 'UNKNOWN',
  };
  assignDefined(state, {
    exitCode: readOptionalInteger(container, 'exitCode', field),
    reason: readOptionalString(container, 'reason', field),
    image: readOptionalString(container, 'image', field),
    imageDigest: readOptionalString(container, 'imageDigest', field),
  });
  return state;
}

export type VersionVerdict = 'apply' | 'duplicate' | 'stale';

/**
 * How an incoming task event relates to the stored one. ECS versions are per task and strictly increasing,
 * so equal means EventBridge delivered the same change twice and lower means it arrived out of order.
 */
export function compareTaskVersions(storedVersion: number | undefined, incomingVersion: number): VersionVerdict {
  if (storedVersion === undefined || incomingVersion > storedVersion) return 'apply';
  return incomingVersion === storedVersion ? 'duplicate' : 'stale';
}

/** Stop codes that mean the task ended without anyone asking it to (AWS: "Amazon ECS stopped tasks errors"). */
const FAILURE_STOP_CODES = new Set(['TaskFailedToStart', 'EssentialContainerExited', 'SpotInterruption', 'TerminationNotice']);

/**
 * Why a task counts as failed, or undefined when it is still running or stopped normally.
 * A stop the user or a deployment asked for (UserInitiated, ServiceSchedulerInitiated) is a failure only when an
 * essential container had already exited non-zero, which is how a crash-looping service's tasks look.
 */
export function taskFailure(task: Pick<TaskState, 'containers' | 'stopCode' | 'stoppedReason'> & { lastStatus: string }): string | undefined {
  if (task.lastStatus !== 'STOPPED') return undefined;
  const crashed = task.containers.find((container) => container.exitCode !== undefined && container.exitCode !== 0);
  const stopCodeIsFailure = task.stopCode !== undefined && FAILURE_STOP_CODES.has(task.stopCode);
  if (!stopCodeIsFailure && !crashed) return undefined;
  const stop = [task.stopCode, task.stoppedReason].filter((part) => part !== undefined && part !== '').join(': ');
  if (!crashed) return stop;
  const exit = `container ${crashed.name} exited with code ${crashed.exitCode}${crashed.reason ? ` (${crashed.reason})` : ''}`;
  return stop === '' ? exit : `${stop}; ${exit}`;
}
