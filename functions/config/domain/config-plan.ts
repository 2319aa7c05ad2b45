import { isDeepStrictEqual } from 'node:util';
import type { ConfigEntry } from '../../kernel/config-sections.ts';

/**
 * What `plan` shows and `apply` does: the file's entries against the stored ones, section by section, field by field.
 * Entries match on their id; an entry stored but no longer declared is removed only when pruning, else kept.
 */

export interface StoredEntry {
  id: string;
  label: string;
  value: unknown;
  /** The optimistic revision apply must name to change or remove it. */
  revision: number;
  /** What plan should tell about it beyond its fields (e.g. an operator's override the file does not show). */
  notes?: string[];
}

export type EntryAction = 'add' | 'change' | 'remove' | 'keep' | 'unchanged';

export interface FieldChange {
  /** Dotted path inside the entry: `deploy.strategy.percent`, `scaling.policies[0].cooldown`. */
  path: string;
  kind: 'added' | 'changed' | 'removed';
  before?: unknown;
  after?: unknown;
}

export interface EntryChange {
  section: string;
  id: string;
  label: string;
  action: EntryAction;
  fields: FieldChange[];
  /** Stored revision (0 when new). */
  revision: number;
  /** The declared value (add, change, unchanged). */
  value?: unknown;
  /** From the store: what plan tells beyond the fields. */
  notes?: string[];
  /** From the store's checks against AWS: why apply would refuse this entry (it is then not applied). */
  problems?: string[];
}

export interface ConfigPlan {
  changes: EntryChange[];
  counts: Record<EntryAction, number>;
}

export function planSection(section: string, declared: readonly ConfigEntry[], stored: readonly StoredEntry[], prune: boolean): EntryChange[] {
  const storedById = new Map(stored.map((entry) => [entry.id, entry]));
  const declaredIds = new Set(declared.map((entry) => entry.id));
  const changes = declared.map((entry): EntryChange => {
    const current = storedById.get(entry.id);
    if (!current) return { section, id: entry.id, label: entry.label, action: 'add', fields: fieldChanges(undefined, entry.value), revision: 0, value: entry.value };
    const fields = fieldChanges(current.value, entry.value);
    return { section, id: entry.id, label: entry.label, action: fields.length === 0 ? 'unchanged' : 'change', fields, revision: current.revision, value: entry.value, ...notesOf(current) };
  });
  const undeclared = stored
    .filter((entry) => !declaredIds.has(entry.id))
    .map((entry): EntryChange => ({ section, id: entry.id, label: entry.label, action: prune ? 'remove' : 'keep', fields: prune ? fieldChanges(entry.value, undefined) : [], revision: entry.revision, ...notesOf(entry) }));
  return [...changes, ...undeclared];
}

function notesOf(entry: StoredEntry): Pick<EntryChange, 'notes'> {
  return entry.notes && entry.notes.length > 0 ? { notes: entry.notes } : {};
}

export function summarise(changes: EntryChange[]): ConfigPlan {
  const counts: Record<EntryAction, number> = { add: 0, change: 0, remove: 0, keep: 0, unchanged: 0 };
  for (const change of changes) counts[change.action] += 1;
  return { changes, counts };
}

/** Leaf by leaf; arrays of scalars compare whole (a list of alarms is one value), arrays of objects element by element. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => fieldChanges(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  if (isRecordList(before) && isRecordList(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) => fieldChanges(before[index], after[index], `${path}[${index}]`)).flat();
  }
  // A whole new (or removed) object or list of objects is listed leaf by leaf too.
  if (before === undefined && isRecord(after)) return Object.keys(after).flatMap((key) => fieldChanges(undefined, after[key], join(path, key)));
  if (after === undefined && isRecord(before)) return Object.keys(before).flatMap((key) => fieldChanges(before[key], undefined, join(path, key)));
  if (before === undefined && isRecordList(after)) return after.flatMap((element, index) => fieldChanges(undefined, element, `${path}[${index}]`));
  if (after === undefined && isRecordList(before)) return before.flatMap((element, index) => fieldChanges(element, undefined, `${path}[${index}]`));
  if (before === undefined) return [{ path, kind: 'added', after }];
  if (after === undefined) return [{ path, kind: 'removed', before }];
  return [{ path, kind: 'changed', before, after }];
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecordList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.some(isRecord);
}
