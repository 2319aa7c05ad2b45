import type { ServiceConfig } from './service-config.ts';

/**
 * Lookup items, written with each service configuration in one transaction (ConfigStore) so that the hot paths find
 * the services an event concerns with one Query, without reading or validating any configuration (docs/decisions/0004):
 *
 *   LOOKUP#REPOSITORY#<repository> / DEPLOY#SERVICE#<cluster>#<service>   a service deploying pushes of the repository
 *   LOOKUP#ALARM#<alarmName>       / SCALING#SERVICE#<cluster>#<service>  a service with a scaling policy on the alarm
 *
 * The sort key's first part says what the service does with it, so other uses of a repository or an alarm can share
 * the partition. Pure mapping, no I/O (type-only import of the schema: no schema library is loaded).
 */

export interface LookupKey {
  pk: string;
  sk: string;
}

export type LookupItem = LookupKey & Record<string, unknown>;

export const LOOKUP_PURPOSE = { deploy: 'DEPLOY#', scaling: 'SCALING#' } as const;

export const repositoryLookupPartition = (repository: string) => `LOOKUP#REPOSITORY#${repository}`;
export const alarmLookupPartition = (alarmName: string) => `LOOKUP#ALARM#${alarmName}`;
const serviceSortKey = (purpose: string, cluster: string, service: string) => `${purpose}SERVICE#${cluster}#${service}`;

/** Every lookup item a configuration needs, at its revision. */
export function lookupItemsOf(config: ServiceConfig, revision: number): LookupItem[] {
  const { cluster, service } = config;
  const items: LookupItem[] = [];
  if (config.deploy) {
    const { repository, tagPattern } = config.deploy.image;
    items.push({
      pk: repositoryLookupPartition(repository),
      sk: serviceSortKey(LOOKUP_PURPOSE.deploy, cluster, service),
      kind: 'repository-lookup',
      cluster,
      service,
      repository,
      tagPattern,
      configRevision: revision,
    });
  }
  for (const { alarmName } of config.scaling?.policies ?? []) {
    items.push({
      pk: alarmLookupPartition(alarmName),
      sk: serviceSortKey(LOOKUP_PURPOSE.scaling, cluster, service),
      kind: 'alarm-lookup',
      cluster,
      service,
      alarmName,
      configRevision: revision,
    });
  }
  return items;
}

export const lookupKeyId = (key: LookupKey) => `${key.pk}\n${key.sk}`;
