import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAlarmStateChange, scalingExecutionName, stepThreshold, unscalableAlarmReason, type AlarmKind } from '../../../../functions/scaling/domain/alarm-state.ts';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { ALARM_ARN, alarmStateChange, awsSample, type SampleName } from '../../../fixtures/aws-events.ts';

describe('parseAlarmStateChange', () => {
  const samples: Array<[SampleName, Record<string, unknown>]> = [
    [
      'alarmSingleMetric',
      {
        alarmName: 'ServerCpuTooHigh',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
        kind: 'metric',
        state: 'ALARM',
        previousState: 'OK',
        stateTimestamp: '2019-10-02T17:04:40.989Z',
        recentDatapoints: [99.50160229693434],
      },
    ],
    [
      'alarmMetricMath',
      {
        alarmName: 'TotalNetworkTrafficTooHigh',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh',
        kind: 'metric-math',
        state: 'ALARM',
        previousState: 'INSUFFICIENT_DATA',
        stateTimestamp: '2019-10-02T17:20:48.554Z',
        recentDatapoints: [45628],
      },
    ],
    [
      'alarmAnomalyDetection',
      {
        alarmName: 'EC2 CPU Utilization Anomaly',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:EC2 CPU Utilization Anomaly',
        kind: 'anomaly-detection',
        state: 'ALARM',
        previousState: 'OK',
        stateTimestamp: '2019-10-03T16:00:04.653Z',
        recentDatapoints: [0],
      },
    ],
    [
      'alarmComposite',
      {
        alarmName: 'ServiceAggregatedAlarm',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm',
        kind: 'composite',
        state: 'ALARM',
        previousState: 'OK',
        stateTimestamp: '2022-07-22T15:57:45.394Z',
        triggeringAlarmArns: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh'],
      },
    ],
  ];
  for (const [name, expected] of samples) {
    it(`reads AWS's sample ${name}`, () => {
      const sample = awsSample(name);
      assert.deepEqual(parseAlarmStateChange(sample), { eventId: sample['id'], ...expected });
    });
  }

  // reasonData tells the kind when an event carries no configuration.
  const withoutConfiguration: Array<[SampleName, AlarmKind]> = [
    ['alarmComposite', 'composite'],
    ['alarmAnomalyDetection', 'anomaly-detection'],
    ['alarmSingleMetric', 'metric'],
  ];
  for (const [name, kind] of withoutConfiguration) {
    it(`tells ${name} without its configuration: ${kind}`, () => {
      const sample = awsSample(name);
      const { configuration: _configuration, ...detail } = sample.detail;
      assert.equal(parseAlarmStateChange({ ...sample, detail }).kind, kind);
    });
  }

  const withoutDatapoints: Array<[string, Record<string, unknown>]> = [
    ['no reasonData', { reasonData: undefined }],
    ['reasonData that is not JSON', { reasonData: 'Threshold Crossed' }],
    ['reasonData without recentDatapoints', { reasonData: '{"version":"1.0"}' }],
    ['empty recentDatapoints', { reasonData: '{"recentDatapoints":[]}' }],
    ['non-numeric datapoints', { reasonData: '{"recentDatapoints":["80"]}' }],
  ];
  for (const [name, state] of withoutDatapoints) {
    it(`leaves the datapoints to CloudWatch with ${name}`, () => assert.equal(parseAlarmStateChange(alarmStateChange(state)).recentDatapoints, undefined));
  }

  it("reads this suite's alarm", () => {
    const change = parseAlarmStateChange(alarmStateChange());
    assert.deepEqual([change.alarmName, change.alarmArn, change.stateTimestamp], ['web-cpu-high', ALARM_ARN, '2026-11-20T10:00:04.985Z']);
  });

  const malformed: Array<[string, Record<string, unknown>, string]> = [
    ['a missing state timestamp', alarmStateChange({ timestamp: undefined }), 'detail.state.timestamp must be a non-empty string'],
    ['an unparseable state timestamp', alarmStateChange({ timestamp: 'yesterday' }), 'detail.state.timestamp must be an ISO-8601 timestamp (got "yesterday")'],
    [
      'another detail-type',
      { ...alarmStateChange(), 'detail-type': 'CloudWatch Alarm Configuration Change' },
      'event is a "CloudWatch Alarm Configuration Change" event from "aws.cloudwatch"; this function only accepts "CloudWatch Alarm State Change" from aws.cloudwatch',
    ],
  ];
  for (const [name, event, message] of malformed) {
    it(`rejects ${name}`, () => assert.throws(() => parseAlarmStateChange(event), (error: unknown) => error instanceof MalformedEventError && error.message === message));
  }
});

describe('unscalableAlarmReason', () => {
  const cases: Array<[SampleName, RegExp | undefined]> = [
    ['alarmSingleMetric', undefined],
    ['alarmMetricMath', undefined],
    ['alarmAnomalyDetection', /^EC2 CPU Utilization Anomaly is an anomaly-detection alarm: its threshold is a moving band/],
    ['alarmComposite', /^ServiceAggregatedAlarm is a composite alarm: it has no metric or threshold/],
  ];
  for (const [name, reason] of cases) {
    it(`${name} → ${reason ? 'cannot drive step scaling' : 'can drive step scaling'}`, () => {
      const why = unscalableAlarmReason(parseAlarmStateChange(awsSample(name)));
      if (reason === undefined) assert.equal(why, undefined);
      else assert.match(why ?? '', reason);
    });
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
