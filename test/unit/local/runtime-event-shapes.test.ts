import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toEntry, type AwsEvent } from '../../../local/runtime/emitter.ts';
import {
  alarmStateChangeEvent,
  alarmStateOf,
  deploymentStateChangeEvent,
  ecrImageDeleteEvent,
  ecrImagePushEvent,
  servicePlacementFailureEvent,
  serviceSteadyStateEvent,
  taskStateChangeEvent,
} from '../../../local/runtime/events.ts';
import { applyStep, crashSteps, newTaskRecord, startSteps, type TaskRecord, type TaskStep } from '../../../local/runtime/task-model.ts';
import { parseImageAction } from '../../../functions/ingestion/domain/image-push.ts';
import { parseDeploymentStateChange, parseServiceAction } from '../../../functions/ingestion/domain/service-events.ts';
import { parseTaskStateChange } from '../../../functions/ingestion/domain/task-state.ts';
import { parseAlarmStateChange } from '../../../functions/scaling/domain/alarm-state.ts';
import { AWS_SAMPLES, DIGEST } from '../../fixtures/aws-events.ts';

/**
 * The local runtime's events against AWS's published samples (test/fixtures/aws-events.ts): each emitted event, as
 * EventBridge would deliver it, parses with the reader its function uses and has the sample's fields.
 */

const ACCOUNT = '123456789012';
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/main`;
const SERVICE_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/main/web`;
const TASK_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/main/0123456789abcdef0123456789abcdef`;
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web:v1`;

/** What a rule target receives for an event the runtime put on the bus (PutEvents entry → EventBridge envelope). */
function delivered(event: AwsEvent): Record<string, unknown> {
  const entry = toEntry(event, undefined);
  return {
    version: '0',
    id: 'e1b2c3d4-0000-4000-8000-000000000000',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: ACCOUNT,
    time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: entry.Resources,
    detail: JSON.parse(entry.Detail ?? '{}') as unknown,
  };
}

const keys = (value: unknown): string[] => Object.keys(value as object).sort();
const detailOf = (event: Record<string, unknown>) => event['detail'] as Record<string, unknown>;
const first = (value: unknown): Record<string, unknown> => (value as Record<string, unknown>[])[0] as Record<string, unknown>;

/** A RunTask answer as moto gives it for an awsvpc task: an `ElasticNetworkInterface` attachment. */
const awsvpcTask = {
  taskArn: TASK_ARN,
  clusterArn: CLUSTER_ARN,
  taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:3`,
  group: 'family:web',
  launchType: 'FARGATE',
  attachments: [
    {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      type: 'ElasticNetworkInterface',
      status: 'ATTACHED',
      details: [
        { name: 'subnetId', value: 'subnet-1' },
        { name: 'networkInterfaceId', value: 'eni-1' },
        { name: 'macAddress', value: '0a:00:00:00:00:01' },
        { name: 'privateDnsName', value: 'ip-10-0-0-1.ec2.internal' },
        { name: 'privateIPv4Address', value: '10.0.0.1' },
      ],
    },
  ],
  containers: [{ containerArn: 'arn:moto/uuid-1', name: 'app', image: IMAGE }],
};

function play(record: TaskRecord, steps: TaskStep[]): TaskRecord[] {
  const history = [record];
  steps.forEach((step, index) => history.push(applyStep(history[index] as TaskRecord, step, new Date(Date.UTC(2026, 0, 1, 0, 0, index + 1)))));
  return history;
}

describe('task events the local runtime emits', () => {
  const start = new Date('2026-01-01T00:00:00.000Z');
  const fargate = play(newTaskRecord(awsvpcTask, start, { cpu: '256', memory: '512', containerCpu: { app: '0' }, imageDigests: { [IMAGE]: DIGEST } }), startSteps());

  test('a running Fargate task has the field set of AWS\'s Fargate sample, its attachment typed "eni", its image digest', () => {
    const event = delivered(taskStateChangeEvent(fargate.at(-1) as TaskRecord));
    const sample = AWS_SAMPLES.ecsTaskStateChangeFargate.detail;
    const detail = detailOf(event);
    assert.deepEqual(keys(detail), keys(sample));
    assert.deepEqual(keys(first(detail['containers'])), keys(first(sample.containers)));
    assert.deepEqual(keys(first(detail['attachments'])), keys(first(sample.attachments)));
    const names = (first(detail['attachments'])['details'] as { name: string }[]).map((item) => item.name);
    assert.ok(sample.attachments[0]?.details.every((item) => names.includes(item.name)), `attachment details ${names.join(', ')}`);

    const task = parseTaskStateChange(event);
    assert.deepEqual(task.attachments?.map((attachment) => [attachment.type, attachment.status]), [['eni', 'ATTACHED']]);
    assert.equal(task.containers[0]?.imageDigest, DIGEST);
    assert.equal(task.platformVersion, '1.4.0');
    assert.deepEqual(first(first(detail['containers'])['networkInterfaces'] as unknown), { attachmentId: 'a1b2c3d4-0000-4000-8000-000000000001', privateIpv4Address: '10.0.0.1' });
  });

  test('the attachment is PRECREATED while the task provisions and DELETED once it stopped', () => {
    const stopped = play(fargate.at(-1) as TaskRecord, crashSteps(1)).at(-1) as TaskRecord;
    const statuses = [fargate[0] as TaskRecord, stopped].map((record) => parseTaskStateChange(delivered(taskStateChangeEvent(record))).attachments?.[0]?.status);
    assert.deepEqual(statuses, ['PRECREATED', 'DELETED']);
  });

  test("an EC2 task on a container instance has the fields of AWS's EC2 sample and parses with its container instance", () => {
    const containerInstanceArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/main/0f0e0d0c0b0a09080706050403020100`;
    const ec2 = newTaskRecord({ ...awsvpcTask, attachments: [], launchType: 'FARGATE', startedBy: 'ecs-svc/1', group: 'service:web' }, start, { launchType: 'EC2', containerInstanceArn });
    const stopped = play(ec2, [...startSteps(), ...crashSteps(137)]).at(-1) as TaskRecord;
    const event = delivered(taskStateChangeEvent(stopped));
    const sample = AWS_SAMPLES.ecsTaskStateChangeEc2.detail;
    const detail = detailOf(event);
    assert.deepEqual(keys(sample).filter((key) => !(key in detail)), [], 'every field of the sample');
    assert.deepEqual(keys(first(sample.containers)).filter((key) => !(key in first(detail['containers']))), []);
    assert.equal('platformVersion' in detail, false, 'platform versions are Fargate\'s');

    const task = parseTaskStateChange(event);
    assert.deepEqual([task.launchType, task.containerInstanceArn, task.service, task.containers[0]?.exitCode, task.stopCode], ['EC2', containerInstanceArn, 'web', 137, 'EssentialContainerExited']);
  });
});

describe('service, image and alarm events the local runtime emits', () => {
  const service = { serviceArn: SERVICE_ARN, clusterArn: CLUSTER_ARN };
  const time = new Date('2026-01-01T00:00:00.000Z');

  const cases: Array<[string, AwsEvent, Record<string, unknown>, (event: Record<string, unknown>) => void]> = [
    [
      'a Fargate placement failure',
      servicePlacementFailureEvent(service, 'RESOURCE:FARGATE', { capacityProviderArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:capacity-provider/FARGATE`] }, time),
      AWS_SAMPLES.ecsPlacementFailureFargateSpot,
      (event) => assert.deepEqual([parseServiceAction(event).eventType, parseServiceAction(event).reason], ['ERROR', 'RESOURCE:FARGATE']),
    ],
    [
      'an EC2 placement failure',
      servicePlacementFailureEvent(service, 'RESOURCE:CPU', { containerInstanceArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/main/1`] }, time),
      AWS_SAMPLES.ecsPlacementFailureEc2,
      (event) => assert.deepEqual(parseServiceAction(event).containerInstanceArns, [`arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/main/1`]),
    ],
    ['a steady state', serviceSteadyStateEvent(service, time), AWS_SAMPLES.ecsServiceSteadyState, (event) => assert.equal(parseServiceAction(event).eventName, 'SERVICE_STEADY_STATE')],
    [
      'a failed ECS deployment',
      deploymentStateChangeEvent(service, 'SERVICE_DEPLOYMENT_FAILED', 'ecs-svc/1', time),
      AWS_SAMPLES.ecsDeploymentFailed,
      (event) =>
        assert.deepEqual(
          [parseDeploymentStateChange(event).eventType, parseDeploymentStateChange(event).reason],
          ['ERROR', AWS_SAMPLES.ecsDeploymentFailed.detail.reason],
        ),
    ],
    ['a deployment in progress', deploymentStateChangeEvent(service, 'SERVICE_DEPLOYMENT_IN_PROGRESS', 'ecs-svc/1', time), AWS_SAMPLES.ecsDeploymentInProgress, (event) => assert.equal(parseDeploymentStateChange(event).rank, 1)],
    ['a completed deployment', deploymentStateChangeEvent(service, 'SERVICE_DEPLOYMENT_COMPLETED', 'ecs-svc/1', time), AWS_SAMPLES.ecsDeploymentCompleted, (event) => assert.equal(parseDeploymentStateChange(event).rank, 2)],
    ['an image push', ecrImagePushEvent({ repositoryName: 'web', imageDigest: DIGEST, imageTag: 'v1' }, time), AWS_SAMPLES.ecrImagePush, (event) => assert.equal(parseImageAction(event).action, 'PUSH')],
    ['an image deletion', ecrImageDeleteEvent({ repositoryName: 'web', imageDigest: DIGEST, imageTag: 'v1' }, time), AWS_SAMPLES.ecrImageDelete, (event) => assert.equal(parseImageAction(event).action, 'DELETE')],
    [
      'an alarm state change',
      (() => {
        const alarm = {
          AlarmName: 'cpu',
          AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:cpu`,
          AlarmDescription: 'high cpu',
          StateValue: 'OK',
          StateReason: 'fine',
          StateReasonData: '{"version":"1.0","recentDatapoints":[1.0]}',
          StateUpdatedTimestamp: time,
          MetricName: 'CPUUtilization',
          Namespace: 'AWS/ECS',
          Statistic: 'Average',
          Period: 60,
          Dimensions: [{ Name: 'ServiceName', Value: 'web' }],
        };
        return alarmStateChangeEvent(alarm, { value: 'ALARM', reason: 'crossed', reasonData: '{"version":"1.0","recentDatapoints":[90.5]}', timestamp: new Date('2026-01-01T00:01:00.000Z') }, alarmStateOf(alarm));
      })(),
      AWS_SAMPLES.alarmSingleMetric,
      (event) => assert.deepEqual([parseAlarmStateChange(event).kind, parseAlarmStateChange(event).recentDatapoints], ['metric', [90.5]]),
    ],
  ];
  for (const [name, emitted, sample, check] of cases) {
    test(`${name}: the sample's fields, read by its reader`, () => {
      const event = delivered(emitted);
      assert.deepEqual(keys(event), keys(sample));
      assert.deepEqual(keys(detailOf(event)), keys(sample['detail']));
      check(event);
    });
  }
});
