import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { choices, executionEvents, familyChildEvents, HISTORY_EVENT_LIMIT, loop, revisionCleanupHistory, type Workflow } from './history-model.ts';

/** The history bound of revision cleanup, computed from its definition (the model is checked against real runs in test/integration/cleanup/history-bound.test.ts). */

const definition = JSON.parse(readFileSync(new URL('../../../functions/cleanup/revision-cleanup.asl.json', import.meta.url), 'utf8')) as Workflow;
/** 50 clusters × 100 services (a family each) × 10,000 revisions per family, all but the newest 5 removed. */
const TARGET = { clusters: 50, families: 50 * 100, removedPerFamily: 10_000 - 5, dryRun: false };

describe('the history model', () => {
  const task = { Type: 'Task', Next: 'Again?' };
  const looping: Workflow = { StartAt: 'Work', States: { Work: task, 'Again?': { Type: 'Choice' }, Done: { Type: 'Succeed' } } };
  const table: Array<[string, Workflow, Parameters<typeof executionEvents>[1], number]> = [
    ['a Task then a Succeed: 2 + 5 + 2', { StartAt: 'A', States: { A: { Type: 'Task', Next: 'B' }, B: { Type: 'Succeed' } } }, choices({}), 9],
    ['a Task and Choice looped 3 times: 2 + 3 × (5 + 2) + 2', looping, choices({ 'Again?': loop(2, 'Work', 'Done') }), 25],
    [
      'an inline Map of 4 items of one Task: 2 + 4 + 4 × (2 + 5)',
      { StartAt: 'M', States: { M: { Type: 'Map', End: true, ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'T', States: { T: { Type: 'Task', End: true } } } } } },
      { ...choices({}), iterate: () => ({ items: 4, walk: choices({}) }) },
      34,
    ],
    [
      'a Distributed Map: 6, whatever its items (they are child executions)',
      { StartAt: 'M', States: { M: { Type: 'Map', End: true, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'T', States: { T: { Type: 'Task', End: true } } } } } },
      choices({}),
      8,
    ],
  ];
  for (const [name, workflow, walk, expected] of table) it(name, () => assert.equal(executionEvents(workflow, walk), expected));

  it('refuses a Choice it was not told about', () => {
    assert.throws(() => executionEvents(looping, choices({})), /does not know where Choice Again\? goes/);
  });
});

describe('revision cleanup history', () => {
  it('stays far below the 25,000-event limit for 50 clusters × 100 services × 10,000 revisions', () => {
    const history = revisionCleanupHistory(definition, TARGET);
    assert.ok(history.largest < HISTORY_EVENT_LIMIT / 10, `largest execution history ${history.largest} events`);
  });

  it('still fits at ten times that size', () => {
    const history = revisionCleanupHistory(definition, { clusters: 500, families: 50_000, removedPerFamily: 100_000, dryRun: false });
    assert.ok(history.largest < HISTORY_EVENT_LIMIT, `largest execution history ${history.largest} events`);
  });

  it('grows the run’s own history with pages of clusters and families only, a family’s with its own revisions only', () => {
    const small = revisionCleanupHistory(definition, { clusters: 3, families: 20, removedPerFamily: 10, dryRun: false });
    assert.equal(revisionCleanupHistory(definition, { ...TARGET, clusters: 3, families: 20 }).parent, small.parent, 'revisions do not reach the run’s history');
    assert.equal(revisionCleanupHistory(definition, { ...TARGET, removedPerFamily: 10 }).familyChild, small.familyChild, 'other families do not reach a family’s history');
    assert.equal(familyChildEvents(definition, 0), revisionCleanupHistory(definition, { ...TARGET, dryRun: true }).familyChild, 'a dry run applies no batch');
  });
});
