import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deploymentRecord,
  imageRef,
  serviceStatus,
  statusFingerprint,
  strategyLabel,
  watchVerdict,
  type ServiceStatus,
  type StatusFacts,
} from '../../../../functions/deploy/domain/service-status.ts';

const DIGEST = `sha256:${'1a2b3c4d5e6f'.repeat(5)}abcd`;
const TD = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${revision}`;
const BLUE_TS = 'arn:aws:ecs:us-east-1:123456789012:task-set/web-cluster/web/ecs-svc/111';
const GREEN_TS = 'arn:aws:ecs:us-east-1:123456789012:task-set/web-cluster/web/ecs-svc/222';
const BLUE_TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/1';
const GREEN_TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/2';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const NOW = new Date('2025-06-01T12:00:30.000Z');

const PLAN = [
  { kind: 'stabilize', name: 'green-stable', greenWeight: 0, seconds: 30 },
  { kind: 'shift', name: 'traffic-50', greenWeight: 50, seconds: 60 },
  { kind: 'shift', name: 'traffic-100', greenWeight: 100, seconds: 0 },
  { kind: 'promote', name: 'promote', greenWeight: 100, seconds: 0 },
];

const deployment = (fields: Record<string, unknown> = {}) => ({
  deploymentId: 'web-0123456789abcdef',
  cluster: 'web-cluster',
  service: 'web',
  image: `${REGISTRY}/web@${DIGEST}`,
  digest: DIGEST,
  tag: 'v1',
  trigger: 'image-push',
  requestedAt: '2025-06-01T12:00:00.000Z',
  startedAt: '2025-06-01T12:00:01.000Z',
  status: 'IN_PROGRESS',
  strategy: { type: 'canary', percent: 50, bakeMinutes: 1 },
  planSteps: PLAN,
  blueTaskSetArn: BLUE_TS,
  greenWeight: 50,
  currentStep: 'traffic-50',
  wait: { kind: 'shift', step: 'traffic-50', taskToken: 'token' },
  ...fields,
});

const recordedSteps = [
  { name: 'register-revision', index: 0, startedAt: '2025-06-01T12:00:01.000Z', endedAt: '2025-06-01T12:00:02.000Z', outcome: 'SUCCEEDED' },
  { name: 'green-stable', index: 1, startedAt: '2025-06-01T12:00:02.000Z', endedAt: '2025-06-01T12:00:10.000Z', outcome: 'SUCCEEDED', greenWeight: 0 },
];

const taskSet = (fields: Partial<NonNullable<StatusFacts['live']>['taskSets'][number]> = {}) => ({
  taskSetArn: BLUE_TS,
  id: 'ecs-svc/111',
  status: 'PRIMARY',
  taskDefinitionArn: TD(1),
  targetGroupArn: BLUE_TG,
  desiredTasks: 2,
  tasks: { running: 2, pending: 0 },
  ...fields,
});

const steady: StatusFacts = {
  target: { name: 'web', cluster: 'web-cluster', service: 'web' },
  observedAt: NOW,
  live: { desiredCount: 2, taskSets: [taskSet()] },
  images: { [TD(1)]: `${REGISTRY}/web:v0` },
  routeWeights: [{ targetGroupArn: BLUE_TG, weight: 100 }, { targetGroupArn: GREEN_TG, weight: 0 }],
  recent: [],
};

const canaryBake: StatusFacts = {
  ...steady,
  live: {
    desiredCount: 2,
    taskSets: [taskSet(), taskSet({ taskSetArn: GREEN_TS, id: 'ecs-svc/222', status: 'ACTIVE', externalId: 'web-0123456789abcdef', taskDefinitionArn: TD(2), targetGroupArn: GREEN_TG, tasks: { running: 1, pending: 1 } })],
  },
  images: { ...steady.images, [TD(2)]: `${REGISTRY}/web@${DIGEST}` },
  routeWeights: [{ targetGroupArn: BLUE_TG, weight: 50 }, { targetGroupArn: GREEN_TG, weight: 50 }],
  lock: { deploymentId: 'web-0123456789abcdef', deployment: deployment(), steps: recordedSteps },
  recent: [deployment()],
};

const stepLine = (step: { name: string; state: string; elapsedSeconds?: number }) => `${step.name} ${step.state}${step.elapsedSeconds === undefined ? '' : ` ${step.elapsedSeconds}s`}`;

describe('imageRef', () => {
  const cases: Array<[string, string, { tag?: string; digest?: string }?]> = [
    [`${REGISTRY}/web@${DIGEST}`, 'web@sha256:1a2b3c4d5e6f'],
    [`${REGISTRY}/web@${DIGEST}`, 'web:v1@sha256:1a2b3c4d5e6f', { tag: 'v1' }],
    [`${REGISTRY}/team/web:v0`, 'team/web:v0'],
    ['nginx:1.27', 'nginx:1.27'],
    ['localhost:5000/web', 'web'],
    ['public.ecr.aws/aws-observability/aws-for-fluent-bit:2', 'aws-observability/aws-for-fluent-bit:2'],
    [`revision ${TD(3)}`, 'revision web:3'],
  ];
  for (const [uri, label, known] of cases) it(`${uri} is shown as ${label}`, () => assert.equal(imageRef(uri, known).label, label));
});

describe('strategyLabel', () => {
  const cases: Array<[Parameters<typeof strategyLabel>[0], string | undefined]> = [
    [{ type: 'all-at-once' }, 'all-at-once'],
    [{ type: 'canary', percent: 10, bakeMinutes: 15 }, 'canary 10% for 15m'],
    [{ type: 'canary', percent: 50, bakeMinutes: 0.05 }, 'canary 50% for 3s'],
    [{ type: 'linear', stepPercent: 30, intervalMinutes: 2 }, 'linear 30% every 2m'],
    [undefined, undefined],
  ];
  for (const [strategy, label] of cases) it(`${JSON.stringify(strategy)} → ${label}`, () => assert.equal(strategyLabel(strategy), label));
});

describe('serviceStatus', () => {
  it('a steady service: live revision and image, stable, no deploy', () => {
    const status = serviceStatus(steady);
    assert.equal(status.inFlight, false);
    assert.equal(status.stable, true);
    assert.deepEqual(status.live, { revision: 'web:1', taskDefinitionArn: TD(1), image: imageRef(`${REGISTRY}/web:v0`) });
    assert.deepEqual(
      status.taskSets.map((set) => [set.role, set.revision, set.running, set.pending, set.desired, set.weight]),
      [['live', 'web:1', 2, 0, 2, 100]],
    );
    assert.equal(status.deploy, undefined);
  });

  it('a canary bake: blue and green by the deployment, weights, the running step numbered in the plan', () => {
    const status = serviceStatus(canaryBake);
    assert.equal(status.inFlight, true);
    assert.deepEqual(
      status.taskSets.map((set) => [set.role, set.revision, set.image?.label, set.running, set.pending, set.weight]),
      [
        ['blue', 'web:1', 'web:v0', 2, 0, 50],
        ['green', 'web:2', 'web:v1@sha256:1a2b3c4d5e6f', 1, 1, 50],
      ],
      'the tag comes from the deployment that pushed the digest',
    );
    const deploy = status.deploy;
    assert.ok(deploy);
    assert.equal(deploy.elapsedSeconds, 29);
    assert.equal(deploy.waitingFor, 'shift');
    assert.deepEqual(deploy.step && [deploy.step.name, deploy.step.number, deploy.step.of, deploy.step.startedAt, deploy.step.elapsedSeconds, deploy.step.seconds], [
      'traffic-50',
      2,
      5,
      '2025-06-01T12:00:10.000Z',
      20,
      60,
    ]);
    assert.deepEqual(deploy.steps.map(stepLine), ['register-revision done 1s', 'green-stable done 8s', 'traffic-50 running 20s', 'traffic-100 pending', 'promote pending', 'delete-blue pending']);
    assert.equal(status.stable, false);
    assert.deepEqual(status.problems, ['production sends 50% to the live task set']);
  });

  it('a rolled-back deployment: the step it stopped in failed, the rest skipped, the rollback last', () => {
    const reason = 'RollbackAlarmError: Rollback alarm in ALARM: web-5xx';
    const ended = deployment({ status: 'ROLLED_BACK', endedAt: '2025-06-01T12:00:20.000Z', reason });
    const rollback = { name: 'rollback', index: 99, startedAt: '2025-06-01T12:00:18.000Z', endedAt: '2025-06-01T12:00:20.000Z', reason };
    const status = serviceStatus({ ...canaryBake, lock: { deploymentId: ended.deploymentId, deployment: ended, steps: [...recordedSteps, rollback] } });
    assert.deepEqual(status.deploy?.steps.map(stepLine), [
      'register-revision done 1s',
      'green-stable done 8s',
      'traffic-50 failed',
      'traffic-100 skipped',
      'promote skipped',
      'delete-blue skipped',
      'rollback done 2s',
    ]);
    assert.equal(status.deploy?.step, undefined, 'nothing runs');
  });

  it('a succeeded deployment has every step done, blue deleted included', () => {
    const steps = [...recordedSteps, ...['traffic-50', 'traffic-100', 'promote'].map((name, index) => ({ name, index: index + 2, startedAt: '2025-06-01T12:00:10.000Z', endedAt: '2025-06-01T12:00:12.000Z' }))];
    const ended = deployment({ status: 'SUCCEEDED', endedAt: '2025-06-01T12:00:13.000Z' });
    const status = serviceStatus({ ...canaryBake, lock: { deploymentId: ended.deploymentId, deployment: ended, steps } });
    assert.deepEqual(status.deploy?.steps.map((step) => step.state), ['done', 'done', 'done', 'done', 'done', 'done']);
  });

  it('a deployment that has not prepared yet (STARTING) is in flight with every step pending', () => {
    const starting = deployment({ status: 'STARTING', startedAt: undefined, planSteps: undefined, strategy: undefined, wait: undefined });
    const status = serviceStatus({ ...steady, lock: { deploymentId: starting.deploymentId, deployment: starting, steps: [] } });
    assert.equal(status.inFlight, true);
    assert.deepEqual(status.deploy?.steps.map(stepLine), ['register-revision pending']);
    assert.equal(status.deploy?.elapsedSeconds, 30, 'counted from the request');
  });

  const unstable: Array<[string, Partial<StatusFacts>, string[]]> = [
    ['tasks still starting', { live: { desiredCount: 2, taskSets: [taskSet({ tasks: { running: 1, pending: 1 } })] } }, ['the live task set (web:1) runs 1 of 2 tasks (1 pending)']],
    ['no primary task set', { live: { desiredCount: 2, taskSets: [taskSet({ status: 'ACTIVE' })] } }, ['no task set is primary']],
    ['an ECS-controller service short of tasks', { live: { desiredCount: 3, taskSets: [], serviceTasks: { running: 2, pending: 0 } }, routeWeights: undefined }, ['the service runs 2 of 3 tasks']],
    ['no ECS service', { live: undefined }, ['ECS has no ACTIVE service web-cluster/web']],
  ];
  for (const [name, change, problems] of unstable) {
    it(`not stable: ${name}`, () => {
      const status = serviceStatus({ ...steady, ...change });
      assert.equal(status.stable, false);
      assert.deepEqual(status.problems, problems);
    });
  }

  it('a service on the ECS deployment controller: its own task definition is live, its own tasks counted', () => {
    const worker = `arn:aws:ecs:us-east-1:123456789012:task-definition/worker:4`;
    const status = serviceStatus({
      ...steady,
      live: { desiredCount: 2, taskSets: [], taskDefinitionArn: worker, serviceTasks: { running: 2, pending: 0 } },
      images: { [worker]: 'busybox:1.36' },
      routeWeights: undefined,
    });
    assert.deepEqual(status.live, { revision: 'worker:4', taskDefinitionArn: worker, image: imageRef('busybox:1.36') });
    assert.equal(status.stable, true);
  });

  it('stability is left open when tasks were not counted (the overview)', () => {
    const status = serviceStatus({ ...steady, live: { desiredCount: 2, taskSets: [taskSet({ tasks: undefined })] } });
    assert.equal(status.stable, undefined);
    assert.deepEqual(status.taskSets.map((set) => [set.running, set.pending]), [[undefined, undefined]]);
  });

  it('the queued request, the last ended deployment and the last scaling activity', () => {
    const succeeded = deployment({ deploymentId: 'web-aaaaaaaaaaaaaaaa', status: 'SUCCEEDED', endedAt: '2025-06-01T11:00:00.000Z', startedAt: '2025-06-01T10:59:00.000Z' });
    const status = serviceStatus({
      ...canaryBake,
      queued: { deploymentId: 'web-bbbbbbbbbbbbbbbb', cluster: 'web-cluster', service: 'web', image: `${REGISTRY}/web@${DIGEST}`, tag: 'v2', trigger: 'image-push', pushedAt: '2025-06-01T12:00:20Z', requestedAt: '2025-06-01T12:00:20.500Z' },
      recent: [deployment(), succeeded],
      lastScaling: {
        cluster: 'web-cluster',
        service: 'web',
        alarmName: 'web-cpu-high',
        executionName: 'x',
        evaluation: 1,
        evaluatedAt: '2025-06-01T11:55:00.000Z',
        outcome: 'scaled',
        reason: 'metric 80 is 20 above the threshold',
        fromCapacity: 2,
        toCapacity: 4,
      },
    });
    assert.deepEqual(status.queued, { deploymentId: 'web-bbbbbbbbbbbbbbbb', trigger: 'image-push', requestedAt: '2025-06-01T12:00:20.500Z', image: imageRef(`${REGISTRY}/web@${DIGEST}`, { tag: 'v2' }) });
    assert.equal(status.lastDeploy?.deploymentId, 'web-aaaaaaaaaaaaaaaa');
    assert.equal(status.lastDeploy?.durationSeconds, 60);
    assert.deepEqual(status.lastScaling, { at: '2025-06-01T11:55:00.000Z', alarmName: 'web-cpu-high', outcome: 'scaled', reason: 'metric 80 is 20 above the threshold', fromCapacity: 2, toCapacity: 4 });
  });
});

describe('deploymentRecord', () => {
  const cases: Array<[string, Record<string, unknown>, Partial<ReturnType<typeof deploymentRecord>>]> = [
    ['an ended deployment lasts from its start to its end', deployment({ status: 'SUCCEEDED', endedAt: '2025-06-01T12:00:21.000Z' }), { durationSeconds: 20, status: 'SUCCEEDED' }],
    ['one in flight lasts until now', deployment(), { durationSeconds: 29 }],
    ['one that failed before it started counts from its request', deployment({ status: 'FAILED', startedAt: undefined, endedAt: '2025-06-01T12:00:02.000Z', reason: 'DeployPreparationError: no container named missing' }), { durationSeconds: 2, reason: 'DeployPreparationError: no container named missing' }],
    ['a rollback deploys a revision', deployment({ trigger: 'rollback', image: `revision ${TD(1)}`, digest: undefined, tag: undefined }), { trigger: 'rollback', image: { uri: `revision ${TD(1)}`, label: 'revision web:1' } }],
  ];
  for (const [name, stored, expected] of cases) {
    it(name, () => {
      const record = deploymentRecord(stored, NOW);
      for (const [field, value] of Object.entries(expected)) assert.deepEqual(record[field as keyof typeof record], value, field);
    });
  }
});

describe('watchVerdict', () => {
  const inFlight = serviceStatus(canaryBake);
  const endedWith = (status: string, fields: Record<string, unknown> = {}, facts: Partial<StatusFacts> = {}): ServiceStatus =>
    serviceStatus({ ...steady, recent: [deployment({ status, endedAt: '2025-06-01T12:00:20.000Z', ...fields })], ...facts });
  const cases: Array<[string, ServiceStatus, string[], ReturnType<typeof watchVerdict>]> = [
    ['a deploy in flight: waits for it', inFlight, [], { ended: false, waitingFor: 'deploy', message: 'deployment web-0123456789abcdef is IN_PROGRESS at traffic-50' }],
    ['the watched deployment succeeded and the service is stable: healthy', endedWith('SUCCEEDED'), ['web-0123456789abcdef'], { ended: true, healthy: true, message: 'deployment web-0123456789abcdef SUCCEEDED; web-cluster/web is stable' }],
    [
      'the watched deployment rolled back: not healthy, with its reason',
      endedWith('ROLLED_BACK', { reason: 'GreenTasksFailedError: Green tasks stopped' }),
      ['web-0123456789abcdef'],
      { ended: true, healthy: false, message: 'deployment web-0123456789abcdef ended ROLLED_BACK: GreenTasksFailedError: Green tasks stopped' },
    ],
    ['a rollback from before the watch does not count: no deploy in flight, stable', endedWith('ROLLED_BACK'), [], { ended: true, healthy: true, message: 'no deploy in flight; web-cluster/web is stable' }],
    [
      'succeeded, but the live task set is still short of tasks: waits for stability',
      endedWith('SUCCEEDED', {}, { live: { desiredCount: 2, taskSets: [taskSet({ tasks: { running: 1, pending: 1 } })] } }),
      ['web-0123456789abcdef'],
      { ended: false, waitingFor: 'stability', message: 'deployment web-0123456789abcdef SUCCEEDED; not stable yet: the live task set (web:1) runs 1 of 2 tasks (1 pending)' },
    ],
    ['no ECS service: not healthy', serviceStatus({ ...steady, live: undefined }), [], { ended: true, healthy: false, message: 'ECS has no ACTIVE service web-cluster/web' }],
  ];
  for (const [name, status, seen, verdict] of cases) it(name, () => assert.deepEqual(watchVerdict(status, seen), verdict));
});

describe('statusFingerprint', () => {
  it('does not change with the clock alone, and changes with what is shown', () => {
    const later = serviceStatus({ ...canaryBake, observedAt: new Date(NOW.getTime() + 5000) });
    assert.equal(statusFingerprint(later), statusFingerprint(serviceStatus(canaryBake)));
    const moved = serviceStatus({ ...canaryBake, routeWeights: [{ targetGroupArn: BLUE_TG, weight: 0 }, { targetGroupArn: GREEN_TG, weight: 100 }] });
    assert.notEqual(statusFingerprint(moved), statusFingerprint(serviceStatus(canaryBake)));
  });
});
