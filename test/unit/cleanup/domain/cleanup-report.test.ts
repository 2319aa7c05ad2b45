import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeFamily } from '../../../../functions/cleanup/domain/cleanup-outcome.ts';
import { familyReport, hasWork } from '../../../../functions/cleanup/domain/cleanup-report.ts';

const counts = { kept: 5, keptByReason: { latest: 5 }, deregister: 3, delete: 3 };
const work = { deregister: [3, 1, 2], delete: [1, 2, 3] };

describe('familyReport', () => {
  it('a dry run: the revisions it would remove, ascending', () => {
    const report = familyReport({ family: 'web', status: 'planned', counts, outcome: summarizeFamily('web', counts, undefined) }, work);
    assert.deepEqual(report, { family: 'web', status: 'planned', kept: 5, deregister: [1, 2, 3], delete: [1, 2, 3], deregistered: 3, deleted: 3, failed: 0, failures: [] });
    assert.equal(hasWork(report), true);
  });

  it('a run ECS refused part of: what it accepted and what it refused', () => {
    const applied = { deregisterFailures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2', reason: 'throttled' }], deleteFailures: [] };
    const report = familyReport({ family: 'web', status: 'partial', counts, outcome: summarizeFamily('web', counts, applied) }, work);
    assert.deepEqual([report.status, report.deregistered, report.deleted, report.failed, report.failures], ['partial', 2, 3, 1, [{ revision: 2, action: 'deregister', reason: 'throttled' }]]);
  });

  it('a family that failed as a whole, one that never finished, and one with nothing to do', () => {
    const failed = familyReport({ family: 'api', status: 'failed', outcome: { family: 'api', status: 'failed', error: 'AwsCallError', cause: 'Injected refusal' } }, { deregister: [], delete: [] });
    assert.deepEqual([failed.status, failed.error, hasWork(failed)], ['failed', 'AwsCallError: Injected refusal', true]);
    const pending = familyReport({ family: 'batch', status: 'planned', counts }, work);
    assert.deepEqual([pending.status, pending.deregister, hasWork(pending)], ['pending', [1, 2, 3], true]);
    const idle = familyReport({ family: 'tiny', status: 'planned', counts: { ...counts, kept: 2, deregister: 0, delete: 0 }, outcome: summarizeFamily('tiny', { ...counts, kept: 2, deregister: 0, delete: 0 }, undefined) }, { deregister: [], delete: [] });
    assert.equal(hasWork(idle), false);
  });
});
