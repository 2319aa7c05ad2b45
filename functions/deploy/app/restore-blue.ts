import type { TaskSet } from '@aws-sdk/client-ecs';
import type { BlueGreenAws, WeightedRoute } from '../adapters/blue-green-aws.ts';

/** What putting a service back on blue needs to know of its deployment. */
export interface BlueRestore {
  cluster: string;
  service: string;
  deploymentId: string;
  blueTaskSetArn: string;
  blueTargetGroupArn: string;
  greenTargetGroupArn: string;
  production: WeightedRoute;
  test?: WeightedRoute;
}

/**
 * Production (and test) traffic back to blue (blue 100 / green 0), blue primary again, and every task set of this
 * deployment (`externalId` = deployment id) deleted; blue itself is never touched. Used by the machine's rollback and
 * by the execution reconciler, so it is safe to repeat and to race: a task set already gone counts as deleted.
 */
export async function restoreBlue(aws: BlueGreenAws, target: BlueRestore): Promise<{ deletedTaskSetArns: string[] }> {
  const { cluster, service, deploymentId } = target;
  const toBlue = [
    { targetGroupArn: target.blueTargetGroupArn, weight: 100 },
    { targetGroupArn: target.greenTargetGroupArn, weight: 0 },
  ];
  await aws.setWeights(target.production, toBlue);
  if (target.test) await aws.setWeights(target.test, toBlue);
  const taskSets = (await aws.describeService(cluster, service))?.taskSets ?? [];
  const primary = taskSets.find((taskSet) => taskSet.status === 'PRIMARY');
  if (primary?.taskSetArn !== target.blueTaskSetArn) await aws.setPrimaryTaskSet(cluster, service, target.blueTaskSetArn);
  const green = greenTaskSets(taskSets, deploymentId);
  for (const taskSet of green) {
    await aws.deleteTaskSet(cluster, service, taskSet.taskSetArn ?? '').catch(async (error: unknown) => {
      // A racing restore (the reconciler and `unlock --force`, or a retried rollback) may have deleted it first; ECS
      // says so with TaskSetNotFoundException (moto: a ClientException), so the service itself is asked.
      if (isTaskSetGone(error)) return;
      const after = (await aws.describeService(cluster, service))?.taskSets ?? [];
      if (greenTaskSets(after, deploymentId).some((candidate) => candidate.taskSetArn === taskSet.taskSetArn)) throw error;
    });
  }
  return { deletedTaskSetArns: green.map((taskSet) => taskSet.taskSetArn ?? '') };
}

/** The task sets a deployment created: CreateTaskSet carries the deployment id as `externalId`. */
export function greenTaskSets(taskSets: TaskSet[], deploymentId: string): TaskSet[] {
  return taskSets.filter((taskSet) => taskSet.externalId === deploymentId && taskSet.status !== 'INACTIVE');
}

function isTaskSetGone(error: unknown): boolean {
  const cause = (error as { cause?: { name?: string } } | undefined)?.cause;
  return cause?.name === 'TaskSetNotFoundException';
}
