import { pushImage } from '../sample-blue-green.ts';
import { newestDeployment, servingSummary, watchDeploy } from './deploy-view.ts';
import { harbormaster, type Scene } from './scene.ts';

/** An image whose tasks crash never gets production traffic for long: green's stopped tasks roll the deploy back. */
export const badImageRollback: Scene = {
  title: 'A bad image rolled back: shop:v3 crashes on start (exit code 1); its deploy rolls back to blue',
  async run(context) {
    const { shop } = context.demo;
    const before = await newestDeployment(context, shop);
    // Green's tasks are the next ones of the family to start; blue's are running already.
    context.aws.runtime.faults.crashTasks({ taskDefinitionFamily: shop.family, exitCode: 1, afterMs: 200 });
    try {
      await pushImage(shop, 'v3');
      await watchDeploy(context, shop, before, 'ROLLED_BACK');
      await servingSummary(shop);
    } finally {
      context.aws.runtime.faults.clear();
    }
    await harbormaster(['deploys', shop.service]);
  },
};
