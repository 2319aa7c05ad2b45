import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDeployPlan, planDeploy, type PlanInput } from '../../../../functions/deploy/domain/deploy-plan.ts';
import { toSdkIntegrationCase } from '../../../../functions/kernel/sdk-case.ts';

const base: PlanInput = { strategy: { type: 'all-at-once' }, finalBakeMinutes: 0, greenStableTimeoutMinutes: 10, preTraffic: false, manualApproval: false };

describe('planDeploy', () => {
  const cases: Array<[string, Partial<PlanInput>, string[]]> = [
    ['all-at-once', {}, ['stabilize green-stable 600', 'shift traffic-100 0', 'promote promote 0']],
    ['with pre-traffic checks and approval, in that order before traffic moves', { preTraffic: true, manualApproval: true }, ['stabilize green-stable 600', 'pre-traffic pre-traffic 0', 'approval approval 0', 'shift traffic-100 0', 'promote promote 0']],
    ['canary with final bake and a fractional stability timeout', { strategy: { type: 'canary', percent: 10, bakeMinutes: 1 }, finalBakeMinutes: 2, greenStableTimeoutMinutes: 0.5 }, ['stabilize green-stable 30', 'shift traffic-10 60', 'shift traffic-100 0', 'promote promote 120']],
  ];
  for (const [name, overrides, expected] of cases) {
    it(name, () => assert.deepEqual(planDeploy({ ...base, ...overrides }).map((step) => `${step.kind} ${step.name} ${step.seconds}`), expected));
  }

  it('describes each step for a dry run', () => {
    assert.deepEqual(describeDeployPlan(planDeploy({ ...base, preTraffic: true, manualApproval: true, strategy: { type: 'canary', percent: 25, bakeMinutes: 5 } })), [
      '1. create the green task set and wait until all its tasks run (at most 600 s)',
      '2. route the test listener to green and run the pre-traffic checks',
      '3. wait for an operator to approve',
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
