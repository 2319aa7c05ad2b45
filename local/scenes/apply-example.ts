import { checkExampleArns, EXAMPLE_FILE } from '../demo-services.ts';
import { harbormaster, type Scene } from './scene.ts';

/** Configuration as code: the committed example, checked offline, then applied to the stage through the CLI. */
export const applyExample: Scene = {
  title: 'Configuration as code: examples/harbormaster.yml configures demo/shop (blue/green), demo/api (step scaling) and cleanup',
  async run(context) {
    checkExampleArns(context.demo.shop);
    await harbormaster(['validate', '--file', EXAMPLE_FILE]);
    await harbormaster(['apply', '--file', EXAMPLE_FILE]);
    context.milestones.reach('example applied');
  },
};
