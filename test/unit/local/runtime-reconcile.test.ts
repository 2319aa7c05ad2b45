import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { groupsOf, planReconcile, taskSetDesiredCount } from '../../../local/runtime/reconcile.ts';

const td1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const td2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';

describe('reconciliation maths', () => {
  test('a task set runs ceil(desiredCount × scale%)', () => {
    assert.equal(taskSetDesiredCount(4, { value: 50, unit: 'PERCENT' }), 2);
    assert.equal(taskSetDesiredCount(4, { value: 100, unit: 'PERCENT' }), 4);
    assert.equal(taskSetDesiredCount(3, { value: 50, unit: 'PERCENT' }), 2);
    assert.equal(taskSetDesiredCount(1, { value: 1, unit: 'PERCENT' }), 1);
    assert.equal(taskSetDesiredCount(5, { value: 0, unit: 'PERCENT' }), 0);
    assert.equal(taskSetDesiredCount(2, undefined), 2);
  });

  test('plans start the missing and stop the surplus, newest first', () => {
    const running = [
      { taskArn: 'a', taskDefinitionArn: td1 },
      { taskArn: 'b', taskDefinitionArn: td1 },
      { taskArn: 'c', taskDefinitionArn: td1 },
    ];
    assert.deepEqual(planReconcile(running, 5, td1), { start: 2, stop: [] });
    assert.deepEqual(planReconcile(running, 1, td1), { start: 0, stop: ['b', 'c'] });
    assert.deepEqual(planReconcile(running, 3, td1), { start: 0, stop: [] });
    assert.deepEqual(planReconcile([], 0, td1), { start: 0, stop: [] });
  });

  test('tasks of another task definition are replaced', () => {
    const running = [
      { taskArn: 'old', taskDefinitionArn: td1 },
      { taskArn: 'new', taskDefinitionArn: td2 },
    ];
    assert.deepEqual(planReconcile(running, 2, td2), { start: 1, stop: ['old'] });
  });

  test('groups: one per task set for EXTERNAL services, the service itself otherwise', () => {
    const external = groupsOf({
      serviceArn: 'svc',
      serviceName: 'api',
      clusterArn: 'cluster',
      desiredCount: 4,
      deploymentController: { type: 'EXTERNAL' },
      networkConfiguration: {},
      taskSets: [
        { id: 'ecs-svc/1', taskSetArn: 'ts1', taskDefinition: td1, launchType: 'FARGATE', scale: { value: 50, unit: 'PERCENT' } },
        { id: 'ecs-svc/2', taskSetArn: 'ts2', taskDefinition: td2, scale: { value: 100, unit: 'PERCENT' }, networkConfiguration: { awsvpcConfiguration: { subnets: ['s'] } } },
      ],
    });
    assert.deepEqual(
      external.map((group) => [group.key, group.startedBy, group.desired, group.taskDefinition, Boolean(group.networkConfiguration)]),
      [
        ['ts1', 'ecs-svc/1', 2, td1, false],
        ['ts2', 'ecs-svc/2', 4, td2, true],
      ],
    );
    const managed = groupsOf({ serviceArn: 'svc', serviceName: 'api', clusterArn: 'cluster', desiredCount: 3, taskDefinition: td1, deployments: [{ id: 'ecs-svc/9' }] });
    assert.deepEqual(managed.map((group) => [group.key, group.startedBy, group.desired]), [['svc', 'ecs-svc/9', 3]]);
    assert.deepEqual(groupsOf({ serviceArn: 'svc', deploymentController: { type: 'CODE_DEPLOY' } }), []);
  });
});
