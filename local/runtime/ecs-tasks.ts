/**
 * The runtime's view of ECS tasks: drives each task through the lifecycle AWS would report, emits an
 * `ECS Task State Change` per step (in order), keeps moto's stored task stopped when ours stops, and
 * overlays our state onto DescribeTasks answers.
 */
import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { DescribeTaskDefinitionCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { AwsEventEmitter } from './emitter.ts';
import { taskStateChangeEvent } from './events.ts';
import type { FaultInjector, ServingQuality, TaskFate } from './faults.ts';
import {
  ESSENTIAL_CONTAINER_EXITED,
  MonotonicClock,
  applyStep,
  crashSteps,
  failToStartSteps,
  isStopping,
  newTaskRecord,
  startSteps,
  type EcsTaskLike,
  type TaskExtras,
  type TaskRecord,
  type TaskStep,
} from './task-model.ts';
import type { InFlightTracker } from './tracker.ts';
import { isRecord } from './wire.ts';

export interface TaskLifecycleDeps {
  ecs: ECSClient;
  ecr: ECRClient;
  emitter: AwsEventEmitter;
  tracker: InFlightTracker;
  faults: FaultInjector;
}

type TaskDefinitionSizing = Pick<TaskExtras, 'cpu' | 'memory' | 'containerCpu'>;

/** Where the scheduler put new tasks: their launch type, and the container instance for EC2 tasks. */
export interface Placement {
  launchType?: string;
  containerInstanceArn?: string;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>` followed by `@<digest>` or `:<tag>` (default latest). */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?:@(sha256:[0-9a-f]{64})|:([^@]+))?$/;

export class TaskLifecycle {
  readonly #deps: TaskLifecycleDeps;
  readonly #clock = new MonotonicClock();
  readonly #records = new Map<string, TaskRecord>();
  readonly #sizing = new Map<string, Promise<TaskDefinitionSizing>>();
  readonly #digests = new Map<string, Promise<string | undefined>>();
  readonly #serving = new Map<string, ServingQuality>();

  constructor(deps: TaskLifecycleDeps) {
    this.#deps = deps;
  }

  get(taskArn: string): TaskRecord | undefined {
    return this.#records.get(taskArn);
  }

  /** Every task the runtime knows, with how it serves (for the synthetic ALB metrics). */
  tasks(): { record: TaskRecord; serving?: ServingQuality }[] {
    return [...this.#records.values()].map((record) => ({ record, ...(this.#serving.has(record.taskArn) ? { serving: this.#serving.get(record.taskArn) } : {}) }));
  }

  reset(): void {
    this.#serving.clear();
    this.#records.clear();
    this.#sizing.clear();
    this.#digests.clear();
  }

  /** New tasks (RunTask answer, or tasks the scheduler started): PROVISIONING → PENDING → RUNNING, or a fault. */
  async started(tasks: EcsTaskLike[], placement: Placement = {}): Promise<void> {
    await Promise.all(tasks.map((task) => this.#start(task, placement)));
  }

  /** A task moto already stopped (observed StopTask): report the drain and stop with the given steps. */
  async stopped(task: EcsTaskLike, steps: TaskStep[]): Promise<void> {
    const record = this.#records.get(task.taskArn ?? '') ?? this.#adopt(task);
    if (!record || isStopping(record)) return;
    await this.#advance(record.taskArn, steps);
  }

  /** Stops a task in moto and reports it with the given steps (scheduler scale-in, crashes, start failures). */
  async stop(taskArn: string, reason: string, steps: TaskStep[]): Promise<void> {
    const record = this.#records.get(taskArn);
    if (!record || isStopping(record)) return;
    const emitted = this.#advance(taskArn, steps);
    await this.#stopInMoto(record, reason);
    await emitted;
  }

  /**
   * Crashes, now, every running task of a task definition (its essential container exits with the code), as an
   * application failing under traffic would; the crash faults of `FaultInjector` only decide a task's fate at start.
   */
  async crashRunning(taskDefinitionArn: string, exitCode: number): Promise<string[]> {
    const running = [...this.#records.values()].filter(
      (record) => record.taskDefinitionArn === taskDefinitionArn && record.lastStatus === 'RUNNING' && record.desiredStatus === 'RUNNING',
    );
    await Promise.all(running.map((record) => this.stop(record.taskArn, ESSENTIAL_CONTAINER_EXITED, crashSteps(exitCode))));
    return running.map((record) => record.taskArn);
  }

  /** Makes DescribeTasks agree with the events we emitted (moto knows no stopCode or exit codes). */
  overlay(output: Record<string, unknown>): void {
    const tasks = Array.isArray(output['tasks']) ? output['tasks'] : [];
    for (const task of tasks) {
      if (!isRecord(task) || typeof task['taskArn'] !== 'string') continue;
      const record = this.#records.get(task['taskArn']);
      if (record) overlayTask(task, record);
    }
  }

  async #start(task: EcsTaskLike, placement: Placement): Promise<void> {
    const [sizing, imageDigests] = await Promise.all([this.#sizingOf(task.taskDefinitionArn ?? ''), this.#digestsOf(task)]);
    const extras: TaskExtras = { ...sizing, imageDigests, ...withoutUndefined(placement) };
    const record = newTaskRecord(task, this.#clock.now(), extras);
    this.#records.set(record.taskArn, record);
    this.#serving.set(record.taskArn, this.#deps.faults.serving(record.taskDefinitionArn));
    const provisioning = this.#deps.emitter.emit(taskStateChangeEvent(record));
    const pendingMs = this.#deps.faults.pendingMs(record.taskDefinitionArn);
    const fate = this.#deps.faults.taskFate(record.taskDefinitionArn);
    if (pendingMs === 0) {
      await Promise.all([provisioning, this.#playOut(record.taskArn, fate, startSteps())]);
      return;
    }
    const [pending, ...rest] = startSteps();
    await Promise.all([provisioning, this.#advance(record.taskArn, pending ? [pending] : [])]);
    this.#deps.tracker.delay(pendingMs, async () => {
      const current = this.#records.get(record.taskArn);
      // Stopped while pending (e.g. its task set was deleted): nothing left to play out.
      if (current && !isStopping(current)) await this.#playOut(record.taskArn, fate, rest);
    });
  }

  /** From PROVISIONING or PENDING on: run (`startSteps`), then crash later; or fail to start. */
  async #playOut(taskArn: string, fate: TaskFate, steps: TaskStep[]): Promise<void> {
    if (fate.kind === 'failToStart') {
      await this.stop(taskArn, fate.reason, failToStartSteps(fate.reason));
      return;
    }
    await this.#advance(taskArn, steps);
    if (fate.kind === 'crash') this.#deps.tracker.delay(fate.afterMs, () => this.crash(taskArn, fate.exitCode));
  }

  /** The task's essential container exits now: stopped in moto, reported as a crash. */
  crash(taskArn: string, exitCode: number): Promise<void> {
    return this.stop(taskArn, ESSENTIAL_CONTAINER_EXITED, crashSteps(exitCode));
  }

  /** Applies steps synchronously (so concurrent callers see the new state) and queues their events in order. */
  #advance(taskArn: string, steps: TaskStep[]): Promise<void> {
    let record = this.#records.get(taskArn);
    if (!record) return Promise.resolve();
    const events = [];
    for (const step of steps) {
      record = applyStep(record, step, this.#clock.now());
      events.push(taskStateChangeEvent(record));
    }
    this.#records.set(taskArn, record);
    return this.#deps.emitter.emit(events);
  }

  /** A task we never saw start (e.g. started before the runtime): assume it ran through PROVISIONING..RUNNING. */
  #adopt(task: EcsTaskLike): TaskRecord | undefined {
    if (!task.taskArn || !task.clusterArn || !task.taskDefinitionArn) return undefined;
    let record = newTaskRecord(task, this.#clock.now());
    for (const step of startSteps()) record = applyStep(record, step, this.#clock.now());
    this.#records.set(record.taskArn, record);
    return record;
  }

  async #stopInMoto(record: TaskRecord, reason: string): Promise<void> {
    try {
      await this.#deps.ecs.send(new StopTaskCommand({ cluster: record.clusterArn, task: record.taskArn, reason }));
    } catch (error) {
      console.error(`[local-runtime] StopTask ${record.taskArn} in moto failed:`, error);
    }
  }

  /** cpu/memory (task and containers) come from the task definition (moto's task objects lack them); cached per ARN. */
  #sizingOf(taskDefinitionArn: string): Promise<TaskDefinitionSizing> {
    let sizing = this.#sizing.get(taskDefinitionArn);
    if (!sizing) {
      sizing = this.#deps.ecs
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }))
        .then(({ taskDefinition }) => ({
          cpu: taskDefinition?.cpu,
          memory: taskDefinition?.memory,
          containerCpu: Object.fromEntries((taskDefinition?.containerDefinitions ?? []).map((container) => [container.name ?? '', String(container.cpu ?? 0)])),
        }))
        .catch(() => ({}));
      this.#sizing.set(taskDefinitionArn, sizing);
    }
    return sizing;
  }

  /** Task events carry `imageDigest` for ECR images: pinned ones name it, tagged ones resolve through ECR (cached). */
  async #digestsOf(task: EcsTaskLike): Promise<Record<string, string>> {
    const images = [...new Set((task.containers ?? []).flatMap((container) => (container.image ? [container.image] : [])))];
    const digests = await Promise.all(images.map(async (image) => [image, await this.#digestOf(image)] as const));
    return Object.fromEntries(digests.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
  }

  #digestOf(image: string): Promise<string | undefined> {
    const match = ECR_IMAGE.exec(image);
    if (!match) return Promise.resolve(undefined);
    const [, registryId, repositoryName, pinned, tag] = match;
    if (pinned) return Promise.resolve(pinned);
    let digest = this.#digests.get(image);
    if (!digest) {
      digest = this.#deps.ecr
        .send(new DescribeImagesCommand({ registryId, repositoryName, imageIds: [{ imageTag: tag ?? 'latest' }] }))
        .then(({ imageDetails }) => imageDetails?.[0]?.imageDigest)
        .catch(() => undefined);
      this.#digests.set(image, digest);
    }
    return digest;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as Partial<T>;
}

/** Writes our state into one DescribeTasks task (JSON 1.1 timestamps are epoch seconds). */
export function overlayTask(task: Record<string, unknown>, record: TaskRecord): void {
  Object.assign(task, {
    lastStatus: record.lastStatus,
    desiredStatus: record.desiredStatus,
    launchType: record.launchType,
    version: record.version,
    createdAt: epochSeconds(record.createdAt),
  });
  const optional = {
    stopCode: record.stopCode,
    stoppedReason: record.stoppedReason,
    containerInstanceArn: record.containerInstanceArn,
    platformVersion: record.platformVersion,
    cpu: record.cpu,
    memory: record.memory,
    connectivity: record.connectivity,
    startedAt: epochSeconds(record.startedAt),
    stoppingAt: epochSeconds(record.stoppingAt),
    stoppedAt: epochSeconds(record.stoppedAt),
    executionStoppedAt: epochSeconds(record.executionStoppedAt),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) task[key] = value;
  const containers = Array.isArray(task['containers']) ? task['containers'] : [];
  for (const container of containers) {
    if (!isRecord(container)) continue;
    const ours = record.containers.find((candidate) => candidate.name === container['name']);
    if (!ours) continue;
    container['taskArn'] = record.taskArn;
    container['containerArn'] = ours.containerArn;
    container['lastStatus'] = ours.lastStatus;
    if (ours.imageDigest) container['imageDigest'] = ours.imageDigest;
    if (ours.runtimeId) container['runtimeId'] = ours.runtimeId;
    if (ours.exitCode !== undefined) container['exitCode'] = ours.exitCode;
    else delete container['exitCode'];
    if (ours.reason) container['reason'] = ours.reason;
  }
}

function epochSeconds(date: Date | undefined): number | undefined {
  return date ? date.getTime() / 1000 : undefined;
}
