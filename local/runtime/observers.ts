/**
 * Reactions to observed API calls: the events and side effects AWS would produce after ECS, ECR and
 * CloudWatch calls, which moto does not. `prepare` may change the input moto receives, `before` runs
 * before forwarding, `rewrite` may adjust the response body, `after` runs once the response went back.
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { UpdateTaskSetCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { AwsEventEmitter } from './emitter.ts';
import { alarmStateChangeEvent, alarmStateOf, ecrImageDeleteEvent, ecrImagePushEvent, type MetricAlarmLike } from './events.ts';
import type { TaskLifecycle } from './ecs-tasks.ts';
import type { EventSources } from './event-sources.ts';
import type { ServiceReconciler } from './reconcile.ts';
import { userStopSteps, type EcsTaskLike } from './task-model.ts';
import { isRecord } from './wire.ts';

export interface ObservedCall {
  service: string;
  operation: string;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

export interface ObserverDeps {
  emitter: AwsEventEmitter;
  lifecycle: TaskLifecycle;
  reconciler: ServiceReconciler;
  cloudwatch: CloudWatchClient;
  ecs: ECSClient;
  eventSources: EventSources;
}

type Prepare = (input: Record<string, unknown>) => Record<string, unknown> | undefined;
type Before = (input: Record<string, unknown>) => Promise<unknown>;
type Rewrite = (output: Record<string, unknown>, input: Record<string, unknown>) => Promise<void> | void;
type After = (call: ObservedCall, before: unknown) => Promise<void>;

interface Reaction {
  prepare?: Prepare;
  before?: Before;
  rewrite?: Rewrite;
  after?: After;
}

export class CallObservers {
  readonly #reactions: Map<string, Reaction>;

  constructor(deps: ObserverDeps) {
    this.#reactions = new Map(Object.entries(reactions(deps)));
  }

  /** Whether a call is worth buffering: only operations we react to. */
  wants(service: string, operation: string | undefined): boolean {
    return operation !== undefined && this.#reactions.has(key(service, operation));
  }

  /** The input to forward instead of the caller's (JSON protocol only), or undefined to forward unchanged. */
  prepare(service: string, operation: string, input: Record<string, unknown>): Record<string, unknown> | undefined {
    return this.#reactions.get(key(service, operation))?.prepare?.(input);
  }

  before(service: string, operation: string, input: Record<string, unknown>): Promise<unknown> {
    return this.#reactions.get(key(service, operation))?.before?.(input) ?? Promise.resolve(undefined);
  }

  async rewrite(service: string, operation: string, output: Record<string, unknown>, input: Record<string, unknown>): Promise<void> {
    await this.#reactions.get(key(service, operation))?.rewrite?.(output, input);
  }

  after(call: ObservedCall, before: unknown): Promise<void> {
    return this.#reactions.get(key(call.service, call.operation))?.after?.(call, before) ?? Promise.resolve();
  }
}

function key(service: string, operation: string): string {
  return `${service}:${operation}`;
}

function reactions(deps: ObserverDeps): Record<string, Reaction> {
  const reconcileService = async ({ input }: ObservedCall): Promise<void> => {
    const service = text(input['service']) ?? text(input['serviceName']);
    if (service) await deps.reconciler.reconcile(text(input['cluster']) ?? 'default', service, input);
  };
  const streamWrite: Reaction = { after: ({ input }) => deps.eventSources.written(input) };
  const queueSend: Reaction = { after: ({ input }) => deps.eventSources.sent(input) };
  return {
    'dynamodb:PutItem': streamWrite,
    'dynamodb:UpdateItem': streamWrite,
    'dynamodb:DeleteItem': streamWrite,
    'dynamodb:TransactWriteItems': streamWrite,
    'dynamodb:BatchWriteItem': streamWrite,
    'sqs:SendMessage': queueSend,
    'sqs:SendMessageBatch': queueSend,
    'ecs:RunTask': {
      after: ({ output }) => deps.lifecycle.started(tasksIn(output['tasks'])),
    },
    'ecs:StopTask': {
      after: async ({ input, output }) => {
        const task = isRecord(output['task']) ? (output['task'] as EcsTaskLike) : undefined;
        if (task) await deps.lifecycle.stopped(task, userStopSteps(text(input['reason']) ?? 'Task stopped by user'));
      },
    },
    'ecs:DescribeTasks': { rewrite: (output) => deps.lifecycle.overlay(output) },
    'ecs:CreateService': { after: reconcileService },
    'ecs:UpdateService': { after: reconcileService },
    'ecs:DeleteService': { after: reconcileService },
    'ecs:CreateTaskSet': {
      // moto's CreateTaskSet with a scale runs its own tasks (startedBy = account id, no service group,
      // and a 500 for EC2 launch types without container instances). Create it with no tasks, then scale it.
      // A Fargate task set given a scale is created at 0 %: unscaled it would sit at moto's default 100 % until
      // scaled, and a reconciliation of the service in that window would start a full set of tasks.
      prepare: ({ scale, ...rest }) => (scale !== undefined && rest['launchType'] === 'FARGATE' ? { ...rest, scale: { value: 0, unit: 'PERCENT' } } : rest),
      rewrite: (output, input) => applyTaskSetScale(deps.ecs, output, input),
      after: reconcileService,
    },
    'ecs:UpdateTaskSet': { after: reconcileService },
    'ecs:DeleteTaskSet': { after: reconcileService },
    'ecr:PutImage': { after: (call) => emitImagePush(deps, call) },
    'ecr:BatchDeleteImage': { after: (call) => emitImageDeletions(deps, call) },
    'monitoring:SetAlarmState': {
      before: (input) => describeAlarm(deps.cloudwatch, text(input['AlarmName'])),
      after: (call, before) => emitAlarmChange(deps, call, before as MetricAlarmLike | undefined),
    },
  };
}

async function applyTaskSetScale(ecs: ECSClient, output: Record<string, unknown>, input: Record<string, unknown>): Promise<void> {
  const taskSet = isRecord(output['taskSet']) ? output['taskSet'] : undefined;
  const scale = isRecord(input['scale']) ? input['scale'] : undefined;
  const taskSetArn = text(taskSet?.['taskSetArn']);
  const service = text(input['service']);
  if (!taskSet || !scale || !taskSetArn || !service) return;
  const scaled = await ecs.send(
    new UpdateTaskSetCommand({
      cluster: text(input['cluster']) ?? 'default',
      service,
      taskSet: taskSetArn,
      scale: { value: Number(scale['value'] ?? 100), unit: 'PERCENT' },
    }),
  );
  taskSet['scale'] = scaled.taskSet?.scale ?? scale;
}

async function emitImagePush(deps: ObserverDeps, { input, output }: ObservedCall): Promise<void> {
  const image = isRecord(output['image']) ? output['image'] : {};
  const imageId = isRecord(image['imageId']) ? image['imageId'] : {};
  const repositoryName = text(image['repositoryName']) ?? text(input['repositoryName']);
  const imageDigest = text(imageId['imageDigest']);
  if (!repositoryName || !imageDigest) return;
  await deps.emitter.emit(ecrImagePushEvent({ repositoryName, imageDigest, imageTag: text(input['imageTag']) ?? text(imageId['imageTag']) }));
}

/** What BatchDeleteImage answers as deleted (`imageIds`; failures are not deleted). */
async function emitImageDeletions(deps: ObserverDeps, { input, output }: ObservedCall): Promise<void> {
  const repositoryName = text(input['repositoryName']);
  const deleted = Array.isArray(output['imageIds']) ? output['imageIds'].filter(isRecord) : [];
  if (!repositoryName) return;
  const events = deleted.flatMap((imageId) => {
    const imageDigest = text(imageId['imageDigest']);
    return imageDigest ? [ecrImageDeleteEvent({ repositoryName, imageDigest, imageTag: text(imageId['imageTag']) })] : [];
  });
  if (events.length > 0) await deps.emitter.emit(events);
}

/** CloudWatch emits only when the state value actually changes. */
async function emitAlarmChange(deps: ObserverDeps, { input }: ObservedCall, previous: MetricAlarmLike | undefined): Promise<void> {
  const current = await describeAlarm(deps.cloudwatch, text(input['AlarmName']));
  if (!current || !previous || current.StateValue === previous.StateValue) return;
  await deps.emitter.emit(alarmStateChangeEvent(current, alarmStateOf(current), alarmStateOf(previous)));
}

async function describeAlarm(cloudwatch: CloudWatchClient, alarmName: string | undefined): Promise<MetricAlarmLike | undefined> {
  if (!alarmName) return undefined;
  try {
    const answer = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    return answer.MetricAlarms?.[0] ?? answer.CompositeAlarms?.[0];
  } catch (error) {
    console.error(`[local-runtime] DescribeAlarms ${alarmName} failed:`, error);
    return undefined;
  }
}

function tasksIn(value: unknown): EcsTaskLike[] {
  return Array.isArray(value) ? value.filter(isRecord).map((task) => task as EcsTaskLike) : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
