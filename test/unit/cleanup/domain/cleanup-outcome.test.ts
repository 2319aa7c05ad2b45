import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REPORTED_FAILURES, planCounts, runStatus, runTotals, summarizeFamily, unfinishedFamily, type FailedFamily } from '../../../../functions/cleanup/domain/cleanup-outcome.ts';
import { cleanupNotification } from '../../../../functions/cleanup/domain/notifications.ts';
import type { FamilyCleanupPlan } from '../../../../functions/cleanup/domain/revision-cleanup.ts';

const arn = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${revision}`;
const PLAN: FamilyCleanupPlan = {
  family: 'web',
  keep: [
    { revision: 4, status: 'ACTIVE', reasons: [{ code: 'in-use', detail: 'x' }, { code: 'latest', detail: 'y' }] },
    { revision: 5, status: 'ACTIVE', reasons: [{ code: 'latest', detail: 'y' }] },
  ],
  deregister: [2, 3],
  delete: [1, 2, 3],
};
const COUNTS = planCounts(PLAN);
const none = { deregisterFailures: [], deleteFailures: [] };

describe('summarizeFamily', () => {
  it('counts a plan by what it keeps (per reason) and removes', () => {
    assert.deepEqual(COUNTS, { kept: 2, keptByReason: { 'in-use': 1, latest: 2 }, deregister: 2, delete: 3 });
  });

  it('reports what a dry run would do', () => {
    assert.deepEqual(summarizeFamily('web', COUNTS, undefined), { family: 'web', status: 'planned', kept: 2, keptByReason: { 'in-use': 1, latest: 2 }, deregistered: 2, deleted: 3, failed: 0, failures: [] });
  });

  it('counts a revision that was already gone as deleted (a re-run after an interruption)', () => {
    const outcome = summarizeFamily('web', COUNTS, { deregisterFailures: [], deleteFailures: [{ arn: arn(1), reason: 'The specified task definition does not exist.' }] });
    assert.equal(outcome.status, 'cleaned');
    assert.equal(outcome.deleted, 3);
  });

  it('reports refused revisions per action and leaves them out of the counts', () => {
    const outcome = summarizeFamily('web', COUNTS, {
      deregisterFailures: [{ arn: arn(3), reason: 'ClientException: boom' }],
      deleteFailures: [{ arn: arn(3), reason: 'The specified task definition is still in ACTIVE status.' }],
    });
    assert.equal(outcome.status, 'partial');
    assert.deepEqual([outcome.deregistered, outcome.deleted], [1, 2]);
    assert.deepEqual(outcome.failures.map((failure) => [failure.revision, failure.action]), [[3, 'deregister'], [3, 'delete']]);
    assert.equal(outcome.failed, 2);
  });

  it('counts a refusal reported twice (a retried batch) once', () => {
    const refused = { arn: arn(2), reason: 'ClientException: boom' };
    const outcome = summarizeFamily('web', COUNTS, { deregisterFailures: [refused, refused], deleteFailures: [] });
    assert.deepEqual([outcome.deregistered, outcome.failed], [1, 1]);
  });

  it('names at most MAX_REPORTED_FAILURES refused revisions and counts them all', () => {
    const many = Array.from({ length: 500 }, (_, index) => ({ arn: arn(index + 1), reason: 'ClientException: boom' }));
    const outcome = summarizeFamily('web', { ...COUNTS, deregister: 500, delete: 0 }, { deregisterFailures: many, deleteFailures: [] });
    assert.deepEqual([outcome.failures.length, outcome.failed, outcome.deregistered], [MAX_REPORTED_FAILURES, 500, 0]);
  });
});

describe('run totals, status and announcement', () => {
  const cleaned = summarizeFamily('web', COUNTS, none);
  const failed: FailedFamily = { family: 'api', status: 'failed', error: 'EcsThrottledError', cause: 'throttled' };
  const table: Array<[string, boolean, Parameters<typeof runTotals>[0], string]> = [
    ['a clean run succeeds', false, [cleaned], 'succeeded'],
    ['a dry run is planned', true, [summarizeFamily('web', COUNTS, undefined)], 'planned'],
    ['a failed family makes it partial', false, [cleaned, failed], 'partial'],
    ['a refused revision makes it partial', false, [{ ...cleaned, status: 'partial', failed: 1, failures: [{ revision: 1, action: 'delete', reason: 'r' }] }], 'partial'],
    ['a family without an outcome makes it partial', false, [cleaned, unfinishedFamily('api')], 'partial'],
    ['a run with no families succeeds', false, [], 'succeeded'],
  ];
  for (const [name, dryRun, families, expected] of table) it(name, () => assert.equal(runStatus(dryRun, runTotals(families)), expected));

  it('sums the families and announces the run once per run id', () => {
    const totals = runTotals([cleaned, failed]);
    assert.deepEqual(totals, { families: 2, failedFamilies: 1, kept: 2, deregistered: 2, deleted: 3, revisionFailures: 0 });
    const run = { runId: '2026-11-23T03:00:00Z#nightly', executionName: 'nightly', startedAt: '2026-11-23T03:00:00Z', finishedAt: '2026-11-23T03:01:00Z', dryRun: false, status: 'partial' as const, totals, failedFamilies: ['api'] };
    const notification = cleanupNotification(run);
    assert.equal(notification.id, 'cleanup-completed#2026-11-23T03:00:00Z#nightly');
    assert.equal(notification.subject, 'Task-definition cleanup nightly partial: deregistered 2, deleted 3, kept 2 revisions in 2 families (1 families and 0 revisions failed)');
    assert.equal(notification.cluster, undefined);
  });

  it('announces a run that failed before planning', () => {
    const notification = cleanupNotification({ runId: 'r#x', executionName: 'x', startedAt: 's', finishedAt: 'f', dryRun: true, status: 'failed', error: { error: 'InvalidConfigError', cause: 'bad' } });
    assert.deepEqual([notification.kind, notification.id, notification.subject], ['cleanup-failed', 'cleanup-failed#r#x', 'Task-definition cleanup x failed: InvalidConfigError']);
  });
});
