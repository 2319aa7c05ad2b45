/** What other capabilities may use of ingestion: event shapes they react to, and its store of rejected events. */
export type { ImagePush } from './domain/image-push.ts';
export { taskFailure, type ContainerState, type TaskState } from './domain/task-state.ts';
export { defaultDependencies } from './handlers/dependencies.ts';
