import { MalformedEventError } from './errors.ts';
import { assertKeyPart, preview } from './validate.ts';

/**
 * ECS ARN parsing. ECS has two ARN formats: the long one (`service/<cluster>/<service>`, `task/<cluster>/<id>`) and
 * the legacy short one without the cluster; callers pass the cluster ARN they already know for the short form.
 */

const ARN_PATTERN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:([a-z-]+)\/(.+)$/;

function ecsResource(arn: string, field: string, expectedType: string): string {
  // Bounded first: names taken from an ARN go into keys, and a huge value is not worth matching.
  assertKeyPart(arn, field);
  const match = ARN_PATTERN.exec(arn);
  if (!match || match[1] !== expectedType) {
    throw new MalformedEventError(field, `must be an ECS ${expectedType} ARN (got ${preview(arn)})`);
  }
  return match[2] as string;
}

export function clusterNameFromArn(clusterArn: string, field: string): string {
  return ecsResource(clusterArn, field, 'cluster');
}

/** Service name from a service ARN, long (`service/cluster/name`) or legacy (`service/name`) format. */
export function serviceNameFromArn(serviceArn: string, field: string): string {
  const path = ecsResource(serviceArn, field, 'service');
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Cluster name from a long-format service ARN, or undefined for the legacy format. */
export function clusterNameFromServiceArn(serviceArn: string, field: string): string | undefined {
  const path = ecsResource(serviceArn, field, 'service');
  const slash = path.indexOf('/');
  return slash === -1 ? undefined : path.slice(0, slash);
}

/**
 * Family and revision of a task definition ARN. The revision is optional: an ARN of the family alone (which ECS
 * accepts wherever it takes a task definition) must not cost the whole event, and no decision needs the revision.
 */
export function taskDefinitionFromArn(taskDefinitionArn: string, field: string): { family: string; revision?: number } {
  const path = ecsResource(taskDefinitionArn, field, 'task-definition');
  const match = /^([A-Za-z0-9_-]{1,255})(?::(\d+))?$/.exec(path);
  if (!match) throw new MalformedEventError(field, `must end in a family name, optionally with :revision (got ${preview(taskDefinitionArn)})`);
  return match[2] === undefined ? { family: match[1] as string } : { family: match[1] as string, revision: Number(match[2]) };
}

/** ECS sets a service's tasks' group to `service:<name>`; standalone tasks have `family:<name>` or a custom group. */
export function serviceNameFromGroup(group: string | undefined): string | undefined {
  return group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
}
