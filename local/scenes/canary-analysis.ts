import { pushImage } from '../sample-blue-green.ts';
import { newestDeployment, servingSummary, watchDeploy } from './deploy-view.ts';
import { harbormaster, say, type Scene } from './scene.ts';

/**
 * Canary analysis (services.shop.deploy.analysis): after green took its 25 %, an analysis step measures its 5xx rate
 * and p99 latency against blue's, from the target groups' metrics the local AWS synthesises from each task. A good
 * image is promoted by it; a bad one (its tasks answer 5xx and slowly) is rolled back by it, the reason naming the value.
 */
export const canaryAnalysis: Scene = {
  title: 'Canary analysis: shop:v4 passes its measurements and is promoted; shop:v5 answers 5xx and slowly, and is rolled back',
  async run(context) {
    const { shop } = context.demo;
    const good = await newestDeployment(context, shop);
    await pushImage(shop, 'v4');
    await watchDeploy(context, shop, good, 'SUCCEEDED');
    await servingSummary(shop);

    const bad = await newestDeployment(context, shop);
    // Green's tasks are the next ones of the family to start; blue's are running already and keep serving well.
    context.aws.runtime.faults.degradeServing({ taskDefinitionFamily: shop.family, errorRate: 0.2, p99Ms: 812 });
    try {
      await pushImage(shop, 'v5');
      const ended = await watchDeploy(context, shop, bad, 'ROLLED_BACK');
      say(`Rolled back: ${String(ended['reason'])}`);
    } finally {
      context.aws.runtime.faults.clear();
    }
    await servingSummary(shop);
    await harbormaster(['deploys', shop.service]);
  },
};
