import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeploymentStateChange, parseServiceAction } from '../../../../functions/ingestion/domain/service-events.ts';
import { ecsDeploymentEvent, serviceActionEvent, taskEvents } from '../../../../functions/ingestion/domain/service-timeline.ts';
import { parseTaskStateChange } from '../../../../functions/ingestion/domain/task-state.ts';
import { deploymentStateChange, placementFailure, serviceAction, taskStateChange } from '../../../fixtures/aws-events.ts';

const task = (detail: Record<string, unknown>) => parseTaskStateChange(taskStateChange(detail));
const summary = (events: ReturnType<typeof taskEvents>) => events.map((event) => [event.type, event.at, event.severity, event.message]);

describe('taskEvents: the milestones a recorded task shows', () => {
  it('a running task: created and running, at the times ECS gave', () => {
    assert.deepEqual(summary(taskEvents(task({}))), [
      ['TASK_CREATED', '2026-11-20T10:00:00.123Z', 'info', 'web:42, started by ecs-svc/1234567890'],
      ['TASK_RUNNING', '2026-11-20T10:00:04.123Z', 'info', 'web:42'],
    ]);
  });

  it('a task stopped by hand: stopping with its reason, stopped with its stop code and exit codes', () => {
    const stopped = task({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      version: 6,
      stoppingAt: '2026-11-20T10:05:00.000Z',
      stoppedAt: '2026-11-20T10:05:30.000Z',
      stopCode: 'UserInitiated',
      stoppedReason: 'Scaled in',
      containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 0 }],
    });
    assert.deepEqual(summary(taskEvents(stopped)).slice(2), [
      ['TASK_STOPPING', '2026-11-20T10:05:00.000Z', 'info', 'Scaled in'],
      ['TASK_STOPPED', '2026-11-20T10:05:30.000Z', 'info', 'UserInitiated: Scaled in; web exited 0'],
    ]);
  });

  it('a crashed task is an error, with every container that exited and why', () => {
    const crashed = task({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: '2026-11-20T10:01:00.000Z',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'web', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        { name: 'log-router', lastStatus: 'STOPPED', exitCode: 0 },
      ],
    });
    const stopped = taskEvents(crashed).at(-1);
    assert.equal(stopped?.severity, 'error');
    assert.equal(stopped?.message, 'EssentialContainerExited: Essential container in task exited; web exited 137 (OutOfMemoryError: Container killed due to memory usage); log-router exited 0');
    assert.deepEqual(stopped?.details['containers'], [
      { name: 'web', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
      { name: 'log-router', lastStatus: 'STOPPED', exitCode: 0 },
    ]);
  });

  it('the current status counts at updatedAt when ECS gave no time for it', () => {
    const stopping = task({ lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED', updatedAt: '2026-11-20T10:02:00.000Z' });
    assert.deepEqual(summary(taskEvents(stopping)).at(-1), ['TASK_STOPPING', '2026-11-20T10:02:00.000Z', 'info', 'asked to stop']);
    const pending = task({ lastStatus: 'PENDING', createdAt: undefined, startedAt: undefined, updatedAt: '2026-11-20T10:00:01.000Z' });
    assert.deepEqual(summary(taskEvents(pending)), [['TASK_CREATED', '2026-11-20T10:00:01.000Z', 'info', 'web:42, started by ecs-svc/1234567890']]);
  });

  it('keeps its ids across versions, so a reader tells a new milestone from one it already gave', () => {
    const running = taskEvents(task({}));
    const later = taskEvents(task({ version: 7, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: '2026-11-20T10:05:30.000Z' }));
    assert.deepEqual(
      later.map((event) => event.id).filter((id) => !running.some((seen) => seen.id === id)),
      ['task#arn:aws:ecs:us-east-1:111122223333:task/prod/0123456789abcdef0123456789abcdef#STOPPED'],
    );
    assert.equal(running[0]?.subject, '0123456789abcdef0123456789abcdef');
  });
});

describe('ECS deployment and service action events', () => {
  it("an ECS deployment's recorded state, with ECS's severity and reason", () => {
    const event = ecsDeploymentEvent(parseDeploymentStateChange(deploymentStateChange({ eventName: 'SERVICE_DEPLOYMENT_FAILED', eventType: 'ERROR', reason: 'ECS deployment circuit breaker: task failed to start.' })));
    assert.deepEqual([event.id, event.type, event.subject, event.severity, event.message], [
      'ecs-deployment#ecs-svc/123#SERVICE_DEPLOYMENT_FAILED',
      'SERVICE_DEPLOYMENT_FAILED',
      'ecs-svc/123',
      'error',
      'ECS deployment circuit breaker: task failed to start.',
    ]);
  });

  it('a service action, with where ECS could not place tasks', () => {
    const steady = serviceActionEvent(parseServiceAction(serviceAction()));
    assert.deepEqual([steady.type, steady.subject, steady.severity, steady.message], ['SERVICE_STEADY_STATE', undefined, 'info', '']);
    const failed = serviceActionEvent(parseServiceAction(placementFailure()));
    assert.equal(failed.type, 'SERVICE_TASK_PLACEMENT_FAILURE');
    assert.equal(failed.severity, 'error');
    assert.equal(failed.message, 'RESOURCE:CPU on 2dd1b186f39845a584488d2ef155c131');
  });
});
