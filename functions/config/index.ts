/** Stored service configurations (deploy and scaling sections) and cleanup settings, read by every workflow. */
export { ConfigStore, ConfigConflictError, type StoredConfig, type StoredServiceConfig } from './adapters/config-store.ts';
/** For hot paths: which services an image push or an alarm concerns, in one read and without the schema library. */
export { ConfigLookups, type ServiceTrackingRepository } from './adapters/config-lookups.ts';
export { parseServiceConfig, type ServiceConfig } from './service-config.ts';
