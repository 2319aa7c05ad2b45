import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeployPreparationError } from '../../../../functions/kernel/errors.ts';
import { cloneWithImage } from '../../../../functions/deploy/domain/task-definition-clone.ts';

const IMAGE = '111122223333.dkr.ecr.us-east-1.amazonaws.com/web@sha256:' + 'cd'.repeat(32);

/** A DescribeTaskDefinition answer, read-only fields included. */
const live = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:7',
  family: 'web',
  revision: 7,
  status: 'ACTIVE',
  registeredAt: '2026-11-01T10:00:00Z',
  registeredBy: 'arn:aws:iam::111122223333:role/deployer',
  compatibilities: ['EC2', 'FARGATE'],
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
  taskRoleArn: 'arn:aws:iam::111122223333:role/web-task',
  executionRoleArn: 'arn:aws:iam::111122223333:role/web-execution',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
  ephemeralStorage: { sizeInGiB: 30 },
  volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED' } }],
  placementConstraints: [],
  containerDefinitions: [
    {
      name: 'app',
      image: 'web:v1',
      portMappings: [{ containerPort: 8080, hostPort: 8080 }],
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } },
      mountPoints: [{ sourceVolume: 'shared', containerPath: '/data' }],
    },
    { name: 'envoy', image: 'envoy:1.30' },
  ],
};
const tags = [{ key: 'team', value: 'payments' }];

describe('cloneWithImage', () => {
  it('replaces only the named containers\' images and keeps every registrable field', () => {
    const clone = cloneWithImage(live, tags, ['app'], IMAGE);
    assert.deepEqual(clone, {
      family: 'web',
      taskRoleArn: live.taskRoleArn,
      executionRoleArn: live.executionRoleArn,
      networkMode: 'awsvpc',
      containerDefinitions: [{ ...live.containerDefinitions[0], image: IMAGE }, live.containerDefinitions[1]],
      volumes: live.volumes,
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      ephemeralStorage: { sizeInGiB: 30 },
      runtimePlatform: live.runtimePlatform,
      tags,
    });
  });

  it('drops what RegisterTaskDefinition rejects (ARN, revision, status, registration, compatibilities, attributes)', () => {
    const clone = cloneWithImage(live, [], ['app'], IMAGE);
    for (const field of ['taskDefinitionArn', 'revision', 'status', 'registeredAt', 'registeredBy', 'compatibilities', 'requiresAttributes', 'tags', 'placementConstraints']) {
      assert.equal(field in clone, false, field);
    }
  });

  it('can replace several containers', () => {
    const clone = cloneWithImage(live, undefined, ['app', 'envoy'], IMAGE);
    assert.deepEqual((clone['containerDefinitions'] as { image: string }[]).map((container) => container.image), [IMAGE, IMAGE]);
  });

  it('does not change the live definition it was given', () => {
    const before = structuredClone(live);
    cloneWithImage(live, tags, ['app'], IMAGE);
    assert.deepEqual(live, before);
  });

  it('refuses a container name the task definition does not have, naming the ones it has', () => {
    assert.throws(() => cloneWithImage(live, tags, ['web'], IMAGE), (error: unknown) => error instanceof DeployPreparationError && /no container named web \(it has app, envoy\)/.test(error.message));
  });
});
