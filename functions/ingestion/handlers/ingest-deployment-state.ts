import { parseDeploymentStateChange } from '../domain/service-events.ts';
import { defaultDependencies } from './dependencies.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';

/** `ECS Deployment State Change` → the newest state of each ECS-managed deployment. */
const { store, logger } = defaultDependencies();

export const handler = ingestionHandler({
  parse: parseDeploymentStateChange,
  apply: (deployment) => store.recordEcsDeployment(deployment),
  store,
  logger,
});
