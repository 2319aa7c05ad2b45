import { DeployPreparationError } from '../../kernel/errors.ts';

/**
 * The green revision: the live task definition with only the images of the named containers replaced. Everything
 * RegisterTaskDefinition accepts is carried over (roles, logging, volumes and EFS, secrets, ports, sizes, placement),
 * and nothing it rejects (ARN, revision, status, registeredAt, …) is.
 */

type Json = Record<string, unknown>;

/** Every field of RegisterTaskDefinition's input that DescribeTaskDefinition returns (tags come separately). */
export const REGISTERABLE_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

export function cloneWithImage(live: Json, tags: Json[] | undefined, containers: string[], image: string): Json {
  const definitions = Array.isArray(live['containerDefinitions']) ? (live['containerDefinitions'] as Json[]) : [];
  const missing = containers.filter((name) => !definitions.some((definition) => definition['name'] === name));
  if (missing.length > 0) {
    throw new DeployPreparationError(
      `Task definition ${String(live['taskDefinitionArn'])} has no container named ${missing.join(', ')} (it has ${definitions.map((definition) => definition['name']).join(', ')}); fix deploy.image.containers`,
    );
  }
  const clone: Json = {};
  for (const field of REGISTERABLE_FIELDS) {
    const value = live[field];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) clone[field] = structuredClone(value);
  }
  clone['containerDefinitions'] = definitions.map((definition) =>
    containers.includes(String(definition['name'])) ? { ...structuredClone(definition), image } : structuredClone(definition),
  );
  if (tags && tags.length > 0) clone['tags'] = structuredClone(tags);
  return clone;
}
