import { ConfigStore, type StoredServiceConfig } from '../functions/config/index.ts';
import { CliError } from './errors.ts';
import type { Session } from './session.ts';

/** A service as the CLI knows it: its name in harbormaster.yml, where it runs, and its stored configuration. */
export interface KnownService {
  name: string;
  cluster: string;
  service: string;
  stored: StoredServiceConfig;
}

/** Every configured service of the stage, by name. */
export async function knownServices(session: Session): Promise<KnownService[]> {
  const stack = await session.stack();
  const stored = await session.call('read the service configurations', () => new ConfigStore(session.documents, stack.tables.state).listServiceConfigs());
  return stored
    .map((entry) => ({ name: entry.config.name ?? entry.config.service, cluster: entry.config.cluster, service: entry.config.service, stored: entry }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.cluster.localeCompare(b.cluster));
}

/**
 * Resolves a SERVICE argument: its name in harbormaster.yml, `cluster/service`, or the ECS service name when only one
 * cluster has it.
 */
export async function resolveService(session: Session, argument: string): Promise<KnownService> {
  const services = await knownServices(session);
  const byName = services.filter((known) => known.name === argument || `${known.cluster}/${known.service}` === argument);
  const matches = byName.length > 0 ? byName : services.filter((known) => known.service === argument);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new CliError(`${argument} names several services: ${matches.map((known) => `${known.cluster}/${known.service}`).join(', ')}`, { hint: 'Name it as cluster/service.' });
  }
  const stack = await session.stack();
  const names = services.map((known) => known.name);
  throw new CliError(`No service ${argument} is configured in stage ${stack.stage}`, {
    hint: names.length > 0 ? `Configured: ${names.join(', ')}. Add it to harbormaster.yml and run \`harbormaster apply\`.` : 'None is configured yet: declare services in harbormaster.yml and run `harbormaster apply`.',
  });
}
