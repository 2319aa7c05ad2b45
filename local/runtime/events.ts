/**
 * Builders for the events AWS services put on the default bus and moto never emits. Shapes follow the
 * AWS documentation examples (ECS task/deployment/service action events, ECR events, CloudWatch alarm events).
 */
import type { AwsEvent } from './emitter.ts';
import { attachmentStatusFor, eventAttachmentType, type TaskRecord } from './task-model.ts';
import { isRecord } from './wire.ts';

export const DETAIL_TYPES = {
  taskStateChange: 'ECS Task State Change',
  deploymentStateChange: 'ECS Deployment State Change',
  serviceAction: 'ECS Service Action',
  ecrImageAction: 'ECR Image Action',
  alarmStateChange: 'CloudWatch Alarm State Change',
} as const;

export function taskStateChangeEvent(task: TaskRecord): AwsEvent {
  return {
    source: 'aws.ecs',
    detailType: DETAIL_TYPES.taskStateChange,
    resources: [task.taskArn],
    time: task.updatedAt,
    detail: taskStateChangeDetail(task),
  };
}

/** The task as the event's detail shows it: AWS's field names, ISO timestamps, attachments as events name them. */
export function taskStateChangeDetail(task: TaskRecord): Record<string, unknown> {
  const attachments = eventAttachments(task);
  const networkInterfaces = attachments.flatMap((attachment) => networkInterfaceOf(attachment));
  return withoutUndefined({
    attachments,
    availabilityZone: task.availabilityZone,
    capacityProviderName: task.capacityProviderName,
    clusterArn: task.clusterArn,
    connectivity: task.connectivity,
    connectivityAt: iso(task.connectivityAt),
    containerInstanceArn: task.containerInstanceArn,
    containers: task.containers.map((container) =>
      withoutUndefined({
        containerArn: container.containerArn,
        exitCode: container.exitCode,
        image: container.image,
        imageDigest: container.imageDigest,
        runtimeId: container.runtimeId,
        lastStatus: container.lastStatus,
        name: container.name,
        reason: container.reason,
        taskArn: task.taskArn,
        networkInterfaces: networkInterfaces.length > 0 ? networkInterfaces : undefined,
        cpu: container.cpu,
      }),
    ),
    cpu: task.cpu,
    createdAt: iso(task.createdAt),
    desiredStatus: task.desiredStatus,
    executionStoppedAt: iso(task.executionStoppedAt),
    group: task.group,
    launchType: task.launchType,
    lastStatus: task.lastStatus,
    memory: task.memory,
    overrides: { containerOverrides: task.containers.map((container) => ({ name: container.name })) },
    pullStartedAt: iso(task.pullStartedAt),
    platformVersion: task.platformVersion,
    pullStoppedAt: iso(task.pullStoppedAt),
    startedAt: iso(task.startedAt),
    startedBy: task.startedBy || undefined,
    stopCode: task.stopCode,
    stoppedAt: iso(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stoppingAt: iso(task.stoppingAt),
    taskArn: task.taskArn,
    taskDefinitionArn: task.taskDefinitionArn,
    updatedAt: iso(task.updatedAt),
    version: task.version,
  });
}

function eventAttachments(task: TaskRecord): Record<string, unknown>[] {
  return task.attachments.filter(isRecord).map((attachment) =>
    withoutUndefined({
      ...attachment,
      type: eventAttachmentType(typeof attachment['type'] === 'string' ? attachment['type'] : undefined),
      status: attachmentStatusFor(task.lastStatus, typeof attachment['status'] === 'string' ? attachment['status'] : undefined),
    }),
  );
}

/** An awsvpc task's containers list the task's network interface: its attachment id and private address. */
function networkInterfaceOf(attachment: Record<string, unknown>): Record<string, unknown>[] {
  if (attachment['type'] !== 'eni' || typeof attachment['id'] !== 'string') return [];
  const details = Array.isArray(attachment['details']) ? attachment['details'].filter(isRecord) : [];
  const address = details.find((detail) => detail['name'] === 'privateIPv4Address')?.['value'];
  return [withoutUndefined({ attachmentId: attachment['id'], privateIpv4Address: typeof address === 'string' ? address : undefined })];
}

export interface ImagePush {
  repositoryName: string;
  imageDigest: string;
  imageTag?: string;
}

export function ecrImagePushEvent(push: ImagePush, time = new Date()): AwsEvent {
  return ecrImageActionEvent('PUSH', push, time);
}

/** BatchDeleteImage: one event per deleted image (or tag), as for a push. */
export function ecrImageDeleteEvent(deleted: ImagePush, time = new Date()): AwsEvent {
  return ecrImageActionEvent('DELETE', deleted, time);
}

function ecrImageActionEvent(action: 'PUSH' | 'DELETE', image: ImagePush, time: Date): AwsEvent {
  return {
    source: 'aws.ecr',
    detailType: DETAIL_TYPES.ecrImageAction,
    resources: [],
    time,
    detail: withoutUndefined({
      result: 'SUCCESS',
      'repository-name': image.repositoryName,
      'image-digest': image.imageDigest,
      'action-type': action,
      'image-tag': image.imageTag,
    }),
  };
}

export interface AlarmState {
  value: string;
  reason: string;
  reasonData?: string;
  timestamp: Date;
}

/** The subset of a DescribeAlarms MetricAlarm (or CompositeAlarm: AlarmRule) we turn into the event's configuration. */
export interface MetricAlarmLike {
  AlarmName?: string;
  AlarmRule?: string;
  AlarmArn?: string;
  AlarmDescription?: string;
  StateValue?: string;
  StateReason?: string;
  StateReasonData?: string;
  StateUpdatedTimestamp?: Date;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Period?: number;
  Unit?: string;
  Dimensions?: { Name?: string; Value?: string }[];
  Metrics?: {
    Id?: string;
    Expression?: string;
    Label?: string;
    ReturnData?: boolean;
    Period?: number;
    MetricStat?: {
      Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] };
      Period?: number;
      Stat?: string;
      Unit?: string;
    };
  }[];
}

export function alarmStateChangeEvent(alarm: MetricAlarmLike, state: AlarmState, previous: AlarmState): AwsEvent {
  return {
    source: 'aws.cloudwatch',
    detailType: DETAIL_TYPES.alarmStateChange,
    resources: alarm.AlarmArn ? [alarm.AlarmArn] : [],
    time: state.timestamp,
    detail: {
      alarmName: alarm.AlarmName,
      state: alarmStateDetail(state),
      previousState: alarmStateDetail(previous),
      // A composite alarm's event carries its rule where a metric alarm's carries its metrics (CloudWatch User Guide,
      // "Alarm events and EventBridge").
      configuration: withoutUndefined({ description: alarm.AlarmDescription, ...(alarm.AlarmRule ? { alarmRule: alarm.AlarmRule } : { metrics: alarmMetrics(alarm) }) }),
    },
  };
}

/** The alarm's current state as DescribeAlarms reports it (the "previous" state of the change). */
export function alarmStateOf(alarm: MetricAlarmLike): AlarmState {
  return {
    value: alarm.StateValue ?? 'INSUFFICIENT_DATA',
    reason: alarm.StateReason ?? 'Unchecked: Initial alarm creation',
    reasonData: alarm.StateReasonData,
    timestamp: alarm.StateUpdatedTimestamp ?? new Date(0),
  };
}

function alarmStateDetail(state: AlarmState): Record<string, unknown> {
  return withoutUndefined({
    value: state.value,
    reason: state.reason,
    reasonData: state.reasonData || undefined,
    timestamp: cloudWatchTimestamp(state.timestamp),
  });
}

/** Single-metric alarms appear as one metricStat entry; metric-math alarms list their queries. */
function alarmMetrics(alarm: MetricAlarmLike): Record<string, unknown>[] {
  if (alarm.Metrics && alarm.Metrics.length > 0) {
    return alarm.Metrics.map((query) =>
      withoutUndefined({
        id: query.Id,
        expression: query.Expression,
        label: query.Label,
        returnData: query.ReturnData ?? true,
        metricStat: query.MetricStat
          ? withoutUndefined({
              metric: {
                namespace: query.MetricStat.Metric?.Namespace,
                name: query.MetricStat.Metric?.MetricName,
                dimensions: dimensionMap(query.MetricStat.Metric?.Dimensions),
              },
              period: query.MetricStat.Period,
              stat: query.MetricStat.Stat,
              unit: query.MetricStat.Unit,
            })
          : undefined,
      }),
    );
  }
  if (!alarm.MetricName) return [];
  return [
    {
      id: `${alarm.AlarmName ?? 'alarm'}-metric`,
      metricStat: withoutUndefined({
        metric: { namespace: alarm.Namespace, name: alarm.MetricName, dimensions: dimensionMap(alarm.Dimensions) },
        period: alarm.Period,
        stat: alarm.Statistic ?? alarm.ExtendedStatistic,
        unit: alarm.Unit,
      }),
      returnData: true,
    },
  ];
}

function dimensionMap(dimensions: { Name?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((dimensions ?? []).map((dimension) => [dimension.Name ?? '', dimension.Value ?? '']));
}

export interface ServiceRef {
  serviceArn: string;
  clusterArn: string;
}

export type DeploymentEventName = 'SERVICE_DEPLOYMENT_IN_PROGRESS' | 'SERVICE_DEPLOYMENT_COMPLETED' | 'SERVICE_DEPLOYMENT_FAILED';

/** Reasons as AWS's examples word them; a failed deployment is one the circuit breaker stopped. */
const DEPLOYMENT_EVENTS: Record<DeploymentEventName, { eventType: string; reason: (deploymentId: string) => string }> = {
  SERVICE_DEPLOYMENT_IN_PROGRESS: { eventType: 'INFO', reason: (id) => `ECS deployment ${id} in progress.` },
  SERVICE_DEPLOYMENT_COMPLETED: { eventType: 'INFO', reason: (id) => `ECS deployment ${id} completed.` },
  SERVICE_DEPLOYMENT_FAILED: { eventType: 'ERROR', reason: () => 'ECS deployment circuit breaker: task failed to start.' },
};

export function deploymentStateChangeEvent(service: ServiceRef, eventName: DeploymentEventName, deploymentId: string, time: Date): AwsEvent {
  const { eventType, reason } = DEPLOYMENT_EVENTS[eventName];
  return {
    source: 'aws.ecs',
    detailType: DETAIL_TYPES.deploymentStateChange,
    resources: [service.serviceArn],
    time,
    detail: { eventType, eventName, deploymentId, updatedAt: iso(time), reason: reason(deploymentId) },
  };
}

/**
 * ECS could not place a service's tasks: eventType ERROR, the reason (`RESOURCE:CPU`, `RESOURCE:FARGATE`…) and
 * where it tried — the capacity providers (Fargate) or the container instances (EC2).
 */
export function servicePlacementFailureEvent(
  service: ServiceRef,
  reason: string,
  tried: { capacityProviderArns: string[] } | { containerInstanceArns: string[] },
  time: Date,
): AwsEvent {
  return {
    source: 'aws.ecs',
    detailType: DETAIL_TYPES.serviceAction,
    resources: [service.serviceArn],
    time,
    detail: { eventType: 'ERROR', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', clusterArn: service.clusterArn, ...tried, reason, createdAt: iso(time) },
  };
}

export function serviceSteadyStateEvent(service: ServiceRef, time: Date): AwsEvent {
  return {
    source: 'aws.ecs',
    detailType: DETAIL_TYPES.serviceAction,
    resources: [service.serviceArn],
    time,
    detail: { eventType: 'INFO', eventName: 'SERVICE_STEADY_STATE', clusterArn: service.clusterArn, createdAt: iso(time) },
  };
}

function iso(date: Date | undefined): string | undefined {
  return date?.toISOString();
}

/** CloudWatch writes alarm timestamps as `2019-10-02T17:04:40.985+0000`. */
export function cloudWatchTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** Drops undefined members so the JSON looks like AWS's (absent rather than null). */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined));
}
