import { z } from 'zod';
import { InvalidConfigError, issueMessages } from '../kernel/config-errors.ts';
import type { ConfigSection } from '../kernel/config-sections.ts';

/**
 * Task-definition revision cleanup settings (docs/decisions/0004, 0005), stored as pk CONFIG / sk CLEANUP.
 * Every field has a default, so an account without a stored configuration gets a safe dry run.
 */

/** Family glob: letters, digits, hyphens and underscores, with `*` (any run) and `?` (one character). */
const familyPattern = z.string().regex(/^[A-Za-z0-9_*?-]{1,255}$/, 'must be a task-definition family name, optionally with * and ? wildcards');

/** Patterns per include or exclude list. */
const MAX_PATTERNS = 50;

export const cleanupConfigSchema = z
  .object({
    keepLatest: z
      .int('must be a whole number')
      .min(1, 'must be at least 1: the newest revision is what new tasks run')
      .max(1000, 'must be at most 1000')
      .default(5)
      .meta({ description: 'ACTIVE revisions kept per family, newest first, whatever else applies.' }),
    minAgeDays: z
      .number()
      .min(0, 'must be 0 or more days')
      .max(3650, 'must be at most 3650 days (10 years)')
      .default(7)
      .meta({ description: 'ACTIVE revisions registered less than this many days ago are kept.' }),
    inactiveRetentionDays: z
      .number()
      .min(0, 'must be 0 or more days')
      .max(3650, 'must be at most 3650 days (10 years)')
      .default(30)
      .meta({ description: 'INACTIVE revisions are deleted this many days after they were deregistered (0: in the run that deregisters them).' }),
    // Bounded: the settings travel with every step of a run, whose payload must stay small (docs/decisions/0005).
    includeFamilies: z
      .array(familyPattern)
      .min(1, 'must list at least one pattern')
      .max(MAX_PATTERNS, `must list at most ${MAX_PATTERNS} patterns`)
      .default(['*'])
      .meta({ description: 'Task-definition families cleaned up: names, with `*` matching any run of characters and `?` one character.' }),
    excludeFamilies: z
      .array(familyPattern)
      .max(MAX_PATTERNS, `must list at most ${MAX_PATTERNS} patterns`)
      .default([])
      .meta({ description: 'Families never cleaned up, even when includeFamilies matches them; the same patterns.' }),
    dryRun: z.boolean().default(true).meta({ description: 'Scheduled runs only plan and record unless this is false; an on-demand run may override it.' }),
  })
  .strict();

export type CleanupConfig = z.infer<typeof cleanupConfigSchema>;

/** The `cleanup` section of harbormaster.yml: one entry; removing the section (with --prune) restores the defaults. */
export const cleanupSection: ConfigSection = {
  key: 'cleanup',
  schema: z.optional(cleanupConfigSchema).meta({ description: 'Task-definition revision cleanup (daily, and `harbormaster cleanup run`). Absent: the defaults, a dry run.' }),
  entries: (value) => (value === undefined ? [] : [{ id: 'settings', label: 'settings', path: ['cleanup'], value }]),
};

/** What starts a run: the schedule rule's fixed input, or an operator's StartExecution input. */
export const cleanupRunInputSchema = z
  .object({
    trigger: z.enum(['schedule', 'on-demand']).default('on-demand'),
    /** Overrides the configured dryRun for this run only. */
    dryRun: z.boolean().optional(),
  })
  .strict();

export type CleanupRunInput = z.infer<typeof cleanupRunInputSchema>;

export function parseCleanupConfig(input: unknown): CleanupConfig {
  return parseWith(cleanupConfigSchema, input, 'revision cleanup');
}

export function parseCleanupRunInput(input: unknown): CleanupRunInput {
  return parseWith(cleanupRunInputSchema, input ?? {}, 'a revision cleanup run');
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidConfigError(subject, issueMessages(result.error));
}
