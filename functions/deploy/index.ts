/** What other capabilities may use of blue/green deploys: the push trigger and green's stability waiters. */
export { deploymentIdFor, pinnedImageUri, servicesTrackingPush } from './domain/deploy-trigger.ts';
export { StabilityWaiters } from './adapters/stability-waiters.ts';
export { TaskTokens } from './adapters/task-tokens.ts';
export { deployDependencies, deployLauncher } from './handlers/dependencies.ts';
export { operatorDeployControls, type OperatorClients } from './app/operator-controls.ts';
export { DeployControls, DeployControlError } from './app/controls.ts';
export type { StoredDeployment } from './adapters/deployment-store.ts';
export { DeployEventsReader } from './app/deploy-events-reader.ts';
