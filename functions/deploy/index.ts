/** What other capabilities and the CLI may use of blue/green deploys: the push trigger, green's stability waiters, the operator controls and status. */
export { deploymentIdFor, pinnedImageUri, servicesTrackingPush } from './domain/deploy-trigger.ts';
export { StabilityWaiters } from './adapters/stability-waiters.ts';
export { TaskTokens } from './adapters/task-tokens.ts';
export { deployDependencies, deployLauncher } from './handlers/dependencies.ts';
export { operatorDeployControls, type OperatorClients } from './app/operator-controls.ts';
export { DeployControls, DeployControlError } from './app/controls.ts';
export type { StoredDeployment } from './adapters/deployment-store.ts';
/** What `harbormaster status` and `harbormaster deploys` show of a service. */
export { ServiceStatusReader, operatorServiceStatus, type StatusTarget } from './app/service-status.ts';
export {
  imageRef,
  revisionOf,
  strategyLabel,
  statusFingerprint,
  watchVerdict,
  type DeploymentRecord,
  type DeployProgress,
  type ServiceStatus,
  type StepProgress,
  type TaskSetStatus,
  type WatchVerdict,
} from './domain/service-status.ts';
