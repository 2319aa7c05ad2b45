import { createHash } from 'node:crypto';
import { PutMetricAlarmCommand, SetAlarmStateCommand, type CloudWatchClient, type ComparisonOperator } from '@aws-sdk/client-cloudwatch';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PutImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand, type AwsVpcConfiguration, type TaskDefinition } from '@aws-sdk/client-ecs';
import type { AwsClientConfig } from './local-aws.ts';

/** Small ECS building blocks shared by `npm start` and the tests that drive the local AWS like a user would. */

/** The default VPC's first subnet and security group, which moto creates in every region. */
export async function defaultAwsvpcConfiguration(config: AwsClientConfig): Promise<AwsVpcConfiguration> {
  const ec2 = new EC2Client(config);
  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  return { subnets: subnets.slice(0, 1).map((subnet) => subnet.SubnetId as string), securityGroups: groups.slice(0, 1).map((group) => group.GroupId as string) };
}

/** A one-container Fargate task definition (moto requires container memory for Fargate tasks). */
export async function registerFargateTaskDefinition(ecs: ECSClient, family: string, image: string): Promise<TaskDefinition> {
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: family, image, memory: 512, essential: true }],
    }),
  );
  if (!taskDefinition) throw new Error(`RegisterTaskDefinition returned no task definition for ${family}`);
  return taskDefinition;
}

/**
 * Pushes an image manifest to ECR (the local runtime then emits the `ECR Image Action` event) and returns its digest.
 * moto derives the digest from the layer digests, so each distinct `build` yields a distinct digest.
 */
export async function pushEcrImage(ecr: ECRClient, repository: string, tag: string, build = tag): Promise<string> {
  const layer = `sha256:${createHash('sha256').update(`${repository}:${build}`).digest('hex')}`;
  const manifest = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: {}, layers: [{ digest: layer }] };
  const { image } = await ecr.send(new PutImageCommand({ repositoryName: repository, imageTag: tag, imageManifest: JSON.stringify(manifest) }));
  const digest = image?.imageId?.imageDigest;
  if (!digest) throw new Error(`PutImage returned no digest for ${repository}:${tag}`);
  return digest;
}

/** An ECS-controller Fargate service running `desiredCount` tasks of a one-container task definition. */
export async function createEcsService(config: AwsClientConfig, options: { cluster: string; service: string; image: string; desiredCount: number }): Promise<void> {
  const ecs = new ECSClient(config);
  const taskDefinition = await registerFargateTaskDefinition(ecs, options.service, options.image);
  await ecs.send(
    new CreateServiceCommand({
      cluster: options.cluster,
      serviceName: options.service,
      taskDefinition: taskDefinition.taskDefinitionArn,
      desiredCount: options.desiredCount,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: await defaultAwsvpcConfiguration(config) },
    }),
  );
}

/** A CPU alarm of an ECS service (AWS/ECS CPUUtilization, average over a minute); moto creates it in OK and never evaluates it. */
export async function createCpuAlarm(
  cloudwatch: CloudWatchClient,
  alarm: { name: string; cluster: string; service: string; threshold: number; comparison: ComparisonOperator },
): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarm.name,
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: alarm.cluster },
        { Name: 'ServiceName', Value: alarm.service },
      ],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: alarm.threshold,
      ComparisonOperator: alarm.comparison,
    }),
  );
}

/** What CloudWatch does when an alarm fires (moto evaluates no alarm): the datapoints it evaluated travel in reasonData. */
export async function fireAlarm(cloudwatch: CloudWatchClient, name: string, datapoint: number): Promise<void> {
  await cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: name,
      StateValue: 'ALARM',
      StateReason: `Threshold Crossed: 1 datapoint [${datapoint}] crossed the threshold`,
      StateReasonData: JSON.stringify({ version: '1.0', statistic: 'Average', period: 60, recentDatapoints: [datapoint] }),
    }),
  );
}

export async function resolveAlarm(cloudwatch: CloudWatchClient, name: string): Promise<void> {
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'Threshold no longer crossed' }));
}
