/**
 * Which task-definition revisions a cleanup run keeps, deregisters and deletes (docs/decisions/0005).
 * Pure: the caller lists revisions and usages; every decision and its reason is made here.
 *
 * Per family:
 *   - ACTIVE revisions are kept when they are among the newest `keepLatest`, in use, a service's rollback target,
 *     younger than `minAgeDays`, or of unknown age; the rest are deregistered.
 *   - INACTIVE revisions are deleted when not in use and deregistered more than `inactiveRetentionDays` ago
 *     (with a retention of 0, the revisions deregistered in this run are deleted in this run too, so re-running is a no-op).
 */

export type RevisionStatus = 'ACTIVE' | 'INACTIVE';

export interface RevisionInfo {
  revision: number;
  status: RevisionStatus;
  /** ISO time; undefined when the API did not say (age unknown → kept). */
  registeredAt?: string;
  deregisteredAt?: string;
}

export type UsageKind = 'service-deployment' | 'task-set' | 'task' | 'rule-target' | 'schedule-target';

/** Something that references a revision. `revision` undefined: a reference by family, meaning its newest ACTIVE revision. */
export interface RevisionUsage {
  family: string;
  revision?: number;
  kind: UsageKind;
  /** Who uses it, e.g. `service prod/web`; services are the owners of rollback targets. */
  owner: string;
  /** e.g. `PRIMARY deployment`, `task set ecs-svc/1 (ACTIVE)`, `task 1a2b (RUNNING)`. */
  detail: string;
}

export interface RollbackTarget {
  family: string;
  revision: number;
  owner: string;
  /** The revision the owner runs now, which this one would roll back from. */
  from: number;
}

export interface CleanupSettings {
  keepLatest: number;
  minAgeDays: number;
  inactiveRetentionDays: number;
}

export type KeepReasonCode = 'latest' | 'in-use' | 'rollback-target' | 'younger-than-min-age' | 'age-unknown' | 'within-retention';

export interface KeepReason {
  code: KeepReasonCode;
  detail: string;
}

export interface KeptRevision {
  revision: number;
  status: RevisionStatus;
  reasons: KeepReason[];
}

export interface FamilyCleanupPlan {
  family: string;
  keep: KeptRevision[];
  /** ACTIVE revisions to deregister, ascending. */
  deregister: number[];
  /** Revisions to delete (INACTIVE now, or deregistered by this run when retention is 0), ascending. */
  delete: number[];
}

export interface FamilyCleanupInput {
  family: string;
  revisions: RevisionInfo[];
  usages: RevisionUsage[];
  rollbackTargets: RollbackTarget[];
  settings: CleanupSettings;
  now: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** DeleteTaskDefinitions accepts at most 10 revisions per call. */
export const DELETE_BATCH_SIZE = 10;
/** In-use reasons named per revision; further usages are counted in one more reason. */
export const MAX_USAGE_REASONS = 10;
/** Revisions one apply step acts on: at most 100 deregistrations and 10 DeleteTaskDefinitions calls. */
export const WORK_BATCH_SIZE = 100;

/** Usages of this family resolved to revision numbers (a by-family reference means the newest ACTIVE revision). */
function resolvedUsages(family: string, revisions: RevisionInfo[], usages: RevisionUsage[]): Array<RevisionUsage & { revision: number }> {
  const newestActive = newestFirst(revisions.filter((info) => info.status === 'ACTIVE'))[0]?.revision;
  return usages.flatMap((usage) => {
    if (usage.family !== family) return [];
    const revision = usage.revision ?? newestActive;
    return revision === undefined ? [] : [{ ...usage, revision }];
  });
}

/**
 * Each service's rollback target: the newest ACTIVE revision older than the newest one the service uses (deployments
 * and task sets). A deployment history (issue 3) can supply recorded targets instead; the plan takes them as input.
 */
export function deriveRollbackTargets(family: string, revisions: RevisionInfo[], usages: RevisionUsage[]): RollbackTarget[] {
  const newestUsedByService = new Map<string, number>();
  for (const usage of resolvedUsages(family, revisions, usages)) {
    if (usage.kind !== 'service-deployment' && usage.kind !== 'task-set') continue;
    newestUsedByService.set(usage.owner, Math.max(usage.revision, newestUsedByService.get(usage.owner) ?? 0));
  }
  const active = newestFirst(revisions.filter((info) => info.status === 'ACTIVE'));
  return [...newestUsedByService].flatMap(([owner, from]) => {
    const target = active.find((info) => info.revision < from);
    return target ? [{ family, revision: target.revision, owner, from }] : [];
  });
}

/** Reasons to keep each revision that do not depend on its age. */
function ageIndependentReasons(input: Omit<FamilyCleanupInput, 'now'>): Map<number, KeepReason[]> {
  const reasons = new Map<number, KeepReason[]>();
  const add = (revision: number, reason: KeepReason) => reasons.set(revision, [...(reasons.get(revision) ?? []), reason]);
  const { keepLatest } = input.settings;
  newestFirst(input.revisions.filter((info) => info.status === 'ACTIVE'))
    .slice(0, keepLatest)
    .forEach((info) => add(info.revision, { code: 'latest', detail: `one of the ${keepLatest} newest ACTIVE revisions` }));
  const usagesByRevision = Map.groupBy(resolvedUsages(input.family, input.revisions, input.usages), (usage) => usage.revision);
  for (const [revision, usages] of usagesByRevision) {
    // A revision run by thousands of tasks keeps a bounded record: the first usages by name, the rest counted.
    for (const usage of usages.slice(0, MAX_USAGE_REASONS)) add(revision, { code: 'in-use', detail: `${usage.owner}: ${usage.detail}` });
    if (usages.length > MAX_USAGE_REASONS) add(revision, { code: 'in-use', detail: `and ${usages.length - MAX_USAGE_REASONS} more usages` });
  }
  for (const target of input.rollbackTargets) {
    if (target.family === input.family) add(target.revision, { code: 'rollback-target', detail: `rollback target of ${target.owner} (runs revision ${target.from})` });
  }
  return reasons;
}

/**
 * Revisions whose fate depends on their age: only these need a DescribeTaskDefinition call, so a run reads one
 * revision per candidate, not one per revision of the account.
 */
export function revisionsNeedingAge(input: Omit<FamilyCleanupInput, 'now'>): number[] {
  const reasons = ageIndependentReasons(input);
  const ageMatters = (info: RevisionInfo) => (info.status === 'ACTIVE' ? input.settings.minAgeDays : input.settings.inactiveRetentionDays) > 0;
  return input.revisions.filter((info) => !reasons.has(info.revision) && ageMatters(info)).map((info) => info.revision).sort((a, b) => a - b);
}

export function planFamilyCleanup(input: FamilyCleanupInput): FamilyCleanupPlan {
  const reasons = ageIndependentReasons(input);
  const { minAgeDays, inactiveRetentionDays } = input.settings;
  const keep: KeptRevision[] = [];
  const deregister: number[] = [];
  const deleteNow: number[] = [];
  for (const info of [...input.revisions].sort((a, b) => a.revision - b.revision)) {
    const known = reasons.get(info.revision);
    if (known) {
      keep.push({ revision: info.revision, status: info.status, reasons: known });
      continue;
    }
    const ageReason =
      info.status === 'ACTIVE'
        ? ageKeepReason(info.registeredAt, 'registered', minAgeDays, 'younger-than-min-age', input.now)
        : ageKeepReason(info.deregisteredAt, 'deregistered', inactiveRetentionDays, 'within-retention', input.now);
    if (ageReason) keep.push({ revision: info.revision, status: info.status, reasons: [ageReason] });
    else if (info.status === 'ACTIVE') deregister.push(info.revision);
    else deleteNow.push(info.revision);
  }
  const deleteAfterDeregistering = inactiveRetentionDays === 0 ? deregister : [];
  return { family: input.family, keep, deregister, delete: [...deleteNow, ...deleteAfterDeregistering].sort((a, b) => a - b) };
}

function ageKeepReason(at: string | undefined, event: string, days: number, code: KeepReasonCode, now: Date): KeepReason | undefined {
  if (days === 0) return undefined;
  const time = at === undefined ? NaN : Date.parse(at);
  if (Number.isNaN(time)) return { code: 'age-unknown', detail: `the time it was ${event} is unknown` };
  if (now.getTime() - time < days * DAY_MS) return { code, detail: `${event} ${new Date(time).toISOString()}, less than ${days} days ago` };
  return undefined;
}

function newestFirst(revisions: RevisionInfo[]): RevisionInfo[] {
  return [...revisions].sort((a, b) => b.revision - a.revision);
}

/** One apply step's share of a plan: what to deregister, then what to delete, among at most `WORK_BATCH_SIZE` revisions. */
export interface WorkBatch {
  deregister: number[];
  delete: number[];
}

/**
 * A plan's work in batches of distinct revisions, ascending. A revision deregistered and deleted in the same run
 * (retention 0) is in one batch, which deregisters before it deletes.
 */
export function workBatches(plan: Pick<FamilyCleanupPlan, 'deregister' | 'delete'>, size = WORK_BATCH_SIZE): WorkBatch[] {
  const deregister = new Set(plan.deregister);
  const deleting = new Set(plan.delete);
  const revisions = [...new Set([...plan.deregister, ...plan.delete])].sort((a, b) => a - b);
  return inBatches(revisions, size).map((batch) => ({ deregister: batch.filter((revision) => deregister.has(revision)), delete: batch.filter((revision) => deleting.has(revision)) }));
}

/** Splits a list into consecutive batches of at most `size` (DeleteTaskDefinitions takes 10). */
export function inBatches<T>(items: T[], size = DELETE_BATCH_SIZE): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/**
 * A DeleteTaskDefinitions failure that means the revision is already gone (a re-run after an interruption):
 * counted as done, not as a failure.
 */
export function isAlreadyDeleted(reason: string): boolean {
  return /does not exist|DELETE_IN_PROGRESS/i.test(reason);
}

/** Whether a family is cleaned: it matches an include pattern and no exclude pattern (`*` any run, `?` one character). */
export function familySelected(family: string, include: string[], exclude: string[]): boolean {
  return include.some((pattern) => globMatches(pattern, family)) && !exclude.some((pattern) => globMatches(pattern, family));
}

export function globMatches(pattern: string, name: string): boolean {
  const source = [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(name);
}

/**
 * A task-definition reference as services, tasks, rules and schedules hold it: a full ARN or `family[:revision]`.
 * Undefined for anything else (the caller records it as unreadable instead of guessing).
 */
export function parseTaskDefinitionReference(reference: string): { family: string; revision?: number } | undefined {
  const match = /^(?:arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?([A-Za-z0-9_-]{1,255})(?::(\d+))?$/.exec(reference);
  if (!match) return undefined;
  const family = match[1] as string;
  return match[2] === undefined ? { family } : { family, revision: Number(match[2]) };
}
