import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deriveRollbackTargets,
  familySelected,
  inBatches,
  isAlreadyDeleted,
  MAX_USAGE_REASONS,
  parseTaskDefinitionReference,
  planFamilyCleanup,
  revisionsNeedingAge,
  workBatches,
  type CleanupSettings,
  type RevisionInfo,
  type RevisionUsage,
} from '../../../../functions/cleanup/domain/revision-cleanup.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const active = (revision: number, ageDays = 100): RevisionInfo => ({ revision, status: 'ACTIVE', registeredAt: daysAgo(ageDays) });
const inactive = (revision: number, deregisteredDaysAgo = 100): RevisionInfo => ({ revision, status: 'INACTIVE', registeredAt: daysAgo(200), deregisteredAt: daysAgo(deregisteredDaysAgo) });
const service = (revision: number | undefined, owner = 'service prod/web', detail = 'PRIMARY deployment'): RevisionUsage => ({ family: 'web', revision, kind: 'service-deployment', owner, detail });
const SETTINGS: CleanupSettings = { keepLatest: 2, minAgeDays: 7, inactiveRetentionDays: 30 };

interface Case {
  name: string;
  revisions: RevisionInfo[];
  usages?: RevisionUsage[];
  settings?: Partial<CleanupSettings>;
  keep: Array<[number, string[]]>;
  deregister: number[];
  delete: number[];
}

const cases: Case[] = [
  { name: 'keeps the newest N ACTIVE and deregisters older ones', revisions: [1, 2, 3, 4].map((r) => active(r)), keep: [[3, ['latest']], [4, ['latest']]], deregister: [1, 2], delete: [] },
  {
    name: 'keeps a revision a service runs, and the one before it as rollback target',
    revisions: [1, 2, 3, 4, 5, 6].map((r) => active(r)),
    usages: [service(3)],
    keep: [[2, ['rollback-target']], [3, ['in-use']], [5, ['latest']], [6, ['latest']]],
    deregister: [1, 4],
    delete: [],
  },
  {
    name: 'skips INACTIVE revisions when choosing the rollback target',
    revisions: [active(1), inactive(2), active(3), active(4), active(5)],
    usages: [service(3)],
    keep: [[1, ['rollback-target']], [3, ['in-use']], [4, ['latest']], [5, ['latest']]],
    deregister: [],
    delete: [2],
  },
  {
    name: 'lists every reason of a revision kept for several',
    revisions: [1, 2, 3].map((r) => active(r)),
    usages: [service(3), { family: 'web', revision: 3, kind: 'task', owner: 'task prod/abc', detail: 'RUNNING task' }],
    keep: [[2, ['latest', 'rollback-target']], [3, ['latest', 'in-use', 'in-use']]],
    deregister: [1],
    delete: [],
  },
  {
    name: 'keeps task sets, tasks, rule and schedule targets without giving them rollback targets beyond services',
    revisions: [1, 2, 3, 4, 5, 6, 7, 8].map((r) => active(r)),
    usages: [
      { family: 'web', revision: 1, kind: 'task-set', owner: 'service prod/api', detail: 'task set ts-1 (ACTIVE)' },
      { family: 'web', revision: 3, kind: 'task', owner: 'task prod/t1', detail: 'PENDING task' },
      { family: 'web', revision: 4, kind: 'rule-target', owner: 'rule default/nightly', detail: 'target 1' },
      { family: 'web', revision: 5, kind: 'schedule-target', owner: 'schedule default/hourly', detail: 'ENABLED schedule' },
    ],
    keep: [[1, ['in-use']], [3, ['in-use']], [4, ['in-use']], [5, ['in-use']], [7, ['latest']], [8, ['latest']]],
    deregister: [2, 6],
    delete: [],
  },
  {
    name: 'reads a reference without revision as the newest ACTIVE revision',
    revisions: [1, 2, 3].map((r) => active(r)),
    usages: [{ family: 'web', kind: 'rule-target', owner: 'rule default/x', detail: 'target 1' }],
    settings: { keepLatest: 1 },
    keep: [[3, ['latest', 'in-use']]],
    deregister: [1, 2],
    delete: [],
  },
  { name: 'ignores usages of other families', revisions: [1, 2, 3].map((r) => active(r)), usages: [{ ...service(1), family: 'api' }], settings: { keepLatest: 1 }, keep: [[3, ['latest']]], deregister: [1, 2], delete: [] },
  {
    name: 'keeps ACTIVE revisions younger than the minimum age',
    revisions: [active(1, 3), active(2, 30), active(3, 1), active(4, 1)],
    keep: [[1, ['younger-than-min-age']], [3, ['latest']], [4, ['latest']]],
    deregister: [2],
    delete: [],
  },
  {
    name: 'keeps a revision whose registration time is unknown',
    revisions: [{ revision: 1, status: 'ACTIVE' }, active(2), active(3), active(4)],
    keep: [[1, ['age-unknown']], [3, ['latest']], [4, ['latest']]],
    deregister: [2],
    delete: [],
  },
  {
    name: 'deletes INACTIVE revisions past retention, keeps those within it and those still in use',
    revisions: [inactive(1, 40), inactive(2, 10), inactive(3, 40), { revision: 4, status: 'INACTIVE' }, active(5), active(6)],
    usages: [service(3, 'task prod/old', 'RUNNING task')].map((usage) => ({ ...usage, kind: 'task' as const })),
    keep: [[2, ['within-retention']], [3, ['in-use']], [4, ['age-unknown']], [5, ['latest']], [6, ['latest']]],
    deregister: [],
    delete: [1],
  },
  {
    name: 'with retention 0 deletes what it deregisters in the same run',
    revisions: [inactive(1, 1), active(2), active(3), active(4)],
    settings: { inactiveRetentionDays: 0, minAgeDays: 0 },
    keep: [[3, ['latest']], [4, ['latest']]],
    deregister: [2],
    delete: [1, 2],
  },
  { name: 'keeps everything in a family with no more than N revisions', revisions: [active(1), active(2)], keep: [[1, ['latest']], [2, ['latest']]], deregister: [], delete: [] },
  { name: 'plans nothing for an empty family', revisions: [], keep: [], deregister: [], delete: [] },
];

describe('planFamilyCleanup', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const usages = testCase.usages ?? [];
      const settings = { ...SETTINGS, ...testCase.settings };
      const rollbackTargets = deriveRollbackTargets('web', testCase.revisions, usages);
      const plan = planFamilyCleanup({ family: 'web', revisions: testCase.revisions, usages, rollbackTargets, settings, now: NOW });
      assert.deepEqual(plan.keep.map((kept) => [kept.revision, kept.reasons.map((reason) => reason.code)]), testCase.keep);
      assert.deepEqual(plan.deregister, testCase.deregister);
      assert.deepEqual(plan.delete, testCase.delete);
    });
  }

  it('explains each keep in words', () => {
    const revisions = [1, 2, 3, 4].map((r) => active(r));
    const usages = [service(2)];
    const plan = planFamilyCleanup({ family: 'web', revisions, usages, rollbackTargets: deriveRollbackTargets('web', revisions, usages), settings: { ...SETTINGS, keepLatest: 1 }, now: NOW });
    assert.deepEqual(
      plan.keep.flatMap((kept) => kept.reasons.map((reason) => `${kept.revision}: ${reason.detail}`)),
      ['1: rollback target of service prod/web (runs revision 2)', '2: service prod/web: PRIMARY deployment', '4: one of the 1 newest ACTIVE revisions'],
    );
  });

  it('names the first usages of a revision and counts the rest, so a revision run by thousands of tasks keeps a bounded record', () => {
    const revisions = [1, 2].map((r) => active(r));
    const tasks = Array.from({ length: 2500 }, (_, index): RevisionUsage => ({ family: 'web', revision: 1, kind: 'task', owner: `task prod/t${index}`, detail: 'RUNNING task' }));
    const plan = planFamilyCleanup({ family: 'web', revisions, usages: tasks, rollbackTargets: [], settings: SETTINGS, now: NOW });
    const reasons = plan.keep.find((kept) => kept.revision === 1)?.reasons.filter((reason) => reason.code === 'in-use') ?? [];
    assert.equal(reasons.length, MAX_USAGE_REASONS + 1);
    assert.deepEqual([reasons[0]?.detail, reasons.at(-1)?.detail], ['task prod/t0: RUNNING task', `and ${2500 - MAX_USAGE_REASONS} more usages`]);
  });
});

describe('workBatches', () => {
  const table: Array<[string, { deregister: number[]; delete: number[] }, number, Array<{ deregister: number[]; delete: number[] }>]> = [
    ['nothing to do, no batch', { deregister: [], delete: [] }, 100, []],
    ['deregisters and deletes of one revision share a batch, deregistering first', { deregister: [2, 3], delete: [1, 2, 3] }, 2, [{ deregister: [2], delete: [1, 2] }, { deregister: [3], delete: [3] }]],
    ['batches hold at most `size` distinct revisions, ascending', { deregister: [5, 1, 3], delete: [] }, 2, [{ deregister: [1, 3], delete: [] }, { deregister: [5], delete: [] }]],
  ];
  for (const [name, plan, size, expected] of table) it(name, () => assert.deepEqual(workBatches(plan, size), expected));

  it('covers 10,000 revisions in 100 batches of 100', () => {
    const revisions = Array.from({ length: 10_000 }, (_, index) => index + 1);
    const batches = workBatches({ deregister: revisions, delete: revisions });
    assert.equal(batches.length, 100);
    assert.deepEqual(batches.flatMap((batch) => batch.delete), revisions);
  });
});

describe('deriveRollbackTargets', () => {
  it('targets the revision below the newest one a service runs, once per service', () => {
    const revisions = [1, 2, 3, 4, 5].map((r) => active(r));
    const usages = [service(4, 'service prod/web', 'PRIMARY deployment'), service(3, 'service prod/web', 'ACTIVE deployment'), service(2, 'service prod/canary')];
    assert.deepEqual(deriveRollbackTargets('web', revisions, usages), [
      { family: 'web', revision: 3, owner: 'service prod/web', from: 4 },
      { family: 'web', revision: 1, owner: 'service prod/canary', from: 2 },
    ]);
  });

  it('has no target for a service on the oldest revision, or for tasks and schedules', () => {
    const revisions = [1, 2].map((r) => active(r));
    assert.deepEqual(deriveRollbackTargets('web', revisions, [service(1), { family: 'web', revision: 2, kind: 'task', owner: 'task prod/t', detail: 'RUNNING task' }]), []);
  });
});

describe('revisionsNeedingAge', () => {
  const undated = (revision: number, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): RevisionInfo => ({ revision, status });
  const input = (settings: Partial<CleanupSettings>) => ({ family: 'web', revisions: [undated(1, 'INACTIVE'), undated(2), undated(3), undated(4), undated(5)], usages: [service(3)], rollbackTargets: [], settings: { ...SETTINGS, ...settings } });
  const table: Array<[string, Partial<CleanupSettings>, number[]]> = [
    ['only revisions no other reason keeps', {}, [1, 2]],
    ['no ACTIVE ones when the minimum age is 0', { minAgeDays: 0 }, [1]],
    ['no INACTIVE ones when retention is 0', { inactiveRetentionDays: 0 }, [2]],
    ['none when neither age matters', { minAgeDays: 0, inactiveRetentionDays: 0 }, []],
  ];
  for (const [name, settings, expected] of table) it(name, () => assert.deepEqual(revisionsNeedingAge(input(settings)), expected));
});

describe('family patterns', () => {
  const table: Array<[string, string[], string[], boolean]> = [
    ['web', ['*'], [], true],
    ['web', ['web'], [], true],
    ['web-api', ['web'], [], false],
    ['web-api', ['web-*'], [], true],
    ['legacy-reports', ['*'], ['legacy-*'], false],
    ['app1', ['app?'], [], true],
    ['app10', ['app?'], [], false],
    ['a.b', ['a?b'], [], true],
    ['axb', ['a.b'], [], false],
  ];
  for (const [family, include, exclude, expected] of table) {
    it(`${family} with include ${include.join(',')} exclude ${exclude.join(',') || '-'} → ${expected ? 'cleaned' : 'skipped'}`, () => {
      assert.equal(familySelected(family, include, exclude), expected);
    });
  }
});

describe('helpers', () => {
  it('splits into batches of at most 10', () => {
    assert.deepEqual(inBatches(Array.from({ length: 23 }, (_, index) => index)).map((batch) => batch.length), [10, 10, 3]);
    assert.deepEqual(inBatches([]), []);
  });

  const references: Array<[string, ReturnType<typeof parseTaskDefinitionReference>]> = [
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:12', { family: 'web', revision: 12 }],
    ['arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/web', { family: 'web' }],
    ['web:3', { family: 'web', revision: 3 }],
    ['web', { family: 'web' }],
    ['arn:aws:ecs:us-east-1:123456789012:service/prod/web', undefined],
    ['web:latest', undefined],
  ];
  for (const [reference, expected] of references) it(`reads "${reference}"`, () => assert.deepEqual(parseTaskDefinitionReference(reference), expected));

  it('counts a revision that is already gone as deleted', () => {
    assert.equal(isAlreadyDeleted('The specified task definition does not exist. Specify a valid account, family, revision and try again.'), true);
    assert.equal(isAlreadyDeleted('The task definition is already in DELETE_IN_PROGRESS status.'), true);
    assert.equal(isAlreadyDeleted('The specified task definition is still in ACTIVE status. Please deregister the target and try again.'), false);
  });
});
