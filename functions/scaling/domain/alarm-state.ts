import { createHash } from 'node:crypto';
import { readEnvelope } from '../../kernel/envelope.ts';
import { isObject, readObject, readOptionalString, readString, readTimestamp } from '../../kernel/validate.ts';

/** A `CloudWatch Alarm State Change` event (CloudWatch User Guide, "Alarm events and EventBridge"). */
export interface AlarmStateChange {
  eventId: string;
  alarmName: string;
  alarmArn: string;
  state: string;
  previousState: string;
  /** When the alarm entered `state`: together with the alarm ARN it identifies one transition. */
  stateTimestamp: string;
  /** `state.reasonData.recentDatapoints`, when CloudWatch included them. */
  recentDatapoints?: number[];
}

export function parseAlarmStateChange(event: unknown): AlarmStateChange {
  const envelope = readEnvelope(event, { source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' });
  const detail = envelope.detail;
  const state = readObject(detail['state'], 'detail.state');
  const previous = readObject(detail['previousState'], 'detail.previousState');
  const alarmName = readString(detail, 'alarmName', 'detail');
  const change: AlarmStateChange = {
    eventId: envelope.id,
    alarmName,
    alarmArn: envelope.resources[0] ?? `arn:aws:cloudwatch:${envelope.region}:${envelope.account}:alarm:${alarmName}`,
    state: readString(state, 'value', 'detail.state'),
    previousState: readString(previous, 'value', 'detail.previousState'),
    stateTimestamp: readTimestamp(state, 'timestamp', 'detail.state'),
  };
  const datapoints = recentDatapoints(readOptionalString(state, 'reasonData', 'detail.state'));
  if (datapoints) change.recentDatapoints = datapoints;
  return change;
}

/**
 * reasonData is a JSON document inside a string; CloudWatch puts the datapoints it evaluated in `recentDatapoints`.
 * Anything else (absent, not JSON, another shape) just means the metric is read from CloudWatch instead.
 */
function recentDatapoints(reasonData: string | undefined): number[] | undefined {
  if (!reasonData) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reasonData);
  } catch {
    return undefined;
  }
  const points = isObject(parsed) ? parsed['recentDatapoints'] : undefined;
  if (!Array.isArray(points) || points.length === 0 || !points.every((point) => typeof point === 'number' && Number.isFinite(point))) return undefined;
  return points as number[];
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
