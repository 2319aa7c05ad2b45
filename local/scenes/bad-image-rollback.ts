import { pushImage } from '../sample-blue-green.ts';
import { followDeploy, newestDeployment, servingSummary } from './deploy-view.ts';
import { say, type Scene } from './scene.ts';

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
      const deployment = await followDeploy(context, shop, before);
      if (deployment.status !== 'ROLLED_BACK') throw new Error(`The bad image's deploy ended ${deployment.status}, not ROLLED_BACK`);
      say(`${deployment.status}: ${await servingSummary(shop)}`);
    } finally {
      context.aws.runtime.faults.clear();
    }
  },
};
