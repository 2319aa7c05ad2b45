/**
 * SDK clients that talk to moto directly (bypassing the proxy), so the runtime's own calls are never
 * observed and re-emitted.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client, DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, type NetworkConfiguration } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface UpstreamClients {
  ecs: ECSClient;
  ec2: EC2Client;
  ecr: ECRClient;
  cloudwatch: CloudWatchClient;
  elb: ElasticLoadBalancingV2Client;
  destroy(): void;
}

export function createUpstreamClients(endpoint: string, region = 'us-east-1'): UpstreamClients {
  // maxAttempts 1: moto answers unimplemented calls with an HTML 500 that the SDK would retry.
  const config = { endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
  const ecs = new ECSClient(config);
  const ec2 = new EC2Client(config);
  const ecr = new ECRClient(config);
  const cloudwatch = new CloudWatchClient(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  return {
    ecs,
    ec2,
    ecr,
    cloudwatch,
    elb,
    destroy() {
      elb.destroy();
      ecs.destroy();
      ec2.destroy();
      ecr.destroy();
      cloudwatch.destroy();
    },
  };
}

/** awsvpc tasks need subnets and a security group in moto: the default VPC's serve. */
export async function defaultNetworkConfiguration(ec2: EC2Client): Promise<NetworkConfiguration> {
  const [subnets, groups] = await Promise.all([
    ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] })),
    ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] })),
  ]);
  const subnetIds = (subnets.Subnets ?? []).flatMap((subnet) => (subnet.SubnetId ? [subnet.SubnetId] : []));
  const groupIds = (groups.SecurityGroups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : []));
  return { awsvpcConfiguration: { subnets: subnetIds.slice(0, 1), securityGroups: groupIds.slice(0, 1) } };
}
