/** Stored service configurations (deploy and scaling sections) and cleanup settings, read by every workflow. */
export { ConfigStore, ConfigConflictError, type StoredConfig, type StoredServiceConfig } from './adapters/config-store.ts';
/** For hot paths: which services an image push or an alarm concerns, in one read and without the schema library. */
export { ConfigLookups, type ServiceTrackingRepository } from './adapters/config-lookups.ts';
export { parseServiceConfig, type ServiceConfig } from './service-config.ts';
/** harbormaster.yml: reading it with positions, its sections, and plan/apply against the stored configurations. */
export { readConfigText, formatProblem, type ConfigProblem, type ConfigFileResult } from './config-file.ts';
export { CONFIG_SECTIONS, stageConfigSchema, type DeclaredEntries } from './stage-config.ts';
export { ConfigSync, configStores, type SectionStore, type AppliedChange } from './app/config-sync.ts';
export type { ConfigPlan, EntryChange, FieldChange, StoredEntry } from './domain/config-plan.ts';
/** `harbormaster init`: what ECS and ELB say of an existing service (domain/starter-config.ts makes the starter). */
export { ServiceFactsReader, ServiceNotFoundError } from './adapters/service-facts.ts';
