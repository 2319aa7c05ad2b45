import { Cron } from 'croner';
import { nextFireTimes } from '../functions/schedules/domain/fire-times.ts';

/**
 * Next fire times (functions/schedules/domain/fire-times.ts): fire times computed per millisecond, against croner
 * alone on the same pattern as the baseline. Ours parses EventBridge's dialect, runs croner in UTC and places every
 * wall-clock time in the zone with Intl (Scheduler's daylight-saving rules), so the ratio is what those cost. Figures
 * only; compare runs on one machine.
 */

const FIRES = 5;
const ROUNDS = 2000;
const after = new Date('2026-03-01T00:00:00Z');

const cases: Array<{ label: string; expression: string; croner: string; timeZone: string }> = [
  { label: 'daily 02:30, America/New_York', expression: 'cron(30 2 * * ? *)', croner: '0 30 2 * * *', timeZone: 'America/New_York' },
  { label: 'every 15 min weekdays, Europe/London', expression: 'cron(0/15 8-17 ? * MON-FRI *)', croner: '0 */15 8-17 * * MON-FRI', timeZone: 'Europe/London' },
  { label: 'last Friday 18:00, UTC', expression: 'cron(0 18 ? * 6L *)', croner: '0 0 18 * * 5#L', timeZone: 'UTC' },
];

function perMillisecond(run: () => Date[]): number {
  for (let warm = 0; warm < 200; warm += 1) run();
  const started = performance.now();
  let fires = 0;
  for (let round = 0; round < ROUNDS; round += 1) fires += run().length;
  return fires / (performance.now() - started);
}

const rows: Record<string, Record<string, string>> = {};
for (const { label, expression, croner, timeZone } of cases) {
  const ours = perMillisecond(() => nextFireTimes(expression, { timeZone, after, count: FIRES }));
  const baseline = perMillisecond(() => new Cron(croner, { timezone: timeZone, paused: true }).nextRuns(FIRES, after));
  rows[label] = { 'nextFireTimes fires/ms': ours.toFixed(1), 'croner alone fires/ms': baseline.toFixed(1), 'ours / croner': (ours / baseline).toFixed(2) };
}
console.log(`Next fire times: ${FIRES} fires per call, ${ROUNDS} calls per case (parse + enumerate each call)`);
console.table(rows);
