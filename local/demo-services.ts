import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfigText } from '../functions/config/index.ts';
import type { DeployConfig } from '../functions/deploy/config.ts';
import { PROJECT_ROOT } from '../scripts/serverless-functions.ts';
import type { LocalAws } from './local-aws.ts';
import { createAlarm, createBlueGreenService, type BlueGreenService } from './sample-blue-green.ts';
import { createCpuAlarm, createEcsService } from './sample-resources.ts';

/**
 * The services examples/harbormaster.yml configures, created in the local AWS for `npm start`, which then applies the
 * example exactly as committed. The ARNs the example names are therefore the ones the local AWS creates: moto draws
 * the random part of ELB ARNs from a generator that can be seeded, so seeding it just before the load balancer, its
 * target groups and its listener are created, always in the same order, gives them the same ARNs on every run.
 * checkExampleArns says which field to change if they ever differ (a moto upgrade, another creation order).
 */

export const EXAMPLE_FILE = join(PROJECT_ROOT, 'examples', 'harbormaster.yml');
export const DEMO_CLUSTER = 'demo';
/** Any fixed value works; the example's ELB ARNs follow from it. */
const ELB_ID_SEED = 9;

export interface DemoServices {
  /** Blue/green behind an ALB; pushes of `shop:v*` deploy it. */
  shop: BlueGreenService;
  /** Step scaling from two CPU alarms. */
  api: { cluster: string; service: string; scaleOutAlarm: string; scaleInAlarm: string };
}

export async function createDemoServices(aws: LocalAws, stage: string): Promise<DemoServices> {
  await aws.moto.seed(ELB_ID_SEED);
  const shop = await createBlueGreenService(aws.clientConfig, { name: 'shop', cluster: DEMO_CLUSTER, stage, desiredCount: 2, configure: false });
  await createAlarm(shop, 'shop-5xx');
  const api = { cluster: DEMO_CLUSTER, service: 'api', scaleOutAlarm: 'api-cpu-high', scaleInAlarm: 'api-cpu-low' };
  await createEcsService(aws.clientConfig, { ...api, image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1', desiredCount: 2 });
  const cloudwatch = new CloudWatchClient(aws.clientConfig);
  await createCpuAlarm(cloudwatch, { name: api.scaleOutAlarm, cluster: api.cluster, service: api.service, threshold: 70, comparison: 'GreaterThanOrEqualToThreshold' });
  await createCpuAlarm(cloudwatch, { name: api.scaleInAlarm, cluster: api.cluster, service: api.service, threshold: 30, comparison: 'LessThanThreshold' });
  return { shop, api };
}

/** Fails, naming each field and the ARN to put there, when the example names ELB resources the local AWS did not create. */
export function checkExampleArns(shop: BlueGreenService, file = EXAMPLE_FILE): void {
  const read = readConfigText(readFileSync(file, 'utf8'));
  if (!read.ok) throw new Error(`${file} is not valid: run \`npx harbormaster validate --file ${file}\``);
  const services = read.config['services'] as Record<string, { deploy?: DeployConfig }>;
  const declared = services['shop']?.deploy?.loadBalancer;
  const field = 'services.shop.deploy.loadBalancer';
  const expected: Array<[string, string | undefined, string]> = [
    [`${field}.production.listenerArn`, declared?.production.listenerArn, shop.listenerArn],
    [`${field}.targetGroupArns[0]`, declared?.targetGroupArns[0], shop.blueTargetGroupArn],
    [`${field}.targetGroupArns[1]`, declared?.targetGroupArns[1], shop.greenTargetGroupArn],
  ];
  const wrong = expected.filter(([, named, created]) => named !== created);
  if (wrong.length === 0) return;
  throw new Error(
    `${file} names ELB resources the local AWS did not create:\n${wrong.map(([path, named, created]) => `  ${path} is ${named ?? '(absent)'}; the local AWS created ${created}`).join('\n')}\n` +
      'Put the created ARNs in the example (moto generated other identifiers from its seed: a moto upgrade, or the demo creates resources in another order).',
  );
}
