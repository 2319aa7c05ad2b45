import { createHash } from 'node:crypto';
import { readEnvelope } from '../../kernel/envelope.ts';
import { isObject, keptString, readKeyString, readObject, readOptionalString, readString, readTimestamp, type JsonObject } from '../../kernel/validate.ts';

/**
 * What kind of alarm changed state, told from the event itself (CloudWatch User Guide, "Alarm events and
 * EventBridge", has a sample of each): a single-metric alarm, a metric-math alarm, an anomaly-detection alarm (a
 * metric compared with an `ANOMALY_DETECTION_BAND` expression), or a composite alarm (an `alarmRule` over other alarms).
 */
export type AlarmKind = 'metric' | 'metric-math' | 'anomaly-detection' | 'composite';

/** A `CloudWatch Alarm State Change` event. */
export interface AlarmStateChange {
  eventId: string;
  alarmName: string;
  alarmArn: string;
  kind: AlarmKind;
  state: string;
  previousState: string;
  /** When the alarm entered `state`: together with the alarm ARN it identifies one transition. */
  stateTimestamp: string;
  /** `state.reasonData.recentDatapoints`, when CloudWatch included them (metric alarms of every kind but composite). */
  recentDatapoints?: number[];
  /** Composite alarms: the alarms whose change caused this one (`state.reasonData.triggeringAlarms[].arn`). */
  triggeringAlarmArns?: string[];
}

export function parseAlarmStateChange(event: unknown): AlarmStateChange {
  const envelope = readEnvelope(event, { source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' });
  const detail = envelope.detail;
  const state = readObject(detail['state'], 'detail.state');
  const previous = readObject(detail['previousState'], 'detail.previousState');
  const alarmName = readKeyString(detail, 'alarmName', 'detail');
  const reasonData = jsonObject(readOptionalString(state, 'reasonData', 'detail.state'));
  const change: AlarmStateChange = {
    eventId: envelope.id,
    alarmName,
    alarmArn: envelope.resources[0] ?? `arn:aws:cloudwatch:${envelope.region}:${envelope.account}:alarm:${alarmName}`,
    kind: alarmKind(isObject(detail['configuration']) ? detail['configuration'] : {}, reasonData),
    state: readString(state, 'value', 'detail.state'),
    previousState: readString(previous, 'value', 'detail.previousState'),
    stateTimestamp: readTimestamp(state, 'timestamp', 'detail.state'),
  };
  const datapoints = recentDatapoints(reasonData);
  if (datapoints) change.recentDatapoints = datapoints;
  const triggering = triggeringAlarmArns(reasonData);
  if (triggering) change.triggeringAlarmArns = triggering;
  return change;
}

/** The configuration says it; reasonData (also in every sample) says it when a configuration is missing. */
function alarmKind(configuration: JsonObject, reasonData: JsonObject | undefined): AlarmKind {
  if (typeof configuration['alarmRule'] === 'string' || Array.isArray(reasonData?.['triggeringAlarms'])) return 'composite';
  const expressions = (Array.isArray(configuration['metrics']) ? configuration['metrics'] : []).filter(isObject).flatMap((metric) => keptString(metric, 'expression') ?? []);
  if (expressions.some((expression) => /ANOMALY_DETECTION_BAND\s*\(/i.test(expression)) || reasonData?.['recentUpperThresholds'] !== undefined) return 'anomaly-detection';
  return expressions.length > 0 ? 'metric-math' : 'metric';
}

/**
 * Why this alarm's transitions cannot drive step scaling, or undefined when they can. Steps are measured from the
 * alarm's metric and its static threshold (docs/decisions/0006): a composite alarm has neither, and an
 * anomaly-detection alarm's threshold is a band that moves with the metric.
 */
export function unscalableAlarmReason(change: Pick<AlarmStateChange, 'kind' | 'alarmName'>): string | undefined {
  if (change.kind === 'composite') return `${change.alarmName} is a composite alarm: it has no metric or threshold to measure scaling steps from`;
  if (change.kind === 'anomaly-detection') return `${change.alarmName} is an anomaly-detection alarm: its threshold is a moving band, not a static threshold to measure scaling steps from`;
  return undefined;
}

/** reasonData is a JSON document inside a string. Absent, not JSON, another shape: nothing is read from it. */
function jsonObject(text: string | undefined): JsonObject | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** CloudWatch puts the datapoints it evaluated in `recentDatapoints`; without them the metric is read from CloudWatch. */
function recentDatapoints(reasonData: JsonObject | undefined): number[] | undefined {
  const points = reasonData?.['recentDatapoints'];
  if (!Array.isArray(points) || points.length === 0 || !points.every((point) => typeof point === 'number' && Number.isFinite(point))) return undefined;
  return points as number[];
}

function triggeringAlarmArns(reasonData: JsonObject | undefined): string[] | undefined {
  const alarms = reasonData?.['triggeringAlarms'];
  const arns = Array.isArray(alarms) ? alarms.filter(isObject).flatMap((alarm) => keptString(alarm, 'arn') ?? []) : [];
  return arns.length > 0 ? arns : undefined;
}

/** Step Functions execution names: 1–80 characters of letters, digits, hyphens and underscores. */
const EXECUTION_NAME_MAX = 80;

/**
 * One scaling execution per alarm transition and service: a redelivered event yields the same name, which Step
 * Functions refuses to start twice. The readable prefix helps operators; the hash makes it unique.
 */
export function scalingExecutionName(change: Pick<AlarmStateChange, 'alarmArn' | 'alarmName' | 'stateTimestamp'>, cluster: string, service: string): string {
  const hash = createHash('sha256').update([change.alarmArn, change.stateTimestamp, cluster, service].join('\n')).digest('hex').slice(0, 32);
  const prefix = change.alarmName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, EXECUTION_NAME_MAX - hash.length - 1);
  return `${prefix}-${hash}`;
}

/** What DescribeAlarms told the step-scaling machine about the alarm (functions/scaling/step-scaling.asl.json). */
export interface DescribedAlarm {
  alarms: { Threshold?: number }[];
  compositeAlarms?: unknown[];
}

/**
 * The threshold the alarm's steps are measured from, or why it has none (docs/decisions/0006): a composite alarm has
 * neither a metric nor a threshold (and AAS cannot run a scaling policy from one: composite alarms act only through
 * SNS, Lambda and Systems Manager); a metric alarm without a static threshold (an anomaly detection band,
 * ThresholdMetricId) has no fixed point for step bounds. Evaluating either again can never change that.
 */
export function stepThreshold(alarmName: string, described: DescribedAlarm | undefined): { threshold: number } | { reason: string } {
  const [alarm] = described?.alarms ?? [];
  if (alarm?.Threshold !== undefined) return { threshold: alarm.Threshold };
  if (!alarm && described?.compositeAlarms?.[0]) return { reason: `alarm ${alarmName} is a composite alarm: it has no metric or threshold to measure steps from` };
  return { reason: `alarm ${alarmName} has no static threshold to measure steps from` };
}
