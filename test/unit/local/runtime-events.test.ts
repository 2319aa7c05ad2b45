import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toEntry } from '../../../local/runtime/emitter.ts';
import {
  alarmStateChangeEvent,
  alarmStateOf,
  cloudWatchTimestamp,
  deploymentStateChangeEvent,
  ecrImagePushEvent,
  serviceSteadyStateEvent,
  taskStateChangeEvent,
} from '../../../local/runtime/events.ts';
import { applyStep, newTaskRecord, runtimeIdFor, startSteps } from '../../../local/runtime/task-model.ts';

const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/main/abc';

describe('event builders', () => {
  test('ECS Task State Change carries the documented task fields', () => {
    let record = newTaskRecord(
      {
        taskArn,
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/main',
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
        group: 'family:web',
        launchType: 'FARGATE',
        containers: [{ containerArn: 'arn:c/1', name: 'app', image: 'nginx' }],
      },
      new Date('2026-01-01T00:00:00.000Z'),
      { cpu: '256', memory: '512' },
    );
    for (const [index, step] of startSteps().entries()) record = applyStep(record, step, new Date(Date.UTC(2026, 0, 1, 0, 0, index + 1)));
    const event = taskStateChangeEvent(record);
    assert.equal(event.source, 'aws.ecs');
    assert.equal(event.detailType, 'ECS Task State Change');
    assert.deepEqual(event.resources, [taskArn]);
    const detail = event.detail;
    for (const field of ['clusterArn', 'taskArn', 'taskDefinitionArn', 'group', 'launchType', 'lastStatus', 'desiredStatus', 'version', 'createdAt', 'updatedAt', 'startedAt', 'cpu', 'memory', 'availabilityZone', 'connectivity']) {
      assert.ok(field in detail, field);
    }
    assert.equal(detail['version'], 3);
    assert.equal(detail['createdAt'], '2026-01-01T00:00:00.000Z');
    assert.equal(detail['startedAt'], '2026-01-01T00:00:02.000Z');
    assert.equal('stoppedAt' in detail, false);
    assert.equal('startedBy' in detail, false);
    assert.deepEqual(detail['containers'], [
      { containerArn: 'arn:aws:ecs:us-east-1:123456789012:container/main/abc/1', image: 'nginx', runtimeId: runtimeIdFor('arn:aws:ecs:us-east-1:123456789012:container/main/abc/1'), lastStatus: 'RUNNING', name: 'app', taskArn, cpu: '0' },
    ]);
    assert.equal(detail['platformVersion'], '1.4.0', 'Fargate reports the version LATEST resolved to');
  });

  test('ECR Image Action matches the documented push event', () => {
    const event = ecrImagePushEvent({ repositoryName: 'app', imageDigest: 'sha256:abc', imageTag: 'v1' });
    assert.equal(event.source, 'aws.ecr');
    assert.deepEqual(event.resources, []);
    assert.deepEqual(event.detail, {
      result: 'SUCCESS',
      'repository-name': 'app',
      'image-digest': 'sha256:abc',
      'action-type': 'PUSH',
      'image-tag': 'v1',
    });
    assert.equal('image-tag' in ecrImagePushEvent({ repositoryName: 'app', imageDigest: 'sha256:abc' }).detail, false);
  });

  test('CloudWatch Alarm State Change: states, previous state and metric-math configuration', () => {
    const alarm = {
      AlarmName: 'cpu',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu',
      AlarmDescription: 'high cpu',
      StateValue: 'OK',
      StateReason: 'fine',
      StateUpdatedTimestamp: new Date('2026-01-01T00:00:00.000Z'),
      Metrics: [
        {
          Id: 'm1',
          ReturnData: true,
          MetricStat: { Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: 'main' }] }, Period: 60, Stat: 'Average' },
        },
      ],
    };
    const state = { value: 'ALARM', reason: 'threshold crossed', reasonData: '{"x":1}', timestamp: new Date('2026-01-01T00:01:00.000Z') };
    const event = alarmStateChangeEvent(alarm, state, alarmStateOf(alarm));
    assert.deepEqual(event.resources, [alarm.AlarmArn]);
    assert.deepEqual(event.detail, {
      alarmName: 'cpu',
      state: { value: 'ALARM', reason: 'threshold crossed', reasonData: '{"x":1}', timestamp: '2026-01-01T00:01:00.000+0000' },
      previousState: { value: 'OK', reason: 'fine', timestamp: '2026-01-01T00:00:00.000+0000' },
      configuration: {
        description: 'high cpu',
        metrics: [
          {
            id: 'm1',
            returnData: true,
            metricStat: { metric: { namespace: 'AWS/ECS', name: 'CPUUtilization', dimensions: { ClusterName: 'main' } }, period: 60, stat: 'Average' },
          },
        ],
      },
    });
    assert.equal(cloudWatchTimestamp(new Date('2026-01-01T00:00:00.5Z')), '2026-01-01T00:00:00.500+0000');
  });

  test('deployment and service action events', () => {
    const service = { serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/main/api', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/main' };
    const time = new Date('2026-01-01T00:00:00.000Z');
    const completed = deploymentStateChangeEvent(service, 'SERVICE_DEPLOYMENT_COMPLETED', 'ecs-svc/1', time);
    assert.equal(completed.detailType, 'ECS Deployment State Change');
    assert.deepEqual(completed.detail, {
      eventType: 'INFO',
      eventName: 'SERVICE_DEPLOYMENT_COMPLETED',
      deploymentId: 'ecs-svc/1',
      updatedAt: '2026-01-01T00:00:00.000Z',
      reason: 'ECS deployment ecs-svc/1 completed.',
    });
    const steady = serviceSteadyStateEvent(service, time);
    assert.equal(steady.detailType, 'ECS Service Action');
    assert.deepEqual(steady.detail, { eventType: 'INFO', eventName: 'SERVICE_STEADY_STATE', clusterArn: service.clusterArn, createdAt: '2026-01-01T00:00:00.000Z' });
  });

  test('PutEvents entries serialise detail and keep the time', () => {
    const time = new Date('2026-01-01T00:00:00.000Z');
    const entry = toEntry({ source: 'aws.ecr', detailType: 'ECR Image Action', detail: { a: 1 }, time }, 'custom');
    assert.deepEqual(entry, { Source: 'aws.ecr', DetailType: 'ECR Image Action', Detail: '{"a":1}', Resources: [], Time: time, EventBusName: 'custom' });
  });
});
