/** Stored service configurations (deploy and scaling sections) and cleanup settings, read by every workflow. */
export { ConfigStore, ConfigConflictError, type StoredConfig, type StoredServiceConfig } from './adapters/config-store.ts';
export { parseServiceConfig, type ServiceConfig } from './service-config.ts';
