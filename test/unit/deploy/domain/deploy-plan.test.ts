import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDeployPlan, planDeploy, type PlanInput } from '../../../../functions/deploy/domain/deploy-plan.ts';
import { toSdkIntegrationCase } from '../../../../functions/kernel/sdk-case.ts';

const base: PlanInput = {
  strategy: { type: 'all-at-once' },
  finalBakeMinutes: 0,
  greenStableTimeoutMinutes: 10,
  preTraffic: false,
  manualApproval: false,
  checkIntervalSeconds: 15,
  bakeCheckMinutes: 120,
  approvalTimeoutMinutes: 1440,
  approvalTimeoutAction: 'rollback',
};

describe('planDeploy', () => {
  // kind name seconds / checkEverySeconds [onTimeout]
  const cases: Array<[string, Partial<PlanInput>, string[]]> = [
    ['all-at-once', {}, ['stabilize green-stable 600/15', 'shift traffic-100 0/15', 'promote promote 0/15']],
    [
      'with pre-traffic checks and approval, in that order before traffic moves; the gate waits its whole timeout',
      { preTraffic: true, manualApproval: true },
      ['stabilize green-stable 600/15', 'pre-traffic pre-traffic 0/15', 'approval approval 86400/86400 rollback', 'shift traffic-100 0/15', 'promote promote 0/15'],
    ],
    ['an approval that proceeds after a 30-minute timeout', { manualApproval: true, approvalTimeoutMinutes: 30, approvalTimeoutAction: 'proceed' }, ['stabilize green-stable 600/15', 'approval approval 1800/1800 proceed', 'shift traffic-100 0/15', 'promote promote 0/15']],
    [
      'canary with final bake and a fractional stability timeout: bakes checked every bakeCheckMinutes',
      { strategy: { type: 'canary', percent: 10, bakeMinutes: 1 }, finalBakeMinutes: 2, greenStableTimeoutMinutes: 0.5 },
      ['stabilize green-stable 30/15', 'shift traffic-10 60/7200', 'shift traffic-100 0/15', 'promote promote 120/7200'],
    ],
    ['a 24-hour canary bake, checked every 2 hours', { strategy: { type: 'canary', percent: 10, bakeMinutes: 1440 } }, ['stabilize green-stable 600/15', 'shift traffic-10 86400/7200', 'shift traffic-100 0/15', 'promote promote 0/15']],
    ['a bake check interval below a second still checks every second', { strategy: { type: 'canary', percent: 10, bakeMinutes: 1 }, bakeCheckMinutes: 0.001 }, ['stabilize green-stable 600/15', 'shift traffic-10 60/1', 'shift traffic-100 0/15', 'promote promote 0/15']],
  ];
  for (const [name, overrides, expected] of cases) {
    it(name, () =>
      assert.deepEqual(
        planDeploy({ ...base, ...overrides }).map((step) => `${step.kind} ${step.name} ${step.seconds}/${step.checkEverySeconds}${step.onTimeout ? ` ${step.onTimeout}` : ''}`),
        expected,
      ),
    );
  }

  it('describes each step for a dry run', () => {
    assert.deepEqual(describeDeployPlan(planDeploy({ ...base, preTraffic: true, manualApproval: true, strategy: { type: 'canary', percent: 25, bakeMinutes: 5 } })), [
      '1. create the green task set and wait until all its tasks run (at most 600 s)',
      '2. route the test listener to green and run the pre-traffic checks',
      '3. wait for an operator to approve (at most 86400 s, then roll back)',
      '4. green 25% / blue 75%, bake 300 s',
      '5. green 100% / blue 0%',
      '6. make green the primary task set',
    ]);
  });
});

describe('toSdkIntegrationCase', () => {
  it('capitalises every key, nested in objects and arrays, and leaves values alone', () => {
    assert.deepEqual(toSdkIntegrationCase({ cluster: 'prod', loadBalancers: [{ targetGroupArn: 'tg', containerPort: 80 }], networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } }), {
      Cluster: 'prod',
      LoadBalancers: [{ TargetGroupArn: 'tg', ContainerPort: 80 }],
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-1'] } },
    });
  });
});
