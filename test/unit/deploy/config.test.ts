import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidConfigError } from '../../../functions/kernel/config-errors.ts';
import { parseServiceConfig } from '../../../functions/config/service-config.ts';
import { MINIMAL_DEPLOY } from '../../fixtures/deploy-config.ts';

const withDeploy = (deploy: Record<string, unknown>) => ({ cluster: 'prod', service: 'web', deploy: { ...MINIMAL_DEPLOY, ...deploy } });

describe('the deploy section of a service configuration', () => {
  it('fills in defaults for a minimal section', () => {
    const deploy = parseServiceConfig(withDeploy({})).deploy;
    assert.deepEqual(
      { tagPattern: deploy?.image.tagPattern, finalBake: deploy?.finalBakeMinutes, timeout: deploy?.greenStableTimeoutMinutes, interval: deploy?.checkIntervalSeconds, alarms: deploy?.rollbackAlarms, approval: deploy?.manualApproval, notify: deploy?.notify },
      { tagPattern: '*', finalBake: 0, timeout: 10, interval: 15, alarms: [], approval: false, notify: [] },
    );
  });

  it('bounds the waits: bakes checked every 2 hours, an approval that rolls back after 24 hours', () => {
    const deploy = parseServiceConfig(withDeploy({ manualApproval: true })).deploy;
    assert.deepEqual(
      { bakeCheck: deploy?.bakeCheckMinutes, approvalTimeout: deploy?.approvalTimeoutMinutes, onTimeout: deploy?.approvalTimeoutAction },
      { bakeCheck: 120, approvalTimeout: 1440, onTimeout: 'rollback' },
    );
  });

  const valid: Array<[string, Record<string, unknown>]> = [
    ['a canary with a fractional bake', { strategy: { type: 'canary', percent: 10, bakeMinutes: 0.25 } }],
    ['a linear strategy', { strategy: { type: 'linear', stepPercent: 20, intervalMinutes: 3 } }],
    ['a listener rule and a test listener', { loadBalancer: { ...MINIMAL_DEPLOY.loadBalancer, production: { ...MINIMAL_DEPLOY.loadBalancer.production, ruleArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee' }, test: { listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/50dc6c495c0c9188/0467ef3c8400ae65' } } }],
    ['a Lambda pre-traffic hook', { preTrafficHook: { lambda: 'harbormaster-hook-smoke' } }],
    ['an HTTPS pre-traffic hook', { preTrafficHook: { url: 'https://web.example.com/health' } }],
    ['an approval gate of 7 days that proceeds on timeout', { manualApproval: true, approvalTimeoutMinutes: 10080, approvalTimeoutAction: 'proceed' }],
    ['a bake check every few seconds (tests) and once a day', { bakeCheckMinutes: 0.05 }],
    ['a daily bake check', { bakeCheckMinutes: 1440 }],
    ['Slack approvers (a user and an Enterprise Grid user)', { manualApproval: true, approvers: { slackUsers: ['U012AB3CD', 'W0123ABCDEF'] } }],
  ];
  for (const [name, deploy] of valid) {
    it(`accepts ${name}`, () => assert.doesNotThrow(() => parseServiceConfig(withDeploy(deploy))));
  }

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown strategy', { strategy: { type: 'big-bang' } }, /deploy\.strategy\.type: Invalid discriminator value\. Expected 'all-at-once' \| 'canary' \| 'linear'/],
    ['a canary of 0 %', { strategy: { type: 'canary', percent: 0, bakeMinutes: 5 } }, /deploy\.strategy\.percent: must be at least 1/],
    ['a canary of 100 %', { strategy: { type: 'canary', percent: 100, bakeMinutes: 5 } }, /deploy\.strategy\.percent: must be at most 99/],
    ['a fractional linear step', { strategy: { type: 'linear', stepPercent: 12.5, intervalMinutes: 1 } }, /deploy\.strategy\.stepPercent: must be a whole percentage/],
    ['a negative bake', { strategy: { type: 'canary', percent: 10, bakeMinutes: -1 } }, /deploy\.strategy\.bakeMinutes: must be 0 or more minutes/],
    ['no container to replace', { image: { repository: 'web', containers: [] } }, /deploy\.image\.containers: must name at least one container/],
    ['an uppercase repository', { image: { repository: 'Web', containers: ['app'] } }, /deploy\.image\.repository: must be an ECR repository name/],
    ['a tag pattern with a slash', { image: { repository: 'web', tagPattern: 'release/*', containers: ['app'] } }, /deploy\.image\.tagPattern: must be 1–128 tag characters or \*/],
    ['the same target group twice', { loadBalancer: { ...MINIMAL_DEPLOY.loadBalancer, targetGroupArns: [MINIMAL_DEPLOY.loadBalancer.targetGroupArns[0], MINIMAL_DEPLOY.loadBalancer.targetGroupArns[0]] } }, /deploy\.loadBalancer\.targetGroupArns: targetGroupArns must name two different target groups/],
    ['a target group where a listener belongs', { loadBalancer: { ...MINIMAL_DEPLOY.loadBalancer, production: { listenerArn: MINIMAL_DEPLOY.loadBalancer.targetGroupArns[0] } } }, /deploy\.loadBalancer\.production\.listenerArn: must be an ELBv2 listener ARN/],
    ['a plain-HTTP hook', { preTrafficHook: { url: 'http://web.example.com/health' } }, /deploy\.preTrafficHook/],
    ['a hook Lambda Harbormaster may not invoke', { preTrafficHook: { lambda: 'payments-prod-refund' } }, /deploy\.preTrafficHook/],
    ['an unknown key', { bakeTime: 5 }, /deploy: Unrecognized key: "bakeTime"/],
    ['an approval gate held for a year', { manualApproval: true, approvalTimeoutMinutes: 525_600 }, /deploy\.approvalTimeoutMinutes: must be at most 10080 minutes \(7 days\)/],
    ['an approval timeout of 0', { approvalTimeoutMinutes: 0 }, /deploy\.approvalTimeoutMinutes: must be more than 0 minutes/],
    ['an unknown approval timeout action', { approvalTimeoutAction: 'approve' }, /deploy\.approvalTimeoutAction/],
    ['a bake check less often than daily', { bakeCheckMinutes: 2000 }, /deploy\.bakeCheckMinutes: must be at most 1440 minutes \(a day\)/],
    ['a bake check interval of 0', { bakeCheckMinutes: 0 }, /deploy\.bakeCheckMinutes: must be more than 0 minutes/],
    ['a Slack user name where an id belongs', { approvers: { slackUsers: ['@jane'] } }, /deploy\.approvers\.slackUsers\.0: must be a Slack user id/],
    ['an unknown approvers key', { approvers: { emails: ['jane@example.com'] } }, /deploy\.approvers: Unrecognized key: "emails"/],
    ['more rollback alarms than one wait registers', { rollbackAlarms: Array.from({ length: 21 }, (_, index) => `alarm-${index}`) }, /deploy\.rollbackAlarms: must name at most 20 alarms/],
  ];
  for (const [name, deploy, message] of invalid) {
    it(`rejects ${name} with a message naming the path`, () => {
      assert.throws(() => parseServiceConfig(withDeploy(deploy)), (error: unknown) => error instanceof InvalidConfigError && message.test(error.message));
    });
  }
});

describe('upper bounds of the deploy section', () => {
  const bounds: Array<[string, Record<string, unknown>, string]> = [
    ['a canary bake of 1e9 minutes', { strategy: { type: 'canary', percent: 10, bakeMinutes: 1e9 } }, 'deploy.strategy.bakeMinutes: must be at most 1440 minutes (24 h)'],
    ['a linear interval above a day', { strategy: { type: 'linear', stepPercent: 10, intervalMinutes: 1441 } }, 'deploy.strategy.intervalMinutes: must be at most 1440 minutes (24 h)'],
    ['a final bake above a day', { finalBakeMinutes: 1440.5 }, 'deploy.finalBakeMinutes: must be at most 1440 minutes (24 h)'],
    ['a green stability timeout above 4 h', { greenStableTimeoutMinutes: 241 }, 'deploy.greenStableTimeoutMinutes: must be at most 240 minutes (4 h)'],
    ['a check interval above 5 min', { checkIntervalSeconds: 301 }, 'deploy.checkIntervalSeconds: must be at most 300 seconds (5 min)'],
    ['11 containers', { image: { repository: 'web', containers: Array.from({ length: 11 }, (_, index) => `c${index}`) } }, 'deploy.image.containers: must name at most 10 containers (a task definition has no more)'],
    ['a 257-character repository', { image: { repository: 'a'.repeat(257), containers: ['app'] } }, 'deploy.image.repository: must be at most 256 characters (ECR)'],
    ['21 notification routes', { notify: Array.from({ length: 21 }, (_, index) => `route-${index}`) }, 'deploy.notify: must name at most 20 routes'],
  ];
  for (const [name, deploy, problem] of bounds) {
    it(`refuses ${name}, naming the field and the limit`, () => {
      assert.throws(() => parseServiceConfig(withDeploy(deploy)), (error: unknown) => error instanceof InvalidConfigError && error.problems.includes(problem));
    });
  }

  it('accepts every field at its limit', () => {
    const atLimits = {
      strategy: { type: 'canary', percent: 99, bakeMinutes: 1440 },
      finalBakeMinutes: 1440,
      greenStableTimeoutMinutes: 240,
      checkIntervalSeconds: 300,
      image: { repository: 'a'.repeat(256), containers: Array.from({ length: 10 }, (_, index) => `c${index}`) },
      rollbackAlarms: Array.from({ length: 20 }, (_, index) => `alarm-${index}`),
      notify: Array.from({ length: 20 }, (_, index) => `route-${index}`),
    };
    assert.doesNotThrow(() => parseServiceConfig(withDeploy(atLimits)));
  });
});
