import { z } from 'zod';
import { cleanupSection } from '../cleanup/config.ts';
import { deployConfigSchema } from '../deploy/config.ts';
import { notificationsSection } from '../notify/config.ts';
import { scalingConfigSchema } from '../scaling/config.ts';
import { schedulesSection } from '../schedules/config.ts';
import type { ConfigEntry, ConfigSection } from '../kernel/config-sections.ts';
import { ecsName } from './service-config.ts';

/**
 * harbormaster.yml: one declarative file per stage (docs/decisions/0014). Each top-level section belongs to the
 * capability it configures; this file only composes them. `services` is keyed by the name operators use in the CLI.
 */

const serviceEntrySchema = z
  .object({
    cluster: ecsName.meta({ description: 'The ECS cluster the service runs in.' }),
    service: z.optional(ecsName).meta({ description: 'The ECS service name, when it differs from the key under `services`.' }),
    deploy: z.optional(deployConfigSchema).meta({
      description:
        'Blue/green deploys on image push: ECS task sets (the service uses the EXTERNAL deployment controller) behind two ALB target groups. Minutes may be fractions (0.5 = 30 s).',
    }),
    scaling: z.optional(scalingConfigSchema).meta({ description: 'Step scaling from CloudWatch alarms, with the semantics of Application Auto Scaling step policies.' }),
  })
  .strict();

const servicesSection: ConfigSection = {
  key: 'services',
  schema: z
    .record(ecsName, serviceEntrySchema)
    .default({})
    .superRefine((services, context) => {
      const seen = new Map<string, string>();
      for (const [name, entry] of Object.entries(services)) {
        const id = `${entry.cluster}/${entry.service ?? name}`;
        const first = seen.get(id);
        if (first !== undefined) context.addIssue({ code: 'custom', message: `${id} is already configured as ${first}`, path: [name] });
        seen.set(id, name);
      }
    })
    .meta({ description: 'The ECS services Harbormaster manages, keyed by the name the CLI knows them by; each cluster/service may be configured once.' }),
  entries: (value) =>
    Object.entries(value as Record<string, z.infer<typeof serviceEntrySchema>>).map(([name, { cluster, service, ...sections }]): ConfigEntry => {
      const config = { name, cluster, service: service ?? name, ...sections };
      return { id: `${config.cluster}/${config.service}`, label: name, path: ['services', name], value: config };
    }),
};

/** Every section, in the order plan lists them; later capabilities add theirs here. */
export const CONFIG_SECTIONS: readonly ConfigSection[] = [servicesSection, cleanupSection, schedulesSection, notificationsSection];

export const stageConfigSchema = z
  .object(Object.fromEntries(CONFIG_SECTIONS.map((section) => [section.key, section.schema])))
  .strict()
  .superRefine((file, context) => {
    for (const section of CONFIG_SECTIONS) {
      for (const issue of section.crossCheck?.(file[section.key], file) ?? []) context.addIssue({ code: 'custom', ...issue });
    }
  })
  .meta({ title: 'harbormaster.yml', description: 'Harbormaster configuration for one stage: `harbormaster validate`, `plan`, `apply`.' });

/** What a validated file declares, section by section. */
export type DeclaredEntries = Map<string, ConfigEntry[]>;

export function declaredEntries(config: Record<string, unknown>): DeclaredEntries {
  return new Map(CONFIG_SECTIONS.map((section) => [section.key, section.entries(config[section.key])]));
}
