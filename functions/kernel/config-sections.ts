import type { z } from 'zod';

/**
 * A top-level section of harbormaster.yml, owned by the capability it configures (docs/decisions/0014). The
 * configuration capability composes the sections into the file's schema; `plan` and `apply` compare and write
 * each section's entries without knowing what they mean.
 */
export interface ConfigSection {
  /** Its key in harbormaster.yml. */
  key: string;
  /** Validates the section, and is the source of the generated JSON Schema and configuration reference. */
  schema: z.ZodType;
  /** What the section declares, one entry per thing it configures (absent section: undefined). */
  entries(value: unknown): ConfigEntry[];
  /**
   * Checks that need the rest of the file (e.g. a schedule's followService names a declared service), run once every
   * section is valid on its own. Paths start at the file's root.
   */
  crossCheck?(value: unknown, file: Record<string, unknown>): Array<{ path: Array<string | number>; message: string }>;
}

/** One configured thing: a service, the cleanup settings, a schedule… */
export interface ConfigEntry {
  /** Stable identity, what plan matches stored entries on (e.g. cluster/service). */
  id: string;
  /** What people call it (the key in the file). */
  label: string;
  /** Where it is declared in the file, for messages. */
  path: Array<string | number>;
  /** The validated value, defaults applied: what is stored. */
  value: unknown;
}
