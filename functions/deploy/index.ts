/** What other capabilities and the operator tools (the CLI) may use of blue/green deploys: the push trigger, green's stability waiters, the controls and status. */
export { deploymentIdFor, pinnedImageUri, servicesTrackingPush } from './domain/deploy-trigger.ts';
export { StabilityWaiters } from './adapters/stability-waiters.ts';
export { TaskTokens } from './adapters/task-tokens.ts';
export { deployControls, deployDependencies, deployLauncher } from './handlers/dependencies.ts';
export { operatorDeployControls, type OperatorClients } from './app/operator-controls.ts';
export { DeployControls, DeployControlError, type AbortAnswer, type ApproveAnswer, type ControlAnswer, type DeployPreview, type PromoteAnswer, type RollbackAnswer, type UnlockAnswer } from './app/controls.ts';
export { EcrImages, ImageResolutionError, type ResolvedImage } from './adapters/ecr-images.ts';
export type { DeploymentStore, StoredDeployment } from './adapters/deployment-store.ts';
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
  type MeasurementRow,
  type ServiceStatus,
  type StepProgress,
  type TaskSetStatus,
  type WatchVerdict,
} from './domain/service-status.ts';
export { DeployEventsReader } from './app/deploy-events-reader.ts';
