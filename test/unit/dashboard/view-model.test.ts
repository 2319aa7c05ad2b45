import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceStatus, StepProgress } from '../../../functions/deploy/domain/service-status.ts';
import {
  ageText,
  availableControls,
  barWidth,
  currentStepIndex,
  deploySummary,
  healthBadge,
  outcomeBadge,
  productionWeights,
  scalingChartData,
  sortServices,
  stepSummary,
  taskCountText,
  timeLeftSeconds,
  utcText,
} from '../../../cli/dashboard/web/view-model.ts';

const NOW = Date.parse('2026-12-02T13:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('ageText', () => {
  const cases: Array<[string, string]> = [
    [ago(0), 'just now'],
    [ago(-1), 'just now'],
    [ago(45), '45s ago'],
    [ago(185), '3m5s ago'],
    [ago(90_000), '1d1h ago'],
    [ago(-120), 'in 2m'],
    ['not a time', 'not a time'],
  ];
  for (const [iso, text] of cases) it(`${iso} reads ${text}`, () => assert.equal(ageText(iso, NOW), text));
});

describe('utcText', () => {
  it('shows UTC to the second', () => assert.equal(utcText('2026-12-02T13:05:09.123Z'), '2026-12-02 13:05:09Z'));
  it('leaves what is not a time as it is', () => assert.equal(utcText('soon'), 'soon'));
});

describe('timeLeftSeconds', () => {
  const cases: Array<[string, Pick<StepProgress, 'state' | 'seconds' | 'startedAt'>, number | undefined]> = [
    ['a bake 4 min into 15', { state: 'running', seconds: 900, startedAt: ago(240) }, 660],
    ['a bake past its time (the machine has not moved yet)', { state: 'running', seconds: 60, startedAt: ago(90) }, 0],
    ['part of a second left rounds up, so 0 means over', { state: 'running', seconds: 60, startedAt: new Date(NOW - 59_500).toISOString() }, 1],
    ['a step that is done', { state: 'done', seconds: 900, startedAt: ago(240) }, undefined],
    ['a running step without a planned time', { state: 'running', startedAt: ago(10) }, undefined],
    ['a running step not yet started', { state: 'running', seconds: 900 }, undefined],
  ];
  for (const [name, step, left] of cases) it(`${name}: ${left}`, () => assert.equal(timeLeftSeconds(step, NOW), left));
});

describe('currentStepIndex', () => {
  it('is the running step', () => assert.equal(currentStepIndex([{ state: 'done' }, { state: 'running' }, { state: 'pending' }]), 1));
  it('is -1 when none runs', () => assert.equal(currentStepIndex([{ state: 'done' }, { state: 'failed' }, { state: 'skipped' }]), -1));
});

describe('barWidth', () => {
  const cases: Array<[number | undefined, string]> = [
    [10, '10%'],
    [0, '0%'],
    [33.333, '33.3%'],
    [140, '100%'],
    [-5, '0%'],
    [Number.NaN, '0%'],
    [undefined, '0%'],
  ];
  for (const [percent, width] of cases) it(`${percent} → ${width}`, () => assert.equal(barWidth(percent), width));
});

describe('productionWeights', () => {
  it('gives blue what green does not have', () => assert.deepEqual(productionWeights({ greenWeight: 10 }), { green: 10, blue: 90 }));
  it('clamps a bad weight', () => assert.deepEqual(productionWeights({ greenWeight: 120 }), { green: 100, blue: 0 }));
});

describe('taskCountText', () => {
  const cases: Array<[Parameters<typeof taskCountText>[0], string]> = [
    [{ desired: 2, running: 1, pending: 1 }, '1 of 2 running (1 pending)'],
    [{ desired: 2, running: 2, pending: 0 }, '2 of 2 running'],
    [{ desired: 3 }, '3 desired'],
    [undefined, 'none'],
  ];
  for (const [taskSet, text] of cases) it(text, () => assert.equal(taskCountText(taskSet), text));
});

describe('healthBadge', () => {
  const cases: Array<[Pick<ServiceStatus, 'found' | 'stable'>, string, string]> = [
    [{ found: false, stable: false }, 'Missing', 'bad'],
    [{ found: true, stable: true }, 'Stable', 'ok'],
    [{ found: true, stable: false }, 'Not stable', 'warn'],
    [{ found: true }, 'Not counted', 'muted'],
  ];
  for (const [status, label, tone] of cases) it(`${label} (${tone})`, () => assert.deepEqual(healthBadge(status), { label, tone }));
});

describe('outcomeBadge', () => {
  const cases: Array<[string, string, string]> = [
    ['SUCCEEDED', 'Succeeded', 'ok'],
    ['FAILED', 'Failed', 'bad'],
    ['ROLLED_BACK', 'Rolled back', 'warn'],
    ['RUNNING', 'Running', 'info'],
    ['scaled', 'Scaled', 'ok'],
    ['cooldown', 'Cooldown', 'warn'],
    ['at-limit', 'At-limit', 'warn'],
    ['Inconclusive', 'Inconclusive', 'warn'],
    ['whatever', 'Whatever', 'muted'],
  ];
  for (const [status, label, tone] of cases) it(`${status} → ${label} (${tone})`, () => assert.deepEqual(outcomeBadge(status), { label, tone }));
});

describe('stepSummary', () => {
  const cases: Array<[Parameters<typeof stepSummary>[0], string]> = [
    [{ kind: 'shift', greenWeight: 10, seconds: 900 }, 'green 10%, bake 15m'],
    [{ kind: 'promote', greenWeight: 100, seconds: 300 }, 'green becomes primary, bake 5m'],
    [{ kind: 'approval', seconds: 1800 }, 'wait for approval (up to 30m)'],
    [{ kind: 'stabilize', seconds: 600 }, "wait for green's tasks (up to 10m)"],
    [{}, ''],
  ];
  for (const [step, text] of cases) it(JSON.stringify(text), () => assert.equal(stepSummary(step), text));
});

describe('deploySummary', () => {
  const step = { name: 'traffic-10', state: 'running' as const, number: 3, of: 6 };
  const deploy = { deploymentId: 'd', status: 'RUNNING', trigger: 'push', image: { uri: 'x', label: 'x' }, requestedAt: ago(1), elapsedSeconds: 1, greenWeight: 10, steps: [], abortRequested: false, fastTrack: false, approved: false };
  it('names the running step and its place', () => assert.equal(deploySummary({ inFlight: true, deploy: { ...deploy, step } }), 'step 3 of 6: traffic-10'));
  it('gives the status before a step runs', () => assert.equal(deploySummary({ inFlight: true, deploy: { ...deploy, status: 'STARTING' } }), 'starting'));
  it('says queued when only a request waits', () => assert.equal(deploySummary({ inFlight: true, queued: { deploymentId: 'q', image: { uri: 'x', label: 'x' }, trigger: 'push', requestedAt: ago(1) } }), 'queued'));
  it('is undefined with nothing in flight', () => assert.equal(deploySummary({ inFlight: false }), undefined));
});

describe('sortServices', () => {
  it('puts missing, then deploying, then unstable services first, by name within each', () => {
    const services = [
      { name: 'b-ok', found: true, inFlight: false, stable: true },
      { name: 'a-ok', found: true, inFlight: false, stable: true },
      { name: 'unstable', found: true, inFlight: false, stable: false },
      { name: 'deploying', found: true, inFlight: true, stable: false },
      { name: 'missing', found: false, inFlight: false, stable: false },
    ];
    assert.deepEqual(sortServices(services).map((service) => service.name), ['missing', 'deploying', 'unstable', 'a-ok', 'b-ok']);
  });
});

describe('availableControls', () => {
  it('shows the running-deploy controls for the lock holder, Promote twice (a step, fully)', () => {
    const controls = availableControls({ approve: true, promote: true, abort: true, rollback: false, deploymentId: 'shop-1' }, 'shop');
    assert.deepEqual(
      controls.map((control) => [control.label, control.verb, control.body]),
      [
        ['Approve', 'approve', { deploymentId: 'shop-1' }],
        ['Promote', 'promote', { deploymentId: 'shop-1' }],
        ['Promote fully', 'promote', { deploymentId: 'shop-1', full: true }],
        ['Abort', 'abort', { deploymentId: 'shop-1' }],
      ],
    );
  });
  it('lets rollback pick its own deployment (the newest successful one)', () => {
    assert.deepEqual(
      availableControls({ approve: false, promote: false, abort: false, rollback: true }, 'shop').map((control) => [control.label, control.body]),
      [['Roll back', {}]],
    );
  });
  it('shows nothing when nothing applies', () => assert.deepEqual(availableControls({ approve: false, promote: false, abort: false, rollback: false }, 'shop'), []));
});

describe('scalingChartData', () => {
  it('aligns seconds, desired count and metric, with null where a point lacks one', () => {
    const data = scalingChartData({ metricName: 'CPUUtilization', points: [{ at: '2026-12-02T12:00:00Z', desiredCount: 2, metric: 40 }, { at: '2026-12-02T12:05:00Z', metric: 75 }, { at: 'bad' }] });
    assert.deepEqual(data, [[Date.parse('2026-12-02T12:00:00Z') / 1000, Date.parse('2026-12-02T12:05:00Z') / 1000], [2, null], [40, 75]]);
  });
});
