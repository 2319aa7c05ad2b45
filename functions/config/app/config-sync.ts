import type { ConfigEntry } from '../../kernel/config-sections.ts';
import type { ConfigStore } from '../adapters/config-store.ts';
import { planSection, summarise, type ConfigPlan, type EntryChange, type StoredEntry } from '../domain/config-plan.ts';
import type { DeclaredEntries } from '../stage-config.ts';
import { CONFIG_SECTIONS } from '../stage-config.ts';

/**
 * `harbormaster plan` and `apply`: reads what each section has stored, compares it with the file, and writes the
 * difference with the revisions it read, so a change made by someone else in between is refused rather than
 * overwritten. Entries that did not change are not written: applying the same file twice changes nothing.
 */

/** Where a section's entries are stored; each capability that adds a section supplies one. */
export interface SectionStore {
  read(): Promise<StoredEntry[]>;
  /** Creates (revision 0) or replaces the entry at `change.revision`. */
  put(change: EntryChange): Promise<void>;
  remove(change: EntryChange): Promise<void>;
  /** Checks only AWS can answer (e.g. a task-definition family exists): problems by entry id; apply skips those entries. */
  check?(declared: readonly ConfigEntry[]): Promise<Map<string, string[]>>;
}

export interface AppliedChange {
  change: EntryChange;
  /** Why it was not applied (a conflict, a store error); the other changes still were. */
  error?: Error;
}

export class ConfigSync {
  private readonly stores: ReadonlyMap<string, SectionStore>;

  constructor(stores: ReadonlyMap<string, SectionStore>) {
    this.stores = stores;
  }

  async plan(declared: DeclaredEntries, options: { prune: boolean }): Promise<ConfigPlan> {
    const sections = await Promise.all(
      CONFIG_SECTIONS.map(async (section) => {
        const entries = declared.get(section.key) ?? [];
        // A sync built without a section's store (a library caller) plans nothing for it, unless the file declares it.
        if (entries.length === 0 && !this.stores.has(section.key)) return [];
        const store = this.storeOf(section.key);
        const [stored, problems] = await Promise.all([store.read(), store.check?.(entries) ?? new Map<string, string[]>()]);
        return planSection(section.key, entries, stored, options.prune).map((change) => {
          const found = change.action === 'remove' || change.action === 'keep' ? undefined : problems.get(change.id);
          return found && found.length > 0 ? { ...change, problems: found } : change;
        });
      }),
    );
    return summarise(sections.flat());
  }

  /** Writes every add and change, then every removal (so nothing is ever unconfigured in between). */
  async apply(plan: ConfigPlan): Promise<AppliedChange[]> {
    const writes = plan.changes.filter((change) => change.action === 'add' || change.action === 'change');
    const removals = plan.changes.filter((change) => change.action === 'remove');
    const applied: AppliedChange[] = [];
    for (const change of [...writes, ...removals]) {
      const store = this.storeOf(change.section);
      if (change.problems) {
        applied.push({ change, error: new Error(change.problems.join('; ')) });
        continue;
      }
      try {
        await (change.action === 'remove' ? store.remove(change) : store.put(change));
        applied.push({ change });
      } catch (error) {
        applied.push({ change, error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
    return applied;
  }

  private storeOf(section: string): SectionStore {
    const store = this.stores.get(section);
    if (!store) throw new Error(`No store is registered for the ${section} section of harbormaster.yml`);
    return store;
  }
}

/** The stores of the sections the configuration capability keeps itself: services, revision cleanup, notifications. */
export function configStores(configs: ConfigStore): Map<string, SectionStore> {
  return new Map<string, SectionStore>([
    [
      'services',
      {
        read: async () =>
          (await configs.listServiceConfigs()).map(({ config, revision }) => ({ id: `${config.cluster}/${config.service}`, label: config.name ?? config.service, value: config, revision })),
        put: async (change) => void (await configs.putServiceConfig(change.value, change.revision)),
        remove: async (change) => {
          const [cluster = '', service = ''] = change.id.split('/');
          await configs.deleteServiceConfig(cluster, service, change.revision);
        },
      },
    ],
    [
      'cleanup',
      {
        read: async () => {
          const stored = await configs.getCleanupConfig();
          return stored ? [{ id: 'settings', label: 'settings', value: stored.config, revision: stored.revision }] : [];
        },
        put: async (change) => void (await configs.putCleanupConfig(change.value, change.revision)),
        remove: async (change) => configs.deleteCleanupConfig(change.revision),
      },
    ],
    [
      'notifications',
      {
        read: async () => {
          const stored = await configs.getNotificationsConfig();
          return stored ? [{ id: 'settings', label: 'settings', value: stored.config, revision: stored.revision }] : [];
        },
        put: async (change) => void (await configs.putNotificationsConfig(change.value, change.revision)),
        remove: async (change) => configs.deleteNotificationsConfig(change.revision),
      },
    ],
  ]);
}
