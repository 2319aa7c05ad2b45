import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem, readConfigText } from '../../../functions/config/index.ts';
import { parseSchedule } from '../../../functions/schedules/config.ts';
import type { Schedule } from '../../../functions/schedules/domain/schedule.ts';

const SERVICES = 'services:\n  shop: { cluster: demo }\n';
const fileWith = (schedule: string) => `${SERVICES}schedules:\n  nightly:\n${schedule.replace(/^/gm, '    ')}\n`;
const BASE = 'expression: cron(0 2 * * ? *)\ncluster: demo\ntaskDefinition: { followService: shop }';

const problemsOf = (text: string) => {
  const result = readConfigText(text);
  return result.ok ? [] : result.problems.map((problem) => formatProblem('h.yml', problem));
};

describe('the schedules section', () => {
  it('yields exactly a Schedule, defaults applied', () => {
    const result = readConfigText(fileWith(BASE));
    assert.ok(result.ok, JSON.stringify(result.ok ? '' : result.problems));
    const expected: Schedule = {
      name: 'nightly',
      expression: 'cron(0 2 * * ? *)',
      timeZone: 'UTC',
      flexibleWindowMinutes: 0,
      cluster: 'demo',
      taskDefinition: { followService: 'shop' },
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      retries: { limit: 0, backoffSeconds: 30 },
      history: { successful: 10, failed: 10 },
      suspended: false,
    };
    assert.deepEqual(result.entries.get('schedules'), [{ id: 'nightly', label: 'nightly', path: ['schedules', 'nightly'], value: expected }]);
    assert.deepEqual(parseSchedule(expected), expected);
  });

  it('accepts every field', () => {
    const result = readConfigText(
      fileWith(
        [
          'expression: rate(1 hour)',
          'timeZone: Europe/London',
          'startDate: 2027-01-01T00:00:00Z',
          'endDate: 2027-12-31T00:00:00+01:00',
          'flexibleWindowMinutes: 15',
          'cluster: arn:aws:ecs:us-east-1:123456789012:cluster/demo',
          'taskDefinition: { revision: report:7 }',
          'overrides: { containers: [{ name: app, command: [report, --all], environment: { MODE: full }, cpu: 256, memory: 512 }] }',
          'capacityProviderStrategy: [{ capacityProvider: FARGATE_SPOT, weight: 1 }]',
          'network: { subnets: [subnet-0abc], securityGroups: [sg-0def], assignPublicIp: false }',
          'concurrencyPolicy: Replace',
          'startingDeadlineSeconds: 600',
          'timeoutSeconds: 3600',
          'retries: { limit: 2, backoffSeconds: 60 }',
          'history: { successful: 3, failed: 5 }',
          'suspended: true',
        ].join('\n'),
      ),
    );
    assert.ok(result.ok, JSON.stringify(result.ok ? '' : result.problems));
  });

  const cases: Array<{ name: string; schedule: string; expected: RegExp }> = [
    { name: 'a cron with both days', schedule: 'expression: cron(0 2 1 * MON *)\ncluster: demo\ntaskDefinition: { family: report }', expected: /schedules\.nightly\.expression: cron\(0 2 1 \* MON \*\): use \? in exactly one/ },
    { name: 'a five-field cron', schedule: 'expression: cron(0 2 * * ?)\ncluster: demo\ntaskDefinition: { family: report }', expected: /expression: .*six fields/ },
    { name: 'a bad year', schedule: 'expression: cron(0 2 * * ? 1900)\ncluster: demo\ntaskDefinition: { family: report }', expected: /expression: .*year: '1900' is outside 1970-2199/ },
    { name: 'a bad rate', schedule: 'expression: rate(2 weeks)\ncluster: demo\ntaskDefinition: { family: report }', expected: /expression: rate\(2 weeks\): the unit must be/ },
    { name: 'a bad at', schedule: 'expression: at(2027-13-01T00:00:00)\ncluster: demo\ntaskDefinition: { family: report }', expected: /expression: at\(2027-13-01T00:00:00\): .* is not a real date/ },
    { name: 'an at() in a DST gap', schedule: 'expression: at(2027-03-14T02:30:00)\ntimeZone: America/New_York\ncluster: demo\ntaskDefinition: { family: report }', expected: /expression: 2027-03-14T02:30:00 does not exist in America\/New_York/ },
    { name: 'an unknown zone', schedule: `${BASE}\ntimeZone: Europe/Atlantis`, expected: /schedules\.nightly\.timeZone: must be an IANA time zone/ },
    { name: 'startDate after endDate', schedule: `${BASE}\nstartDate: 2027-02-01T00:00:00Z\nendDate: 2027-01-01T00:00:00Z`, expected: /schedules\.nightly\.endDate: must be after startDate/ },
    { name: 'a date without a zone', schedule: `${BASE}\nstartDate: 2027-02-01T00:00:00`, expected: /schedules\.nightly\.startDate: must be an ISO 8601 date and time with a zone/ },
    { name: 'Fargate without subnets', schedule: `${BASE}\nlaunchType: FARGATE`, expected: /schedules\.nightly\.network: Fargate tasks use awsvpc networking/ },
    { name: 'a Fargate capacity provider without subnets', schedule: `${BASE}\ncapacityProviderStrategy: [{ capacityProvider: FARGATE }]`, expected: /schedules\.nightly\.network: Fargate tasks use awsvpc/ },
    { name: 'launchType and a strategy', schedule: `${BASE}\nlaunchType: EC2\ncapacityProviderStrategy: [{ capacityProvider: cp }]`, expected: /capacityProviderStrategy: give launchType or capacityProviderStrategy, not both/ },
    { name: 'two task definitions', schedule: 'expression: rate(1 day)\ncluster: demo\ntaskDefinition: { family: report, revision: report:3 }', expected: /taskDefinition: must give exactly one of family, revision or followService \(got family and revision\)/ },
    { name: 'no task definition', schedule: 'expression: rate(1 day)\ncluster: demo\ntaskDefinition: {}', expected: /taskDefinition: must give exactly one of family, revision or followService/ },
    { name: 'a revision without its number', schedule: 'expression: rate(1 day)\ncluster: demo\ntaskDefinition: { revision: report }', expected: /taskDefinition\.revision: must be family:revision/ },
    { name: 'following an undeclared service', schedule: 'expression: rate(1 day)\ncluster: demo\ntaskDefinition: { followService: cart }', expected: /h\.yml:7:\d+ {2}schedules\.nightly\.taskDefinition\.followService: names no service of this file's services section \(shop\)/ },
    { name: 'too much history', schedule: `${BASE}\nhistory: { successful: 1000 }`, expected: /history\.successful: must be at most 100/ },
    { name: 'too many retries', schedule: `${BASE}\nretries: { limit: 50 }`, expected: /retries\.limit: must be at most 10/ },
    { name: 'a deadline under a minute', schedule: `${BASE}\nstartingDeadlineSeconds: 5`, expected: /startingDeadlineSeconds: must be at least 60/ },
    { name: 'a timeout over 7 days', schedule: `${BASE}\ntimeoutSeconds: 999999`, expected: /timeoutSeconds: must be at most 604800/ },
    { name: 'a missing cluster', schedule: 'expression: rate(1 day)\ntaskDefinition: { family: report }', expected: /schedules\.nightly\.cluster: is required/ },
    { name: 'an unknown field', schedule: `${BASE}\nschedule: daily`, expected: /schedules\.nightly\.schedule: is not a known field/ },
    { name: 'start/end dates on an at()', schedule: 'expression: at(2027-01-01T00:00:00)\nstartDate: 2026-12-01T00:00:00Z\ncluster: demo\ntaskDefinition: { family: report }', expected: /startDate: applies to cron and rate schedules only/ },
  ];
  for (const { name, schedule, expected } of cases) {
    it(`rejects ${name}`, () => {
      const problems = problemsOf(fileWith(schedule));
      assert.ok(problems.some((problem) => expected.test(problem)), problems.join('\n') || '(no problems)');
    });
  }

  it('rejects a schedule name Scheduler would refuse', () => {
    const problems = problemsOf(`${SERVICES}schedules:\n  'nightly report':\n${BASE.replace(/^/gm, '    ')}\n`);
    assert.ok(problems.some((problem) => /must be 1–64 letters, digits, dots, hyphens or underscores/.test(problem)), problems.join('\n'));
  });

  it('refuses a stored item that was edited by hand', () => {
    assert.throws(() => parseSchedule({ name: 'nightly', expression: 'cron(0 2 * * *)', cluster: 'demo', taskDefinition: { family: 'x' } }), /Invalid configuration for schedule nightly:\n {2}- expression: .*six fields/);
  });
});
