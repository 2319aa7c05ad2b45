/** What other capabilities may use of ingestion: event shapes they react to, its store of rejected events, and a service's recorded events. */
export type { ImagePush } from './domain/image-push.ts';
export { taskFailure, type ContainerState, type TaskState } from './domain/task-state.ts';
export { defaultDependencies } from './handlers/dependencies.ts';
export { ServiceEventsReader } from './adapters/service-events-reader.ts';
