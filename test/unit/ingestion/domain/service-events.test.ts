import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { parseDeploymentStateChange, parseServiceAction } from '../../../../functions/ingestion/domain/service-events.ts';
import { SERVICE_ARN, deploymentStateChange, serviceAction } from '../../../fixtures/aws-events.ts';

describe('parseDeploymentStateChange', () => {
  it('reads the documented example', () => {
    const deployment = parseDeploymentStateChange(deploymentStateChange());
    assert.equal(deployment.cluster, 'prod');
    assert.equal(deployment.service, 'web');
    assert.equal(deployment.serviceArn, SERVICE_ARN);
    assert.equal(deployment.deploymentId, 'ecs-svc/123');
    assert.equal(deployment.eventName, 'SERVICE_DEPLOYMENT_IN_PROGRESS');
    assert.equal(deployment.updatedAt, '2026-11-20T10:00:00.000Z');
    assert.equal(deployment.reason, 'ECS deployment ecs-svc/123 in progress.');
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
  ];
  for (const [name, detail, extra, message] of malformed) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseDeploymentStateChange(deploymentStateChange(detail, extra)), (error: unknown) => error instanceof MalformedEventError && message.test(error.message));
    });
  }
});

describe('parseServiceAction', () => {
  it('reads a steady-state action', () => {
    const action = parseServiceAction(serviceAction());
    assert.deepEqual(
      { cluster: action.cluster, service: action.service, eventName: action.eventName, reasons: action.reasons },
      { cluster: 'prod', service: 'web', eventName: 'SERVICE_STEADY_STATE', reasons: [] },
    );
  });

  it('keeps the reasons of a placement failure', () => {
    const action = parseServiceAction(
      serviceAction({ eventType: 'ERROR', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', reasons: ['RESOURCE:MEMORY'] }),
    );
    assert.deepEqual(action.reasons, ['RESOURCE:MEMORY']);
    assert.equal(action.eventType, 'ERROR');
  });

  it('accepts a legacy service ARN, taking the cluster from clusterArn', () => {
    const action = parseServiceAction(serviceAction({}, { resources: ['arn:aws:ecs:us-east-1:111122223333:service/web'] }));
    assert.equal(action.cluster, 'prod');
    assert.equal(action.service, 'web');
  });

  it('rejects a missing createdAt', () => {
    assert.throws(() => parseServiceAction(serviceAction({ createdAt: undefined })), /detail\.createdAt must be a non-empty string/);
  });
});
