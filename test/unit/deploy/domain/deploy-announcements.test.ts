import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deployApprovalRequestedNotification,
  deployStartedNotification,
  deployStepCompletedNotification,
  deploySupersededNotification,
} from '../../../../functions/deploy/domain/deploy-announcements.ts';
import type { Notification } from '../../../../functions/kernel/notifications.ts';

const deployment = { deploymentId: 'web-a', cluster: 'prod', service: 'web', image: 'web@sha256:1', notify: ['#deploys'] };
const AT = '2026-12-02T06:40:00.000Z';

describe('deploy progress announcements', () => {
  const cases: Array<[string, Notification, { id: string; subject: string; details: Record<string, unknown> }]> = [
    [
      'the execution began',
      deployStartedNotification({ ...deployment, trigger: 'image-push', digest: 'sha256:1', strategy: { type: 'all-at-once' }, steps: [{ name: 'green-stable' }, { name: 'traffic-100' }], greenTaskDefinitionArn: 'td:2', startedAt: AT }),
      {
        id: 'deploy-started#web-a',
        subject: 'prod/web started deploying web@sha256:1',
        details: { deploymentId: 'web-a', image: 'web@sha256:1', trigger: 'image-push', digest: 'sha256:1', strategy: { type: 'all-at-once' }, plan: ['green-stable', 'traffic-100'], greenTaskDefinitionArn: 'td:2', routes: ['#deploys'] },
      },
    ],
    [
      'a traffic step ended, by its position in the plan',
      deployStepCompletedNotification({ ...deployment, step: { name: 'traffic-50', kind: 'shift', greenWeight: 50, blueWeight: 50 }, position: 3, stepCount: 5, endedAt: AT }),
      {
        id: 'deploy-step-completed#web-a#03',
        subject: 'prod/web web@sha256:1: step 3/5 traffic-50 done (green 50 %, blue 50 %)',
        details: { deploymentId: 'web-a', image: 'web@sha256:1', step: 'traffic-50', kind: 'shift', stepIndex: 2, stepCount: 5, weights: { blue: 50, green: 50 }, note: null, approvedBy: null, routes: ['#deploys'] },
      },
    ],
    [
      'the approval step ended, with who approved',
      deployStepCompletedNotification({ ...deployment, step: { name: 'approval', kind: 'approval', greenWeight: 0, blueWeight: 100 }, position: 2, stepCount: 4, approvedBy: 'slack:U1', endedAt: AT }),
      {
        id: 'deploy-step-completed#web-a#02',
        subject: 'prod/web web@sha256:1: step 2/4 approval done (green 0 %, blue 100 %)',
        details: { deploymentId: 'web-a', image: 'web@sha256:1', step: 'approval', kind: 'approval', stepIndex: 1, stepCount: 4, weights: { blue: 100, green: 0 }, note: null, approvedBy: 'slack:U1', routes: ['#deploys'] },
      },
    ],
    [
      'the gate waits: until when, what then, and the controls',
      deployApprovalRequestedNotification({ ...deployment, step: { name: 'approval', kind: 'approval', onTimeout: 'proceed' }, waitSeconds: 3600, greenTaskDefinitionArn: 'td:2', testListenerArn: 'listener/test', waitingSince: AT }),
      {
        id: 'deploy-approval-requested#web-a#approval',
        subject: 'prod/web waits for approval to deploy web@sha256:1 (until 2026-12-02T07:40:00.000Z, then it proceeds)',
        details: {
          deploymentId: 'web-a',
          image: 'web@sha256:1',
          step: 'approval',
          waitsFor: 'approval-gate',
          greenTaskDefinitionArn: 'td:2',
          testListenerArn: 'listener/test',
          waitingSince: AT,
          deadline: '2026-12-02T07:40:00.000Z',
          onTimeout: 'proceed',
          actions: ['approve', 'abort', 'fast-track'],
          routes: ['#deploys'],
        },
      },
    ],
    [
      'a step whose analysis was inconclusive waits for an approver too',
      deployApprovalRequestedNotification({ ...deployment, step: { name: 'traffic-10', kind: 'shift' }, waitSeconds: 600, greenTaskDefinitionArn: 'td:2', waitingSince: AT }),
      {
        id: 'deploy-approval-requested#web-a#traffic-10',
        subject: 'prod/web waits for approval at traffic-10 (its analysis was inconclusive) to deploy web@sha256:1 (until 2026-12-02T06:50:00.000Z)',
        details: {
          deploymentId: 'web-a',
          image: 'web@sha256:1',
          step: 'traffic-10',
          waitsFor: 'inconclusive-analysis',
          greenTaskDefinitionArn: 'td:2',
          testListenerArn: null,
          waitingSince: AT,
          deadline: '2026-12-02T06:50:00.000Z',
          onTimeout: null,
          actions: ['approve', 'abort', 'fast-track'],
          routes: ['#deploys'],
        },
      },
    ],
    [
      'a queued request replaced by a newer one',
      deploySupersededNotification({ ...deployment, trigger: 'image-push' }, { deploymentId: 'web-b', where: 'queue' }, AT),
      {
        id: 'deploy-superseded#web-a',
        subject: 'prod/web will not deploy web@sha256:1: the newer deployment web-b took its place in the queue',
        details: { deploymentId: 'web-a', image: 'web@sha256:1', trigger: 'image-push', supersededBy: 'web-b', where: 'queue', routes: [] },
      },
    ],
    [
      'a request that arrived after a newer one',
      deploySupersededNotification({ ...deployment, trigger: 'image-push' }, { deploymentId: 'web-b', where: 'late' }, AT),
      {
        id: 'deploy-superseded#web-a',
        subject: 'prod/web will not deploy web@sha256:1: the newer deployment web-b came first',
        details: { deploymentId: 'web-a', image: 'web@sha256:1', trigger: 'image-push', supersededBy: 'web-b', where: 'late', routes: [] },
      },
    ],
  ];
  for (const [name, notification, expected] of cases) {
    it(`announces ${name} under an id a retry repeats`, () => {
      assert.deepEqual({ id: notification.id, subject: notification.subject, details: notification.details }, expected);
      assert.deepEqual([notification.cluster, notification.service, notification.createdAt], ['prod', 'web', AT]);
    });
  }
});
