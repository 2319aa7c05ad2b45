import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldChanges, planSection, summarise } from '../../../functions/config/domain/config-plan.ts';

describe('fieldChanges', () => {
  const cases: Array<{ name: string; before: unknown; after: unknown; expected: ReturnType<typeof fieldChanges> }> = [
    { name: 'equal values', before: { a: 1, b: [1, 2] }, after: { b: [1, 2], a: 1 }, expected: [] },
    { name: 'a changed leaf', before: { a: { b: 1 } }, after: { a: { b: 2 } }, expected: [{ path: 'a.b', kind: 'changed', before: 1, after: 2 }] },
    { name: 'an added field', before: { a: 1 }, after: { a: 1, c: 'x' }, expected: [{ path: 'c', kind: 'added', after: 'x' }] },
    { name: 'a removed section, leaf by leaf', before: { s: { x: 1, y: 2 } }, after: {}, expected: [{ path: 's.x', kind: 'removed', before: 1 }, { path: 's.y', kind: 'removed', before: 2 }] },
    { name: 'a list of scalars is one value', before: { alarms: ['a'] }, after: { alarms: ['a', 'b'] }, expected: [{ path: 'alarms', kind: 'changed', before: ['a'], after: ['a', 'b'] }] },
    {
      name: 'a list of objects, element by element',
      before: { p: [{ n: 1 }, { n: 2 }] },
      after: { p: [{ n: 1 }, { n: 3 }, { n: 4 }] },
      expected: [{ path: 'p[1].n', kind: 'changed', before: 2, after: 3 }, { path: 'p[2].n', kind: 'added', after: 4 }],
    },
    { name: 'a new list of objects', before: {}, after: { p: [{ n: 1 }] }, expected: [{ path: 'p[0].n', kind: 'added', after: 1 }] },
    { name: 'a type change', before: { a: 1 }, after: { a: { b: 1 } }, expected: [{ path: 'a', kind: 'changed', before: 1, after: { b: 1 } }] },
  ];
  for (const { name, before, after, expected } of cases) it(name, () => assert.deepEqual(fieldChanges(before, after), expected));
});

describe('planSection', () => {
  const declared = [
    { id: 'c/a', label: 'a', path: [], value: { x: 1 } },
    { id: 'c/b', label: 'b', path: [], value: { x: 2 } },
    { id: 'c/new', label: 'new', path: [], value: { x: 3 } },
  ];
  const stored = [
    { id: 'c/a', label: 'a', value: { x: 1 }, revision: 4 },
    { id: 'c/b', label: 'b', value: { x: 1 }, revision: 2 },
    { id: 'c/gone', label: 'gone', value: { x: 9 }, revision: 7 },
  ];

  it('adds, changes, keeps unchanged entries, and keeps undeclared ones unless pruning', () => {
    const plan = summarise(planSection('services', declared, stored, false));
    assert.deepEqual(
      plan.changes.map(({ id, action, revision }) => [id, action, revision]),
      [['c/a', 'unchanged', 4], ['c/b', 'change', 2], ['c/new', 'add', 0], ['c/gone', 'keep', 7]],
    );
    assert.deepEqual(plan.counts, { add: 1, change: 1, remove: 0, keep: 1, unchanged: 1 });
  });

  it('removes undeclared entries at their stored revision when pruning', () => {
    const gone = planSection('services', declared, stored, true).find((change) => change.id === 'c/gone');
    assert.equal(gone?.action, 'remove');
    assert.equal(gone?.revision, 7);
    assert.deepEqual(gone?.fields, [{ path: 'x', kind: 'removed', before: 9 }]);
  });
});
