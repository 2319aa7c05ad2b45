import { z } from 'zod';
import { deployConfigSchema } from '../deploy/config.ts';
import { scalingConfigSchema } from '../scaling/config.ts';
import { InvalidConfigError, issueMessages } from '../kernel/config-errors.ts';

/**
 * Per-service configuration (docs/decisions/0004): which cluster/service it is, and optional sections owned by
 * the workflows that read them — `deploy` (blue/green on image push) and `scaling` (step scaling). Stored in the
 * state table as pk CONFIG / sk SERVICE#<cluster>#<service>; validated here before it is stored.
 */

/** ECS names: up to 255 letters, digits, hyphens and underscores. */
export const ecsName = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1–255 letters, digits, hyphens or underscores');

export const serviceConfigSchema = z
  .object({
    /** What operators call it: its key under `services` in harbormaster.yml (absent for configurations stored by code). */
    name: z.optional(ecsName),
    cluster: ecsName,
    service: ecsName,
    /** Blue/green deploys on image push (issue 3): functions/deploy/config.ts. */
    deploy: z.optional(deployConfigSchema),
    /** Step scaling from CloudWatch alarms (issue 4): functions/scaling/config.ts. */
    scaling: z.optional(scalingConfigSchema),
  })
  .strict();

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

/** Validates untrusted input (a YAML document, a stored item) into a ServiceConfig, or throws InvalidConfigError. */
export function parseServiceConfig(input: unknown): ServiceConfig {
  const result = serviceConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidConfigError(describeSubject(input), issueMessages(result.error));
}

function describeSubject(input: unknown): string {
  if (typeof input === 'object' && input !== null) {
    const { cluster, service } = input as { cluster?: unknown; service?: unknown };
    if (typeof cluster === 'string' && typeof service === 'string') return `service ${cluster}/${service}`;
  }
  return 'a service';
}
