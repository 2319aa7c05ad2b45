import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAlarmStateChange, scalingExecutionName, stepThreshold } from '../../../../functions/scaling/domain/alarm-state.ts';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { ACCOUNT, REGION, envelope } from '../../../fixtures/aws-events.ts';

const ALARM_ARN = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:web-cpu-high`;

/** As in the CloudWatch User Guide, "Alarm events and EventBridge" (single-metric alarm). */
function alarmEvent(state: Record<string, unknown> = {}): Record<string, unknown> {
  return envelope(
    'aws.cloudwatch',
    'CloudWatch Alarm State Change',
    {
      alarmName: 'web-cpu-high',
      state: { value: 'ALARM', reason: 'Threshold Crossed', reasonData: '{"version":"1.0","recentDatapoints":[80.5,90.5],"threshold":70}', timestamp: '2026-11-20T10:00:04.985+0000', ...state },
      previousState: { value: 'OK', reason: 'Threshold no longer crossed', timestamp: '2026-11-20T09:00:00.000+0000' },
      configuration: { metrics: [] },
    },
    { resources: [ALARM_ARN] },
  );
}

describe('parseAlarmStateChange', () => {
  it('reads the transition and the datapoints CloudWatch evaluated', () => {
    const change = parseAlarmStateChange(alarmEvent());
    assert.deepEqual({ ...change, eventId: 'id' }, {
      eventId: 'id',
      alarmName: 'web-cpu-high',
      alarmArn: ALARM_ARN,
      state: 'ALARM',
      previousState: 'OK',
      stateTimestamp: '2026-11-20T10:00:04.985Z',
      recentDatapoints: [80.5, 90.5],
    });
  });

  const withoutDatapoints: Array<[string, Record<string, unknown>]> = [
    ['no reasonData', { reasonData: undefined }],
    ['reasonData that is not JSON', { reasonData: 'Threshold Crossed' }],
    ['reasonData without recentDatapoints', { reasonData: '{"version":"1.0"}' }],
    ['empty recentDatapoints', { reasonData: '{"recentDatapoints":[]}' }],
    ['non-numeric datapoints', { reasonData: '{"recentDatapoints":["80"]}' }],
  ];
  for (const [name, state] of withoutDatapoints) {
    it(`leaves the datapoints to CloudWatch with ${name}`, () => assert.equal(parseAlarmStateChange(alarmEvent(state)).recentDatapoints, undefined));
  }

  const malformed: Array<[string, Record<string, unknown>, string]> = [
    ['a missing state timestamp', alarmEvent({ timestamp: undefined }), 'detail.state.timestamp must be a non-empty string'],
    ['an unparseable state timestamp', alarmEvent({ timestamp: 'yesterday' }), 'detail.state.timestamp must be an ISO-8601 timestamp (got "yesterday")'],
    ['another detail-type', { ...alarmEvent(), 'detail-type': 'CloudWatch Alarm Configuration Change' }, 'event is a "CloudWatch Alarm Configuration Change" event from aws.cloudwatch; this function only accepts "CloudWatch Alarm State Change" from aws.cloudwatch'],
  ];
  for (const [name, event, message] of malformed) {
    it(`rejects ${name}`, () => assert.throws(() => parseAlarmStateChange(event), (error: unknown) => error instanceof MalformedEventError && error.message === message));
  }
});

describe('scalingExecutionName', () => {
  const change = { alarmArn: ALARM_ARN, alarmName: 'web-cpu-high', stateTimestamp: '2026-11-20T10:00:04.985Z' };
  const cases: Array<[string, () => void]> = [
    ['is the same for a redelivery of the same transition', () => assert.equal(scalingExecutionName(change, 'prod', 'web'), scalingExecutionName({ ...change }, 'prod', 'web'))],
    ['differs for the next transition', () => assert.notEqual(scalingExecutionName(change, 'prod', 'web'), scalingExecutionName({ ...change, stateTimestamp: '2026-11-20T11:00:00.000Z' }, 'prod', 'web'))],
    ['differs per service', () => assert.notEqual(scalingExecutionName(change, 'prod', 'web'), scalingExecutionName(change, 'prod', 'api'))],
    ['starts with the alarm name', () => assert.match(scalingExecutionName(change, 'prod', 'web'), /^web-cpu-high-[0-9a-f]{32}$/)],
    [
      'keeps to 80 characters of [A-Za-z0-9_-] for any alarm name',
      () => assert.match(scalingExecutionName({ ...change, alarmName: `CPU > 70% / ${'x'.repeat(100)}` }, 'prod', 'web'), /^[A-Za-z0-9_-]{1,80}$/),
    ],
  ];
  for (const [name, check] of cases) it(name, check);
});

describe('stepThreshold: which alarms can size a step', () => {
  const cases: { name: string; described: Parameters<typeof stepThreshold>[1]; expected: ReturnType<typeof stepThreshold> }[] = [
    { name: 'a metric alarm with a static threshold', described: { alarms: [{ Threshold: 70 }], compositeAlarms: [] }, expected: { threshold: 70 } },
    { name: 'a threshold of 0 is a threshold', described: { alarms: [{ Threshold: 0 }] }, expected: { threshold: 0 } },
    {
      name: 'an anomaly detection alarm (ThresholdMetricId, no Threshold)',
      described: { alarms: [{}], compositeAlarms: [] },
      expected: { reason: 'alarm web-cpu-high has no static threshold to measure steps from' },
    },
    {
      name: 'a composite alarm',
      described: { alarms: [], compositeAlarms: [{ AlarmName: 'web-cpu-high', AlarmRule: 'ALARM(a) OR ALARM(b)' }] },
      expected: { reason: 'alarm web-cpu-high is a composite alarm: it has no metric or threshold to measure steps from' },
    },
    { name: 'nothing described', described: undefined, expected: { reason: 'alarm web-cpu-high has no static threshold to measure steps from' } },
  ];
  for (const { name, described, expected } of cases) {
    it(name, () => assert.deepEqual(stepThreshold('web-cpu-high', described), expected));
  }
});
