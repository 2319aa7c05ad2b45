import { clusterNameFromArn, serviceNameFromGroup, taskDefinitionFromArn } from '../../kernel/arns.ts';
import { MalformedEventError } from '../../kernel/errors.ts';
import { readEnvelope } from '../../kernel/envelope.ts';
import {
  assignDefined,
  isObject,
  keptString,
  keptTimestamp,
  preview,
  readInteger,
  readKeyString,
  readObject,
  readOptionalInteger,
  readOptionalKeyString,
  readOptionalString,
  readOptionalTimestamp,
  readString,
  type JsonObject,
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
  containerArn?: string;
  image?: string;
  /** Returned for images hosted in ECR: what the container actually runs, whatever its tag points at now. */
  imageDigest?: string;
  runtimeId?: string;
  healthStatus?: string;
}

/** A task attachment as ECS reports it (`eni` for an awsvpc network interface, `elb`, Service Connect…). */
export interface TaskAttachment {
  id?: string;
  type?: string;
  status?: string;
  details?: { name: string; value: string }[];
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
  /** Absent when the event names the task definition by family alone. */
  revision?: number;
  lastStatus: TaskStatus;
  desiredStatus: TaskStatus;
  /** ECS increments this on every state change of the task; it orders events that EventBridge may reorder. */
  version: number;
  /** The deployment or task set that started the task (`ecs-svc/…`), or what RunTask was given. */
  startedBy?: string;
  stoppedAt?: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerState[];
  /** When ECS made this change (detail.updatedAt, else the event time). */
  updatedAt: string;
  eventId: string;
  // Descriptive: kept when present, never decisive (see keptString in kernel/validate.ts).
  launchType?: string;
  capacityProviderName?: string;
  platformVersion?: string;
  platformFamily?: string;
  /** EC2 (and EXTERNAL) tasks: the container instance the task was placed on. */
  containerInstanceArn?: string;
  availabilityZone?: string;
  cpu?: string;
  memory?: string;
  connectivity?: string;
  healthStatus?: string;
  createdAt?: string;
  startedAt?: string;
  stoppingAt?: string;
  executionStoppedAt?: string;
  attachments?: TaskAttachment[];
}

export const TASK_STATE_CHANGE = { source: 'aws.ecs', detailType: 'ECS Task State Change' } as const;

/**
 * Reads what decisions need strictly (identity, status, version, ownership, stop codes, exit codes) and keeps the rest
 * of AWS's task shape when present (docs/decisions/0012-event-shapes.md). Values that go into keys are bounded.
 */
export function parseTaskStateChange(event: unknown): TaskState {
  const envelope = readEnvelope(event, TASK_STATE_CHANGE);
  const detail = envelope.detail;
  const clusterArn = readString(detail, 'clusterArn', 'detail');
  const taskDefinitionArn = readString(detail, 'taskDefinitionArn', 'detail');
  const group = readOptionalKeyString(detail, 'group', 'detail');
  const definition = taskDefinitionFromArn(taskDefinitionArn, 'detail.taskDefinitionArn');
  const task: TaskState = {
    taskArn: readKeyString(detail, 'taskArn', 'detail'),
    clusterArn,
    cluster: clusterNameFromArn(clusterArn, 'detail.clusterArn'),
    taskDefinitionArn,
    family: definition.family,
    lastStatus: readStatus(detail, 'lastStatus'),
    desiredStatus: readStatus(detail, 'desiredStatus'),
    version: readInteger(detail, 'version', 'detail'),
    containers: readContainers(detail),
    updatedAt: readOptionalTimestamp(detail, 'updatedAt', 'detail') ?? envelope.time,
    eventId: envelope.id,
  };
  assignDefined(task, {
    revision: definition.revision,
    service: serviceNameFromGroup(group),
    group,
    startedBy: readOptionalKeyString(detail, 'startedBy', 'detail') || undefined,
    stoppedAt: readOptionalTimestamp(detail, 'stoppedAt', 'detail'),
    stopCode: readOptionalString(detail, 'stopCode', 'detail'),
    stoppedReason: readOptionalString(detail, 'stoppedReason', 'detail'),
    launchType: keptString(detail, 'launchType'),
    capacityProviderName: keptString(detail, 'capacityProviderName'),
    platformVersion: keptString(detail, 'platformVersion'),
    platformFamily: keptString(detail, 'platformFamily'),
    containerInstanceArn: keptString(detail, 'containerInstanceArn'),
    availabilityZone: keptString(detail, 'availabilityZone'),
    cpu: keptString(detail, 'cpu'),
    memory: keptString(detail, 'memory'),
    connectivity: keptString(detail, 'connectivity'),
    healthStatus: keptString(detail, 'healthStatus'),
    createdAt: keptTimestamp(detail, 'createdAt'),
    startedAt: keptTimestamp(detail, 'startedAt'),
    stoppingAt: keptTimestamp(detail, 'stoppingAt'),
    executionStoppedAt: keptTimestamp(detail, 'executionStoppedAt'),
    attachments: keptAttachments(detail['attachments']),
  });
  return task;
}

function readStatus(detail: JsonObject, key: string): TaskStatus {
  const value = readString(detail, key, 'detail');
  if (!(TASK_STATUSES as readonly string[]).includes(value)) {
    throw new MalformedEventError(`detail.${key}`, `must be an ECS task status (got ${preview(value)})`);
  }
  return value as TaskStatus;
}

/** Containers decide whether a task failed (exit codes), so when present they must have the documented shape. */
function readContainers(detail: JsonObject): ContainerState[] {
  const containers = detail['containers'];
  if (containers === undefined || containers === null) return [];
  if (!Array.isArray(containers)) throw new MalformedEventError('detail.containers', 'must be an array');
  return containers.map(readContainer);
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
    containerArn: keptString(container, 'containerArn'),
    image: keptString(container, 'image'),
    imageDigest: keptString(container, 'imageDigest'),
    runtimeId: keptString(container, 'runtimeId'),
    healthStatus: keptString(container, 'healthStatus'),
  });
  return state;
}

function keptAttachments(value: unknown): TaskAttachment[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const attachments = value.filter(isObject).map((attachment) => {
    const kept: TaskAttachment = {};
    const details = Array.isArray(attachment['details'])
      ? attachment['details'].filter(isObject).flatMap((detail) => {
          const name = keptString(detail, 'name');
          return name === undefined || typeof detail['value'] !== 'string' ? [] : [{ name, value: detail['value'] }];
        })
      : undefined;
    assignDefined(kept, { id: keptString(attachment, 'id'), type: keptString(attachment, 'type'), status: keptString(attachment, 'status'), details });
    return kept;
  });
  return attachments.length > 0 ? attachments : undefined;
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
