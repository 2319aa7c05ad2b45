import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atInstant, isKnownTimeZone, nextFireTimes, parseScheduleExpression } from '../../../../functions/schedules/domain/fire-times.ts';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString().replace('.000', ''));

describe('nextFireTimes', () => {
  // 2026: US clocks spring forward on 8 March (02:00 EST → 03:00 EDT) and fall back on 1 November (02:00 EDT → 01:00 EST);
  // UK clocks on 29 March (01:00 GMT → 02:00 BST) and 25 October (02:00 BST → 01:00 GMT).
  const cases: Array<{ name: string; expression: string; timeZone: string; after: string; count: number; startDate?: string; endDate?: string; expected: string[] }> = [
    {
      name: 'a 02:30 daily job is skipped on the spring-forward day (the time does not exist)',
      expression: 'cron(30 2 * * ? *)',
      timeZone: 'America/New_York',
      after: '2026-03-06T12:00:00Z',
      count: 4,
      expected: ['2026-03-07T07:30:00Z', '2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z', '2026-03-11T06:30:00Z'],
    },
    {
      name: 'a 01:30 daily job fires once on the fall-back day, at the first 01:30 (EDT)',
      expression: 'cron(30 1 * * ? *)',
      timeZone: 'America/New_York',
      after: '2026-10-30T12:00:00Z',
      count: 3,
      expected: ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z'],
    },
    {
      name: 'an every-30-minutes job does not repeat the fall-back hour',
      expression: 'cron(0/30 * * * ? *)',
      timeZone: 'America/New_York',
      after: '2026-11-01T04:45:00Z',
      count: 5,
      expected: ['2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T07:00:00Z', '2026-11-01T07:30:00Z', '2026-11-01T08:00:00Z'],
    },
    {
      name: 'asked during the second pass of the repeated hour, the times already fired in the first are not listed',
      expression: 'cron(0/30 * * * ? *)',
      timeZone: 'America/New_York',
      after: '2026-11-01T06:15:00Z',
      count: 2,
      expected: ['2026-11-01T07:00:00Z', '2026-11-01T07:30:00Z'],
    },
    {
      name: 'an every-30-minutes job skips the spring-forward gap',
      expression: 'cron(0/30 * * * ? *)',
      timeZone: 'America/New_York',
      after: '2026-03-08T06:15:00Z',
      count: 3,
      expected: ['2026-03-08T06:30:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:30:00Z'],
    },
    {
      name: 'Europe/London: 01:30 does not exist on 29 March',
      expression: 'cron(30 1 * * ? *)',
      timeZone: 'Europe/London',
      after: '2026-03-27T12:00:00Z',
      count: 3,
      expected: ['2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z'],
    },
    {
      name: 'Europe/London: 01:30 fires once on 25 October (BST)',
      expression: 'cron(30 1 * * ? *)',
      timeZone: 'Europe/London',
      after: '2026-10-24T12:00:00Z',
      count: 3,
      expected: ['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z', '2026-10-27T01:30:00Z'],
    },
    {
      name: 'Europe/London: month and day names, Mondays in the first quarter',
      expression: 'cron(0 8 ? JAN-MAR MON *)',
      timeZone: 'Europe/London',
      after: '2026-03-20T00:00:00Z',
      count: 3,
      expected: ['2026-03-23T08:00:00Z', '2026-03-30T07:00:00Z', '2027-01-04T08:00:00Z'],
    },
    {
      name: 'L in day-of-month: the last day, 29 February in a leap year',
      expression: 'cron(0 12 L * ? *)',
      timeZone: 'UTC',
      after: '2028-01-30T00:00:00Z',
      count: 3,
      expected: ['2028-01-31T12:00:00Z', '2028-02-29T12:00:00Z', '2028-03-31T12:00:00Z'],
    },
    {
      name: '1W: a Sunday 1st moves to Monday the 2nd, a Saturday 1st to Monday the 3rd (never back into the previous month)',
      expression: 'cron(0 9 1W * ? *)',
      timeZone: 'UTC',
      after: '2026-01-15T00:00:00Z',
      count: 7,
      expected: ['2026-02-02T09:00:00Z', '2026-03-02T09:00:00Z', '2026-04-01T09:00:00Z', '2026-05-01T09:00:00Z', '2026-06-01T09:00:00Z', '2026-07-01T09:00:00Z', '2026-08-03T09:00:00Z'],
    },
    {
      name: '31W: a weekend 31st moves back to Friday (never into the next month); months without a 31st are skipped',
      expression: 'cron(0 9 31W * ? *)',
      timeZone: 'UTC',
      after: '2026-01-15T00:00:00Z',
      count: 3,
      expected: ['2026-01-30T09:00:00Z', '2026-03-31T09:00:00Z', '2026-05-29T09:00:00Z'],
    },
    {
      name: '6#3: the third Friday (day-of-week 1-7 = SUN-SAT)',
      expression: 'cron(0 10 ? * 6#3 *)',
      timeZone: 'UTC',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-16T10:00:00Z', '2026-02-20T10:00:00Z', '2026-03-20T10:00:00Z'],
    },
    {
      name: '6L: the last Friday of the month',
      expression: 'cron(0 10 ? * 6L *)',
      timeZone: 'UTC',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-30T10:00:00Z', '2026-02-27T10:00:00Z', '2026-03-27T10:00:00Z'],
    },
    {
      name: 'L in day-of-week: the last day of the week, Saturday',
      expression: 'cron(0 10 ? * L *)',
      timeZone: 'UTC',
      after: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-01-03T10:00:00Z', '2026-01-10T10:00:00Z'],
    },
    {
      name: 'MON-FRI',
      expression: 'cron(0 18 ? * MON-FRI *)',
      timeZone: 'UTC',
      after: '2026-01-30T00:00:00Z',
      count: 2,
      expected: ['2026-01-30T18:00:00Z', '2026-02-02T18:00:00Z'],
    },
    {
      name: 'the year field ends the schedule',
      expression: 'cron(0 0 1 1 ? 2027-2028)',
      timeZone: 'UTC',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z'],
    },
    {
      name: '1/10: every tenth minute from minute 1',
      expression: 'cron(1/10 * * * ? *)',
      timeZone: 'UTC',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-01T00:01:00Z', '2026-01-01T00:11:00Z', '2026-01-01T00:21:00Z'],
    },
    {
      name: 'startDate and endDate bound a cron schedule',
      expression: 'cron(0 12 * * ? *)',
      timeZone: 'UTC',
      after: '2026-01-01T00:00:00Z',
      startDate: '2026-01-03T00:00:00Z',
      endDate: '2026-01-05T12:00:00Z',
      count: 5,
      expected: ['2026-01-03T12:00:00Z', '2026-01-04T12:00:00Z', '2026-01-05T12:00:00Z'],
    },
    {
      name: 'rate counts from startDate',
      expression: 'rate(5 minutes)',
      timeZone: 'UTC',
      after: '2026-01-01T00:06:00Z',
      startDate: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-01-01T00:10:00Z', '2026-01-01T00:15:00Z'],
    },
    {
      name: 'rate(1 day) is 24 hours of elapsed time, across a DST change',
      expression: 'rate(1 day)',
      timeZone: 'America/New_York',
      after: '2026-03-07T12:00:00Z',
      startDate: '2026-03-01T14:00:00Z',
      count: 2,
      expected: ['2026-03-07T14:00:00Z', '2026-03-08T14:00:00Z'],
    },
    {
      name: 'at() in its zone',
      expression: 'at(2026-11-01T01:30:00)',
      timeZone: 'America/New_York',
      after: '2026-01-01T00:00:00Z',
      count: 5,
      expected: ['2026-11-01T05:30:00Z'],
    },
    {
      name: 'at() in a spring-forward gap never fires',
      expression: 'at(2026-03-08T02:30:00)',
      timeZone: 'America/New_York',
      after: '2026-01-01T00:00:00Z',
      count: 5,
      expected: [],
    },
    {
      name: 'at() in the past',
      expression: 'at(2025-01-01T00:00:00)',
      timeZone: 'UTC',
      after: '2026-01-01T00:00:00Z',
      count: 5,
      expected: [],
    },
  ];
  for (const { name, expression, expected, ...options } of cases) {
    it(`${expression} ${options.timeZone}: ${name}`, () => {
      assert.deepEqual(iso(nextFireTimes(expression, { ...options, after: new Date(options.after) })), expected);
    });
  }

  it('rejects an unknown zone and an invalid expression', () => {
    assert.throws(() => nextFireTimes('cron(0 12 * * ? *)', { timeZone: 'Mars/Olympus_Mons', after: new Date(), count: 1 }), /unknown time zone 'Mars\/Olympus_Mons'/);
    assert.throws(() => nextFireTimes('cron(0 12 * * *)', { timeZone: 'UTC', after: new Date(), count: 1 }), /six fields/);
  });
});

describe('parseScheduleExpression', () => {
  const invalid: Array<[string, RegExp]> = [
    ['cron(0 12 1 * MON *)', /use \? in exactly one of day-of-month and day-of-week/],
    ['cron(0 12 ? * ? *)', /use \? in exactly one of day-of-month and day-of-week/],
    ['cron(0 12 * * *)', /cron needs six fields .* got 5/],
    ['cron(0 0 12 * * ? *)', /cron needs six fields .* got 7/],
    ['cron(0 12 * * ? 1969)', /year: '1969' is outside 1970-2199/],
    ['cron(0 12 * * ? 2200)', /year: '2200' is outside 1970-2199/],
    ['cron(0 12 * * ? 20x6)', /year: '20x6' is not a value of year/],
    ['cron(0 12 ? * 0 *)', /day-of-week: '0' is outside 1-7 or SUN-SAT/],
    ['cron(0 12 ? * 8 *)', /day-of-week: '8' is outside 1-7 or SUN-SAT/],
    ['cron(0 12 ? * 3#1,6#3 *)', /a # expression must be the only one in the field/],
    ['cron(0 12 ? * 2#6 *)', /the occurrence after # must be 1-5/],
    ['cron(0 12 ? * MON/2 *)', /day-of-week: 'MON\/2': \/ is not allowed in day-of-week/],
    ['cron(61 12 * * ? *)', /minutes: '61' is outside 0-59/],
    ['cron(0 24 * * ? *)', /hours: '24' is outside 0-23/],
    ['cron(0 12 32 * ? *)', /day-of-month: '32' is outside 1-31/],
    ['cron(0 12 * 13 ? *)', /month: '13' is outside 1-12 or JAN-DEC/],
    ['cron(0 12 ? ? * *)', /month: \? is only allowed in day-of-month or day-of-week/],
    ['cron(0 12 W * ? *)', /W needs a day of the month before it/],
    ['cron(0 22-2 * * ? *)', /hours: range '22-2' runs backwards/],
    ['cron(0/0 * * * ? *)', /the increment after \/ must be a positive number/],
    ['rate(1 minutes)', /use the singular unit for 1/],
    ['rate(5 minute)', /use the singular unit for 1 and the plural otherwise/],
    ['rate(0 minutes)', /the value must be at least 1/],
    ['rate(5 weeks)', /the unit must be minute\(s\), hour\(s\) or day\(s\), got 'weeks'/],
    ['rate(five minutes)', /rate needs a positive whole number and a unit/],
    ['at(2026-02-30T10:00:00)', /2026-02-30T10:00:00 is not a real date and time/],
    ['at(2026-03-01 10:00)', /at needs a local date and time yyyy-mm-ddThh:mm:ss/],
    ['at(2026-03-01T10:00:00Z)', /at needs a local date and time/],
    ['every day', /'every day' is not cron\(…\), rate\(…\) or at\(…\)/],
    ['0 12 * * ? *', /is not cron\(…\), rate\(…\) or at\(…\)/],
  ];
  for (const [expression, message] of invalid) {
    it(`rejects ${expression}`, () => {
      const parsed = parseScheduleExpression(expression);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.error, message);
    });
  }

  const valid: Array<[string, string]> = [
    ['cron(0 10 * * ? *)', 'cron'],
    ['cron(0/5 8-17 ? * MON-FRI *)', 'cron'],
    ['cron(15 12 L * ? 2026,2027)', 'cron'],
    ['cron(0 8 ? jan-mar mon,wed *)', 'cron'],
    ['rate(1 minute)', 'rate'],
    ['rate(12 hours)', 'rate'],
    ['rate(1 day)', 'rate'],
    ['at(2026-12-24T18:00:00)', 'at'],
  ];
  for (const [expression, kind] of valid) {
    it(`accepts ${expression}`, () => {
      const parsed = parseScheduleExpression(expression);
      assert.equal(parsed.ok && parsed.value.kind, kind);
    });
  }
});

describe('time zones', () => {
  it('knows IANA zones and UTC, not made-up ones', () => {
    assert.equal(isKnownTimeZone('UTC'), true);
    assert.equal(isKnownTimeZone('Europe/London'), true);
    assert.equal(isKnownTimeZone('Asia/Kathmandu'), true);
    assert.equal(isKnownTimeZone('Europe/Atlantis'), false);
  });
  it('places a wall-clock time in a zone with a 45-minute offset', () => {
    assert.equal(atInstant('2026-06-01T12:00:00', 'Asia/Kathmandu')?.toISOString(), '2026-06-01T06:15:00.000Z');
  });
});
