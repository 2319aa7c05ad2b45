import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedEventError } from '../../../../functions/kernel/errors.ts';
import { compareTaskVersions, parseTaskStateChange, taskFailure } from '../../../../functions/ingestion/domain/task-state.ts';
import { awsSample, ec2TaskStateChange, taskArn, taskStateChange } from '../../../fixtures/aws-events.ts';

describe('parseTaskStateChange', () => {
  it("reads AWS's Fargate sample, keeping attachments, image digest and platform version", () => {
    const task = parseTaskStateChange(awsSample('ecsTaskStateChangeFargate'));
    assert.deepEqual(task, {
      taskArn: 'arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad',
      clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster',
      cluster: 'FargateCluster',
      taskDefinitionArn: 'arn:aws:ecs:us-west-2:111122223333:task-definition/sample-fargate:1',
      family: 'sample-fargate',
      revision: 1,
      group: 'family:sample-fargate',
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      version: 4,
      containers: [
        {
          name: 'FargateApp',
          lastStatus: 'RUNNING',
          containerArn: 'arn:aws:ecs:us-west-2:111122223333:container/cf159fd6-3e3f-4a9e-84f9-66cbe726af01',
          image: '111122223333.dkr.ecr.us-west-2.amazonaws.com/hello-repository:latest',
          imageDigest: 'sha256:74b2c688c700ec95a93e478cdb959737c148df3fbf5ea706abe0318726e885e6',
          runtimeId: 'ad64cbc71c7fb31c55507ec24c9f77947132b03d48d9961115cf24f3b7307e1e',
        },
      ],
      updatedAt: '2020-01-23T17:57:58.103Z',
      eventId: '3317b2af-7005-947d-b652-f55e762e571a',
      launchType: 'FARGATE',
      platformVersion: '1.3.0',
      availabilityZone: 'us-west-2c',
      cpu: '256',
      memory: '512',
      connectivity: 'CONNECTED',
      createdAt: '2020-01-23T17:57:34.402Z',
      startedAt: '2020-01-23T17:57:58.103Z',
      attachments: [
        {
          id: '1789bcae-ddfb-4d10-8ebe-8ac87ddba5b8',
          type: 'eni',
          status: 'ATTACHED',
          details: [
            { name: 'subnetId', value: 'subnet-abcd1234' },
            { name: 'networkInterfaceId', value: 'eni-abcd1234' },
            { name: 'macAddress', value: '0a:98:eb:a7:29:ba' },
            { name: 'privateIPv4Address', value: '10.0.0.139' },
          ],
        },
      ],
    });
  });

  it("reads AWS's EC2 sample: the container instance, a legacy task ARN, the container's exit code", () => {
    const task = parseTaskStateChange(awsSample('ecsTaskStateChangeEc2'));
    assert.equal(task.taskArn, 'arn:aws:ecs:us-east-1:111122223333:task/b99d40b3-5176-4f71-9a52-9dbd6f1cebef');
    assert.equal(task.cluster, 'default');
    assert.equal(task.containerInstanceArn, 'arn:aws:ecs:us-east-1:111122223333:container-instance/b54a2a04-046f-4331-9d74-3f6d7f6ca315');
    assert.equal(task.startedBy, 'ecs-svc/9223370556150183303');
    assert.equal(task.group, 'task-group');
    assert.equal(task.service, undefined);
    assert.deepEqual(task.containers, [{ name: 'xray', lastStatus: 'STOPPED', exitCode: 0, containerArn: 'arn:aws:ecs:us-east-1:111122223333:container/3305bea1-bd16-4217-803d-3e0482170a17' }]);
    assert.equal('attachments' in task || 'launchType' in task, false, 'absent optional fields stay absent');
  });

  it('reads a service task of this suite (the builders keep the sample shape)', () => {
    const task = parseTaskStateChange(taskStateChange());
    assert.deepEqual(
      { taskArn: task.taskArn, cluster: task.cluster, service: task.service, family: task.family, revision: task.revision, version: task.version, updatedAt: task.updatedAt },
      { taskArn: taskArn(), cluster: 'prod', service: 'web', family: 'web', revision: 42, version: 3, updatedAt: '2026-11-20T10:00:04.500Z' },
    );
    assert.equal(parseTaskStateChange(ec2TaskStateChange()).containerInstanceArn, `arn:aws:ecs:us-east-1:111122223333:container-instance/prod/b54a2a04046f43319d743f6d7f6ca315`);
  });

  const variants: Array<[string, Record<string, unknown>, (task: ReturnType<typeof parseTaskStateChange>) => void]> = [
    [
      'a task definition ARN without revision keeps the event (family only)',
      { taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web' },
      (task) => assert.deepEqual([task.family, 'revision' in task], ['web', false]),
    ],
    ['a standalone task (group family:x) belongs to no service', { group: 'family:web', startedBy: undefined }, (task) => assert.deepEqual([task.service, task.group], [undefined, 'family:web'])],
    ['no detail.updatedAt falls back to the event time', { updatedAt: undefined }, (task) => assert.equal(task.updatedAt, '2026-11-20T10:00:05.000Z')],
    ['no containers at all is no container', { containers: undefined }, (task) => assert.deepEqual(task.containers, [])],
    ['a capacity provider is kept', { capacityProviderName: 'FARGATE_SPOT' }, (task) => assert.equal(task.capacityProviderName, 'FARGATE_SPOT')],
    [
      'descriptive fields of another type are left out, not rejected',
      { cpu: 256, platformVersion: { major: 1 }, attachments: 'eni', createdAt: 'yesterday', availabilityZone: '' },
      (task) => assert.deepEqual(['cpu', 'platformVersion', 'attachments', 'createdAt', 'availabilityZone'].filter((key) => key in task), []),
    ],
    [
      'attachment details that are not name/value strings are left out',
      { attachments: [{ id: 'a', type: 'eni', details: [{ name: 'subnetId', value: 'subnet-1' }, { name: 'x', value: 1 }, 'y'] }, 'z'] },
      (task) => assert.deepEqual(task.attachments, [{ id: 'a', type: 'eni', details: [{ name: 'subnetId', value: 'subnet-1' }] }]),
    ],
  ];
  for (const [name, detail, check] of variants) {
    it(name, () => check(parseTaskStateChange(taskStateChange(detail))));
  }

  const huge = 'x'.repeat(200_000);
  const malformed: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
    ['missing version', { version: undefined }, {}, /detail\.version must be a non-negative integer/],
    ['string version', { version: '3' }, {}, /detail\.version/],
    ['negative version', { version: -1 }, {}, /detail\.version/],
    ['unknown status', { lastStatus: 'EXPLODED' }, {}, /detail\.lastStatus must be an ECS task status \(got "EXPLODED"\)/],
    ['cluster ARN of another type', { clusterArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web' }, {}, /detail\.clusterArn must be an ECS cluster ARN/],
    ['task definition ARN with a bad revision', { taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:x' }, {}, /optionally with :revision/],
    ['containers not an array', { containers: {} }, {}, /detail\.containers must be an array/],
    ['container without name', { containers: [{ lastStatus: 'RUNNING' }] }, {}, /detail\.containers\[0\]\.name/],
    ['a non-integer exit code', { containers: [{ name: 'web', exitCode: '1' }] }, {}, /detail\.containers\[0\]\.exitCode must be an integer/],
    ['bad updatedAt', { updatedAt: 'yesterday' }, {}, /detail\.updatedAt must be an ISO-8601 timestamp/],
    ['bad stoppedAt', { stoppedAt: 'soon' }, {}, /detail\.stoppedAt must be an ISO-8601 timestamp/],
    ['wrong detail-type', {}, { 'detail-type': 'ECS Service Action' }, /only accepts "ECS Task State Change" from aws\.ecs/],
    ['wrong source', {}, { source: 'custom.ecs' }, /only accepts/],
    ['detail not an object', {}, { detail: 'x' }, /event\.detail must be an object/],
    ['no id', {}, { id: '' }, /event\.id must be a non-empty string/],
    ['a 200 KB task ARN', { taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${huge}` }, {}, /^detail\.taskArn is 200045 bytes; a value used in a key may have at most 512/],
    ['a 200 KB cluster ARN', { clusterArn: `arn:aws:ecs:us-east-1:111122223333:cluster/${huge}` }, {}, /^detail\.clusterArn is 200043 bytes/],
    ['a 200 KB group', { group: `service:${huge}` }, {}, /^detail\.group is 200008 bytes/],
    ['a 200 KB startedBy', { startedBy: huge }, {}, /^detail\.startedBy is 200000 bytes/],
    ['a 200 KB event id', {}, { id: huge }, /^event\.id is 200000 bytes/],
  ];
  for (const [name, detail, extra, message] of malformed) {
    it(`rejects an event with ${name}`, () => {
      assert.throws(() => parseTaskStateChange(taskStateChange(detail, extra)), (error: unknown) => {
        assert.ok(error instanceof MalformedEventError);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  for (const value of [null, 'text', 42, [], {}]) {
    it(`rejects ${JSON.stringify(value)} as an event`, () => {
      assert.throws(() => parseTaskStateChange(value), MalformedEventError);
    });
  }
});

describe('compareTaskVersions', () => {
  const cases: Array<[string, number | undefined, number, string]> = [
    ['first event for a task', undefined, 1, 'apply'],
    ['next version', 3, 4, 'apply'],
    ['a version that skipped some', 3, 9, 'apply'],
    ['the same version again (redelivery)', 3, 3, 'duplicate'],
    ['an older version arriving late', 5, 2, 'stale'],
    ['version 0 after nothing', undefined, 0, 'apply'],
  ];
  for (const [name, stored, incoming, verdict] of cases) {
    it(`${name}: stored ${stored}, incoming ${incoming} → ${verdict}`, () => {
      assert.equal(compareTaskVersions(stored, incoming), verdict);
    });
  }
});

describe('taskFailure', () => {
  const stopped = (detail: Record<string, unknown>) =>
    parseTaskStateChange(taskStateChange({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', version: 6, stoppedAt: '2026-11-20T10:05:00Z', ...detail }));
  const container = (exitCode: number | undefined, reason?: string) => [{ name: 'web', lastStatus: 'STOPPED', exitCode, reason }];

  const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
    ['a running task', { lastStatus: 'RUNNING', desiredStatus: 'RUNNING', stoppedAt: undefined }, undefined],
    ['a clean user stop', { stopCode: 'UserInitiated', stoppedReason: 'Scaling in', containers: container(0) }, undefined],
    ['a deployment replacing the task', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task replaced', containers: container(0) }, undefined],
    [
      'an essential container crash',
      { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: container(1) },
      'EssentialContainerExited: Essential container in task exited; container web exited with code 1',
    ],
    [
      'an image that cannot be pulled',
      { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied', containers: container(undefined) },
      'TaskFailedToStart: CannotPullContainerError: pull access denied',
    ],
    [
      'a user stop of a task whose container had crashed',
      { stopCode: 'UserInitiated', stoppedReason: 'Stopped by operator', containers: container(137, 'OutOfMemoryError: Container killed due to memory usage') },
      'UserInitiated: Stopped by operator; container web exited with code 137 (OutOfMemoryError: Container killed due to memory usage)',
    ],
    ['a Spot interruption', { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.', containers: container(undefined) }, 'SpotInterruption: Your Spot Task was interrupted.'],
  ];
  for (const [name, detail, expected] of cases) {
    it(`${name} → ${expected ?? 'not a failure'}`, () => {
      assert.equal(taskFailure(stopped(detail)), expected);
    });
  }

});
