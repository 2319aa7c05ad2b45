import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { parseDeploymentStateChange, parseServiceAction } from '../../../../functions/ingestion/domain/service-events.ts';
import { SERVICE_ARN, awsSample, deploymentStateChange, placementFailure, serviceAction, type SampleName } from '../../../fixtures/aws-events.ts';

describe('parseDeploymentStateChange', () => {
  const samples: Array<[SampleName, Record<string, unknown>]> = [
    ['ecsDeploymentInProgress', { eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', eventType: 'INFO', rank: 1, reason: 'ECS deployment deploymentId in progress.' }],
    ['ecsDeploymentRollbackInProgress', { eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', eventType: 'INFO', rank: 1, reason: 'ECS deployment circuit breaker: rolling back to deploymentId deploymentID.' }],
    ['ecsDeploymentCompleted', { eventName: 'SERVICE_DEPLOYMENT_COMPLETED', eventType: 'INFO', rank: 2, reason: 'ECS deployment deploymentID completed.' }],
    ['ecsDeploymentFailed', { eventName: 'SERVICE_DEPLOYMENT_FAILED', eventType: 'ERROR', rank: 2, reason: 'ECS deployment circuit breaker: task failed to start.' }],
  ];
  for (const [name, expected] of samples) {
    it(`reads AWS's sample ${name}`, () => {
      const sample = awsSample(name);
      assert.deepEqual(parseDeploymentStateChange(sample), {
        cluster: 'default',
        service: 'servicetest',
        serviceArn: 'arn:aws:ecs:us-west-2:111122223333:service/default/servicetest',
        deploymentId: 'ecs-svc/123',
        updatedAt: '2020-05-23T11:11:11.000Z',
        eventId: sample['id'],
        ...expected,
      });
    });
  }

  it("reads this suite's deployment of service web", () => {
    const deployment = parseDeploymentStateChange(deploymentStateChange());
    assert.deepEqual([deployment.cluster, deployment.service, deployment.serviceArn, deployment.updatedAt], ['prod', 'web', SERVICE_ARN, '2026-11-20T10:00:00.000Z']);
  });

  const ranks: Array<[string, number]> = [
    ['SERVICE_DEPLOYMENT_IN_PROGRESS', 1],
    ['SERVICE_DEPLOYMENT_ROLLBACK_IN_PROGRESS', 1],
    ['SERVICE_DEPLOYMENT_COMPLETED', 2],
    ['SERVICE_DEPLOYMENT_FAILED', 2],
  ];
  for (const [eventName, rank] of ranks) {
    it(`ranks ${eventName} as ${rank === 1 ? 'in progress' : 'terminal'}`, () => {
      assert.equal(parseDeploymentStateChange(deploymentStateChange({ eventName })).rank, rank);
    });
  }

  const malformed: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
    ['no resources', {}, { resources: [] }, /event\.resources must name the service ARN/],
    ['a legacy service ARN without cluster', {}, { resources: ['arn:aws:ecs:us-east-1:111122223333:service/web'] }, /long-format service ARN/],
    ['a non-deployment event name', { eventName: 'SERVICE_STEADY_STATE' }, {}, /SERVICE_DEPLOYMENT_\* event name/],
    ['an unknown event type', { eventType: 'DEBUG' }, {}, /detail\.eventType must be one of INFO, WARN, ERROR/],
    ['no deployment id', { deploymentId: undefined }, {}, /detail\.deploymentId/],
    ['a non-string resource', {}, { resources: [7] }, /event\.resources\[0\] must be a string/],
    ['a deployment id too long for a key', { deploymentId: `ecs-svc/${'1'.repeat(1000)}` }, {}, /^detail\.deploymentId is 1008 bytes; a value used in a key may have at most 512/],
  ];
  for (const [name, detail, extra, message] of malformed) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseDeploymentStateChange(deploymentStateChange(detail, extra)), (error: unknown) => error instanceof MalformedEventError && message.test(error.message));
    });
  }
});

describe('parseServiceAction', () => {
  const base = {
    cluster: 'default',
    service: 'servicetest',
    serviceArn: 'arn:aws:ecs:us-west-2:111122223333:service/default/servicetest',
    clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/default',
  };
  const samples: Array<[SampleName, Record<string, unknown>]> = [
    ['ecsServiceSteadyState', { eventName: 'SERVICE_STEADY_STATE', eventType: 'INFO', createdAt: '2019-11-19T19:27:22.695Z' }],
    [
      'ecsPlacementFailureFargateSpot',
      {
        eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
        eventType: 'ERROR',
        reason: 'RESOURCE:FARGATE',
        capacityProviderArns: ['arn:aws:ecs:us-west-2:111122223333:capacity-provider/FARGATE_SPOT'],
        createdAt: '2019-11-06T19:09:33.087Z',
      },
    ],
    [
      'ecsPlacementFailureEc2',
      {
        eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
        eventType: 'ERROR',
        reason: 'RESOURCE:CPU',
        containerInstanceArns: ['arn:aws:ecs:us-west-2:111122223333:container-instance/default/2dd1b186f39845a584488d2ef155c131'],
        createdAt: '2019-11-06T19:09:33.087Z',
      },
    ],
  ];
  for (const [name, expected] of samples) {
    it(`reads AWS's sample ${name}`, () => {
      const sample = awsSample(name);
      assert.deepEqual(parseServiceAction(sample), { ...base, eventId: sample['id'], ...expected });
    });
  }

  it("keeps this suite's placement failure reason", () => {
    const action = parseServiceAction(placementFailure({ reason: 'RESOURCE:MEMORY' }));
    assert.deepEqual([action.cluster, action.service, action.eventType, action.reason], ['prod', 'web', 'ERROR', 'RESOURCE:MEMORY']);
  });

  it('takes the cluster from clusterArn for a legacy service ARN', () => {
    const action = parseServiceAction(serviceAction({}, { resources: ['arn:aws:ecs:us-east-1:111122223333:service/web'] }));
    assert.deepEqual([action.cluster, action.service], ['prod', 'web']);
  });

  it('needs no clusterArn when the service ARN names the cluster', () => {
    assert.equal(parseServiceAction(serviceAction({ clusterArn: undefined })).cluster, 'prod');
  });

  const malformed: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
    ['a missing createdAt', { createdAt: undefined }, {}, /^detail\.createdAt must be a non-empty string$/],
    ['a legacy service ARN and no clusterArn', { clusterArn: undefined }, { resources: ['arn:aws:ecs:us-east-1:111122223333:service/web'] }, /^detail\.clusterArn must be a non-empty string$/],
    ['a 200 KB service ARN', {}, { resources: [`${SERVICE_ARN}${'x'.repeat(200_000)}`] }, /^event\.resources\[0\] is 200051 bytes/],
  ];
  for (const [name, detail, extra, message] of malformed) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseServiceAction(serviceAction(detail, extra)), (error: unknown) => error instanceof MalformedEventError && message.test(error.message));
    });
  }
});
