import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployApprovalRequestedNotification, deployStartedNotification, deployStepCompletedNotification } from '../../../functions/deploy/domain/deploy-announcements.ts';
import type { DeployRequest } from '../../../functions/deploy/domain/deployment.ts';
import { deployAnnouncements, deployments } from './blue-green-support.ts';
import { useDeployedStack } from '../support.ts';

/**
 * The deployment store writes each progress announcement once, in the transaction of the state it announces: a retried
 * step (the same write again) rewrites its state and leaves the first announcement alone; a request that will never
 * deploy is announced as superseded, once, whichever way it learns it.
 */

const stack = useDeployedStack();
const [cluster, service] = ['web-cluster', 'web'];

function request(deploymentId: string, pushedAt: string): DeployRequest {
  return { deploymentId, cluster, service, image: `web@sha256:${deploymentId}`, trigger: 'image-push', pushedAt, requestedAt: pushedAt };
}

const announced = { cluster, service, image: 'web@sha256:a', notify: ['#deploys'] };

describe('deploy announcements in the outbox', () => {
  it('a retried step rewrites its state but keeps the announcement written first', async () => {
    const store = deployments(stack);
    assert.equal(await store.requestDeploy(request('web-a', '2026-12-02T06:00:00.000Z')), 'acquired');
    const steps = [{ name: 'green-stable' }];
    for (const startedAt of ['2026-12-02T06:00:01.000Z', '2026-12-02T06:00:02.000Z']) {
      const started = deployStartedNotification({ ...announced, deploymentId: 'web-a', trigger: 'image-push', strategy: { type: 'all-at-once' }, steps, greenTaskDefinitionArn: 'td:2', startedAt });
      await store.updateDeployment(cluster, service, 'web-a', { status: 'IN_PROGRESS', startedAt }, { announce: started });
      const step = { name: 'green-stable', kind: 'stabilize' as const, greenWeight: 0, blueWeight: 100 };
      await store.recordStep(cluster, service, 'web-a', 1, { name: 'green-stable', endedAt: startedAt }, deployStepCompletedNotification({ ...announced, deploymentId: 'web-a', step, position: 1, stepCount: 1, endedAt: startedAt }));
      await store.registerWait({
        cluster,
        service,
        deploymentId: 'web-a',
        step: { kind: 'approval', name: 'approval' },
        taskSetId: 'ecs-svc/1',
        taskToken: `token-${startedAt}`,
        expectedTasks: 2,
        alarmNames: [],
        waitSeconds: 60,
        now: new Date(startedAt),
        announce: deployApprovalRequestedNotification({ ...announced, deploymentId: 'web-a', step: { name: 'approval', kind: 'approval' }, waitSeconds: 60, greenTaskDefinitionArn: 'td:2', waitingSince: startedAt }),
      });
    }

    const deployment = await store.getDeployment(cluster, service, 'web-a');
    assert.equal(deployment?.['startedAt'], '2026-12-02T06:00:02.000Z', 'the state is the retry’s');
    assert.equal((deployment?.['wait'] as { taskToken?: string }).taskToken, 'token-2026-12-02T06:00:02.000Z');
    assert.equal((await store.steps(cluster, service, 'web-a'))[0]?.['endedAt'], '2026-12-02T06:00:02.000Z');
    assert.deepEqual(
      (await deployAnnouncements(stack)).map((item) => [item['pk'], item['createdAt']]),
      [
        ['deploy-approval-requested#web-a#approval', '2026-12-02T06:00:01.000Z'],
        ['deploy-started#web-a', '2026-12-02T06:00:01.000Z'],
        ['deploy-step-completed#web-a#01', '2026-12-02T06:00:01.000Z'],
      ],
      'each announced once, as first written',
    );
  });

  it('announces a queued request a newer one replaced, and a request older than what runs, once each', async () => {
    const store = deployments(stack);
    assert.equal(await store.requestDeploy(request('web-a', '2026-12-02T06:00:00.000Z')), 'acquired');
    assert.equal(await store.requestDeploy(request('web-b', '2026-12-02T06:00:01.000Z')), 'queued');
    assert.equal(await store.requestDeploy(request('web-c', '2026-12-02T06:00:02.000Z')), 'queued', 'c takes b’s place');
    assert.equal(await store.requestDeploy(request('web-b', '2026-12-02T06:00:01.000Z')), 'superseded', 'b redelivered');
    assert.equal(await store.requestDeploy(request('web-old', '2026-12-02T05:59:00.000Z')), 'superseded', 'a push older than the running one');

    const superseded = (await deployAnnouncements(stack)).filter((item) => item['kind'] === 'deploy-superseded');
    assert.deepEqual(
      superseded.map((item) => [item['pk'], (item['details'] as Record<string, unknown>)['supersededBy'], (item['details'] as Record<string, unknown>)['where']]).sort(),
      [
        ['deploy-superseded#web-b', 'web-c', 'queue'],
        ['deploy-superseded#web-old', 'web-a', 'late'],
      ],
    );
    assert.equal((await store.queued(cluster, service))?.deploymentId, 'web-c');
  });
});
