import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectivelySuspended, manualRunExecutionName, overrideAfterFile, overrideFor, retryPolicyOf, schedulerDrift, schedulerScheduleOf } from '../../../../functions/schedules/domain/scheduler-schedule.ts';
import type { Schedule } from '../../../../functions/schedules/domain/schedule.ts';

const schedule: Schedule = {
  name: 'nightly',
  expression: 'cron(30 2 * * ? *)',
  timeZone: 'America/New_York',
  flexibleWindowMinutes: 0,
  cluster: 'demo',
  taskDefinition: { family: 'report' },
  concurrencyPolicy: 'Forbid',
  startingDeadlineSeconds: 300,
  retries: { limit: 0, backoffSeconds: 30 },
  history: { successful: 10, failed: 10 },
  suspended: false,
};
const deployment = { groupName: 'harbormaster-dev', targetArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:run', roleArn: 'arn:aws:iam::123456789012:role/scheduler', deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' };

describe('the Scheduler schedule of a Schedule', () => {
  it('bounds Scheduler retries by the starting deadline (60 s to 24 h)', () => {
    for (const [deadline, age] of [[300, 300], [30, 60], [200_000, 86_400]] as const) assert.deepEqual(retryPolicyOf({ startingDeadlineSeconds: deadline }), { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: age });
  });

  it('is in sync with itself, and names each field that drifted', () => {
    const desired = schedulerScheduleOf(schedule, deployment, false);
    assert.deepEqual(schedulerDrift(desired, { ...desired, Target: { ...desired.Target, Input: ` ${desired.Target.Input}` } }), [], 'inputs compare as JSON');
    const deployed = { ...desired, State: 'DISABLED', ScheduleExpressionTimezone: 'UTC', Target: { ...desired.Target, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } } };
    assert.deepEqual(schedulerDrift(desired, deployed), ['ScheduleExpressionTimezone', 'State', 'Target.RetryPolicy']);
  });

  it('keeps an operator override only while it disagrees with the file', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    assert.deepEqual(overrideFor(schedule, true, at), { suspended: true, at: at.toISOString() });
    assert.equal(overrideFor(schedule, false, at), undefined);
    const override = { suspended: true, at: at.toISOString() };
    assert.equal(effectivelySuspended(schedule, override), true);
    assert.deepEqual(overrideAfterFile(schedule, override), override);
    assert.equal(overrideAfterFile({ suspended: true }, override), undefined, 'the file caught up');
  });

  it('names a manual run after the schedule and the request second', () => {
    assert.equal(manualRunExecutionName('nightly.report', new Date('2026-12-01T09:05:03.120Z')), 'nightly_report-manual-20261201T090503Z');
  });
});
