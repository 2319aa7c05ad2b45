import { DeploymentStore, type StoredDeployment } from '../../functions/deploy/adapters/deployment-store.ts';
import { isEnded } from '../../functions/deploy/domain/deployment.ts';
import { productionWeights, taskSets, type BlueGreenService } from '../sample-blue-green.ts';
import { poll, say, type SceneContext } from './scene.ts';

/**
 * A live view of one blue/green deploy: each step as the machine records it, then the outcome. (`harbormaster deploys
 * SERVICE` and `status --watch` show the same from a second terminal.)
 */

export function deploymentStore(context: SceneContext): DeploymentStore {
  return new DeploymentStore(context.documents, context.tables);
}

/** The newest deployment of the service, if any. */
export async function newestDeployment(context: SceneContext, target: BlueGreenService): Promise<StoredDeployment | undefined> {
  return (await deploymentStore(context).history(target.cluster, target.service, 1))[0];
}

/**
 * Waits for the deploy that started after `previous` (the newest deployment before the push), prints each step as it
 * is recorded, and returns the deployment once it has ended. `onStart` runs when the deployment first shows.
 */
export async function followDeploy(
  context: SceneContext,
  target: BlueGreenService,
  previous: StoredDeployment | undefined,
  onStart: (deployment: StoredDeployment) => void = () => undefined,
): Promise<StoredDeployment> {
  const store = deploymentStore(context);
  const started = await poll(`a deploy of ${target.cluster}/${target.service}`, async () => {
    const newest = await newestDeployment(context, target);
    return newest && newest.deploymentId !== previous?.deploymentId ? newest : undefined;
  });
  onStart(started);
  say(`${started.deploymentId}: ${String(started['trigger'] ?? 'deploy')} of ${shortImage(started)}`);
  const shown = new Set<string>();
  let current = started;
  for (;;) {
    // Read before the steps: a deployment's steps are all recorded before it ends.
    const ended = isEnded(current.status);
    const steps = await store.steps(target.cluster, target.service, started.deploymentId);
    for (const step of steps) {
      const key = `${String(step['name'])}@${String(step['startedAt'])}`;
      if (shown.has(key) || step['outcome'] === undefined) continue;
      shown.add(key);
      say(`  ${step['outcome'] === 'SUCCEEDED' ? '✓' : '✗'} ${stepLine(step)}`);
    }
    if (ended) return current;
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = (await store.getDeployment(target.cluster, target.service, started.deploymentId)) ?? current;
  }
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
  return `traffic ${traffic.join(', ')}; task sets ${sets.join(', ')}`;
}

/** Reasons name every stopped task; the first line of one is enough here. */
const MAX_DETAIL = 220;

function stepLine(step: Record<string, unknown>): string {
  const seconds = (Date.parse(String(step['endedAt'])) - Date.parse(String(step['startedAt']))) / 1000;
  const traffic = typeof step['greenWeight'] === 'number' ? `green ${step['greenWeight']} %` : '';
  const joined = [traffic, step['reason'], step['note']].filter((part) => typeof part === 'string' && part !== '').join(', ');
  const detail = joined.length > MAX_DETAIL ? `${joined.slice(0, MAX_DETAIL)}…` : joined;
  return `${String(step['name']).padEnd(18)} ${Number.isFinite(seconds) ? `${seconds.toFixed(1).padStart(5)} s` : ''}  ${detail}`.trimEnd();
}

function shortImage(deployment: StoredDeployment): string {
  const tag = deployment['repository'] && deployment['tag'] ? `${String(deployment['repository'])}:${String(deployment['tag'])}` : String(deployment['image'] ?? '');
  const digest = typeof deployment['digest'] === 'string' ? ` (${deployment['digest'].slice(0, 19)}…)` : '';
  return `${tag}${digest}`;
}
