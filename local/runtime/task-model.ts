/**
 * Pure ECS task state: what the runtime believes about each task, and the lifecycle steps AWS would
 * report for it. Every step bumps `version` by one, as ECS does per task.
 */
import { createHash } from 'node:crypto';

export interface ContainerRecord {
  containerArn: string;
  name: string;
  image: string;
  /** The digest the image resolved to (ECR images only, as ECS reports it). */
  imageDigest?: string;
  /** The container's CPU units from the task definition, as a string like ECS (`"0"` when unset). */
  cpu?: string;
  /** The container runtime's id, set once the container started. */
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
}

export interface TaskRecord {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  launchType: string;
  startedBy: string;
  cpu?: string;
  memory?: string;
  availabilityZone: string;
  /** EC2 (and EXTERNAL) tasks: the container instance the task was placed on. */
  containerInstanceArn?: string;
  /** Fargate tasks: the platform version LATEST resolved to. */
  platformVersion?: string;
  capacityProviderName?: string;
  containers: ContainerRecord[];
  attachments: unknown[];
  version: number;
  lastStatus: string;
  desiredStatus: string;
  connectivity?: string;
  createdAt: Date;
  updatedAt: Date;
  connectivityAt?: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  executionStoppedAt?: Date;
  stoppedReason?: string;
  stopCode?: string;
}

/** One lifecycle step: the new status plus what else changes with it. */
export interface TaskStep {
  lastStatus: string;
  desiredStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  containerReason?: string;
}

/** The subset of an ECS API Task object (RunTask/StopTask/DescribeTasks response) we read. */
export interface EcsTaskLike {
  taskArn?: string;
  clusterArn?: string;
  taskDefinitionArn?: string;
  group?: string;
  launchType?: string;
  startedBy?: string;
  cpu?: string;
  memory?: string;
  availabilityZone?: string;
  containerInstanceArn?: string;
  platformVersion?: string;
  capacityProviderName?: string;
  attachments?: unknown[];
  containers?: { containerArn?: string; name?: string; image?: string }[];
}

/** What the runtime learns about a new task besides RunTask's answer: sizing, placement, resolved image digests. */
export interface TaskExtras {
  cpu?: string;
  memory?: string;
  launchType?: string;
  availabilityZone?: string;
  containerInstanceArn?: string;
  /** Container name → CPU units from the task definition. */
  containerCpu?: Record<string, string>;
  /** Image reference → digest, for the images that resolved. */
  imageDigests?: Record<string, string>;
}

/** Fargate answers `LATEST` with the version it resolves to (docs: "Fargate platform versions"). */
export const FARGATE_LATEST_PLATFORM_VERSION = '1.4.0';

export const STOP_CODES = {
  userInitiated: 'UserInitiated',
  essentialContainerExited: 'EssentialContainerExited',
  taskFailedToStart: 'TaskFailedToStart',
  serviceSchedulerInitiated: 'ServiceSchedulerInitiated',
} as const;

export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';

/** A task as it is created: PROVISIONING is version 1, the first event ECS emits. */
export function newTaskRecord(task: EcsTaskLike, now: Date, extra: TaskExtras = {}): TaskRecord {
  const taskArn = required(task.taskArn, 'taskArn');
  const launchType = extra.launchType ?? task.launchType ?? 'FARGATE';
  const platformVersion = launchType === 'FARGATE' ? (task.platformVersion && task.platformVersion !== 'LATEST' ? task.platformVersion : FARGATE_LATEST_PLATFORM_VERSION) : undefined;
  const containerInstanceArn = launchType === 'FARGATE' ? undefined : (task.containerInstanceArn ?? extra.containerInstanceArn);
  return {
    taskArn,
    clusterArn: required(task.clusterArn, 'clusterArn'),
    taskDefinitionArn: required(task.taskDefinitionArn, 'taskDefinitionArn'),
    group: task.group ?? '',
    launchType,
    startedBy: task.startedBy ?? '',
    cpu: task.cpu ?? extra.cpu,
    memory: task.memory ?? extra.memory,
    availabilityZone: task.availabilityZone ?? extra.availabilityZone ?? 'us-east-1a',
    ...(containerInstanceArn ? { containerInstanceArn } : {}),
    ...(platformVersion ? { platformVersion } : {}),
    ...(task.capacityProviderName ? { capacityProviderName: task.capacityProviderName } : {}),
    attachments: task.attachments ?? [],
    containers: (task.containers ?? []).map((container, index) => {
      const name = container.name ?? `container-${index}`;
      const image = container.image ?? '';
      const imageDigest = extra.imageDigests?.[image];
      return {
        containerArn: containerArnFor(taskArn, container.containerArn, index),
        name,
        image,
        ...(imageDigest ? { imageDigest } : {}),
        cpu: extra.containerCpu?.[name] ?? '0',
        lastStatus: 'PENDING',
      };
    }),
    version: 1,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    createdAt: now,
    updatedAt: now,
  };
}

/** Applies one step: version + 1 and the timestamps AWS sets when a task enters that status. */
export function applyStep(record: TaskRecord, step: TaskStep, now: Date): TaskRecord {
  const next: TaskRecord = {
    ...record,
    version: record.version + 1,
    lastStatus: step.lastStatus,
    desiredStatus: step.desiredStatus ?? record.desiredStatus,
    updatedAt: now,
    stopCode: step.stopCode ?? record.stopCode,
    stoppedReason: step.stoppedReason ?? record.stoppedReason,
  };
  stampTimes(next, step.lastStatus, now);
  next.containers = record.containers.map((container) => containerAfter(container, step));
  return next;
}

function stampTimes(task: TaskRecord, status: string, now: Date): void {
  switch (status) {
    case 'PENDING':
      task.connectivity = 'CONNECTED';
      task.connectivityAt ??= now;
      task.pullStartedAt ??= now;
      break;
    case 'RUNNING':
      task.pullStoppedAt ??= now;
      task.startedAt ??= now;
      break;
    case 'DEACTIVATING':
    case 'STOPPING':
      task.stoppingAt ??= now;
      break;
    case 'STOPPED':
      task.stoppingAt ??= now;
      task.executionStoppedAt ??= now;
      task.stoppedAt = now;
      break;
  }
}

function containerAfter(container: ContainerRecord, step: TaskStep): ContainerRecord {
  const status = containerStatusFor(step.lastStatus, container.lastStatus);
  const next: ContainerRecord = { ...container, lastStatus: status };
  if (status === 'RUNNING') next.runtimeId ??= runtimeIdFor(container.containerArn);
  if (status === 'STOPPED') next.exitCode = step.exitCode ?? container.exitCode ?? 0;
  if (step.containerReason) next.reason = step.containerReason;
  return next;
}

/** Containers are PENDING until the task runs, RUNNING while it runs or stops, STOPPED at the end. */
export function containerStatusFor(taskStatus: string, current: string): string {
  if (taskStatus === 'RUNNING') return 'RUNNING';
  if (taskStatus === 'STOPPED') return 'STOPPED';
  if (taskStatus === 'PROVISIONING' || taskStatus === 'PENDING' || taskStatus === 'ACTIVATING') return 'PENDING';
  return current;
}

/** A Docker-style 64-hex id, stable per container. */
export function runtimeIdFor(containerArn: string): string {
  return createHash('sha256').update(containerArn).digest('hex');
}

/**
 * An attachment's status as task events report it along the lifecycle: the network interface is created while the
 * task provisions, attached while it runs, deleted once it stopped (what DescribeTasks answers at other times).
 */
export function attachmentStatusFor(taskStatus: string, described: string | undefined): string | undefined {
  if (taskStatus === 'PROVISIONING') return 'PRECREATED';
  if (taskStatus === 'DEPROVISIONING' || taskStatus === 'STOPPED') return 'DELETED';
  return described;
}

/** DescribeTasks names an awsvpc network interface `ElasticNetworkInterface`; task events name it `eni`. */
export function eventAttachmentType(type: string | undefined): string | undefined {
  return type === 'ElasticNetworkInterface' ? 'eni' : type;
}

/** PROVISIONING (the record's own version 1) is followed by these to reach RUNNING. */
export function startSteps(): TaskStep[] {
  return [{ lastStatus: 'PENDING' }, { lastStatus: 'RUNNING' }];
}

/** StopTask: desired STOPPED, then the task drains and stops. */
export function userStopSteps(reason: string): TaskStep[] {
  const common = { desiredStatus: 'STOPPED', stopCode: STOP_CODES.userInitiated, stoppedReason: reason };
  return [
    { ...common, lastStatus: 'DEACTIVATING' },
    { ...common, lastStatus: 'STOPPING' },
    { ...common, lastStatus: 'STOPPED', exitCode: 0 },
  ];
}

/** The service scheduler scaling a task set or service in. */
export function schedulerStopSteps(reason: string): TaskStep[] {
  return userStopSteps(reason).map((step) => ({ ...step, stopCode: STOP_CODES.serviceSchedulerInitiated }));
}

/** The essential container exited on its own. */
export function crashSteps(exitCode: number): TaskStep[] {
  const common = {
    desiredStatus: 'STOPPED',
    stopCode: STOP_CODES.essentialContainerExited,
    stoppedReason: ESSENTIAL_CONTAINER_EXITED,
  };
  return [
    { ...common, lastStatus: 'STOPPING', exitCode },
    { ...common, lastStatus: 'STOPPED', exitCode },
  ];
}

/** The task never got its containers running (e.g. the image could not be pulled). */
export function failToStartSteps(reason: string): TaskStep[] {
  return [
    {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: STOP_CODES.taskFailedToStart,
      stoppedReason: reason,
      containerReason: reason,
    },
  ];
}

/**
 * What a container's command makes the local task do, as a shell would: `exit N` exits N at once, `sleep S` exits 0
 * after S seconds, `sleep S; exit N` (or `&&`) exits N after S seconds; plain or wrapped in `sh -c`/`bash -c`. Any
 * other command runs until stopped. ECS reports an essential container's exit, 0 included, as EssentialContainerExited.
 */
export function commandExit(command: readonly string[] | undefined): { afterMs: number; exitCode: number } | undefined {
  if (!command || command.length === 0) return undefined;
  const shell = command.length >= 3 && /(^|\/)(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c';
  const script = (shell ? command.slice(2) : command).join(' ');
  const match = /^\s*(?:sleep\s+(\d+(?:\.\d+)?)\s*(?:;|&&)?\s*)?(?:exit\s+(\d{1,3}))?\s*$/.exec(script);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  return { afterMs: match[1] === undefined ? 50 : Math.round(Number(match[1]) * 1000), exitCode: match[2] === undefined ? 0 : Number(match[2]) };
}

export function isStopping(record: TaskRecord): boolean {
  return record.desiredStatus === 'STOPPED' || record.lastStatus === 'STOPPED';
}

/** Strictly increasing timestamps, so consecutive events of a task never share a time. */
export class MonotonicClock {
  #last = 0;
  now(): Date {
    this.#last = Math.max(Date.now(), this.#last + 1);
    return new Date(this.#last);
  }
}

export function familyOf(taskDefinitionArn: string): string {
  const name = taskDefinitionArn.split('/').pop() ?? taskDefinitionArn;
  return name.split(':')[0] ?? name;
}

/**
 * AWS container ARNs are `…:container/CLUSTER/TASK_ID/UUID`; moto builds them from the task definition
 * ARN, so keep only moto's unique last segment.
 */
export function containerArnFor(taskArn: string, motoContainerArn: string | undefined, index: number): string {
  const unique = motoContainerArn?.split('/').pop() ?? `container-${index}`;
  return `${taskArn.replace(':task/', ':container/')}/${unique}`;
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`ECS task without ${name}`);
  return value;
}
