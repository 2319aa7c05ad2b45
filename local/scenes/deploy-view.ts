import { DeploymentStore, type StoredDeployment } from '../../functions/deploy/adapters/deployment-store.ts';
import { productionWeights, taskSets, type BlueGreenService } from '../sample-blue-green.ts';
import { waitFor } from '../wait.ts';
import { harbormaster, say, SCENE_TIMEOUT_MS, type SceneContext } from './scene.ts';

/**
 * A blue/green deploy as an operator watches it: `harbormaster status SERVICE --watch` from the moment the push's
 * deploy is recorded until it ends (exit 0 healthy, 1 rolled back), then what ELB and ECS say.
 */

export function deploymentStore(context: SceneContext): DeploymentStore {
  return new DeploymentStore(context.documents, context.tables);
}

/** The newest deployment of the service, if any. */
export async function newestDeployment(context: SceneContext, target: BlueGreenService): Promise<StoredDeployment | undefined> {
  return (await deploymentStore(context).history(target.cluster, target.service, 1))[0];
}

/**
 * Waits for the deploy that started after `previous` (the newest deployment before the push), runs `status --watch` on
 * it, and returns the deployment once it has ended. `onStart` runs when the deployment first shows.
 */
export async function watchDeploy(
  context: SceneContext,
  target: BlueGreenService,
  previous: StoredDeployment | undefined,
  expected: 'SUCCEEDED' | 'ROLLED_BACK',
  onStart: (deployment: StoredDeployment) => void = () => undefined,
): Promise<StoredDeployment> {
  const started = await waitFor(`a deploy of ${target.cluster}/${target.service}`, async () => {
    const newest = await newestDeployment(context, target);
    return newest && newest.deploymentId !== previous?.deploymentId ? newest : undefined;
  }, SCENE_TIMEOUT_MS);
  onStart(started);
  await harbormaster(['status', target.service, '--watch', '--interval', '500ms'], expected === 'SUCCEEDED' ? 0 : 1);
  const ended = await deploymentStore(context).getDeployment(target.cluster, target.service, started.deploymentId);
  if (ended?.status !== expected) throw new Error(`Deployment ${started.deploymentId} ended ${String(ended?.status)}, not ${expected}: ${String(ended?.['reason'] ?? '')}`);
  return ended;
}

/** Where production traffic goes (by target group name) and which task sets run, as ELB and ECS report them. */
export async function servingSummary(target: BlueGreenService): Promise<string> {
  const weights = await productionWeights(target);
  const groupName = (arn: string) => arn.split('/')[1] ?? arn;
  const traffic = [
    `${groupName(target.blueTargetGroupArn)} ${weights['blue'] ?? 0} %`,
    `${groupName(target.greenTargetGroupArn)} ${weights['green'] ?? 0} %`,
  ];
  const sets = (await taskSets(target)).map((set) => `${set.status} ${set.taskDefinition?.split('/').pop()}`);
  say(`ELB and ECS: traffic ${traffic.join(', ')}; task sets ${sets.join(', ')}`);
  return traffic.join(', ');
}
