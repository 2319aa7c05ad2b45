import { pushImage } from '../sample-blue-green.ts';
import { newestDeployment, servingSummary, watchDeploy } from './deploy-view.ts';
import { say, type Scene } from './scene.ts';

/** A push of a new image deploys the service: green comes up beside blue, takes 25 % of traffic, bakes, then all of it. */
export const canaryDeploy: Scene = {
  title: 'Canary deploy on push: pushing shop:v2 to ECR deploys demo/shop (canary 25 %, see services.shop.deploy)',
  async run(context) {
    const { shop } = context.demo;
    const before = await newestDeployment(context, shop);
    await pushImage(shop, 'v2');
    await watchDeploy(context, shop, before, 'SUCCEEDED', () => {
      say(`(the first deploy started ${context.milestones.reach('first deploy started').toFixed(1)} s after npm start)`);
    });
    const seconds = context.milestones.reach('first deploy succeeded');
    await servingSummary(shop);
    say(`First service deployed ${seconds.toFixed(1)} s after npm start.`);
  },
};
