import type { ScheduleOverview } from '../../functions/schedules/index.ts';
import type { ScheduleRun } from '../../functions/schedules/domain/schedule.ts';
import { renderTable, type Colours } from '../output.ts';
import { inZone } from '../time-text.ts';

/** What `harbormaster schedules` and `schedules history` print for people. */

export function renderScheduleList(schedules: ScheduleOverview[], colours: Colours): string {
  if (schedules.length === 0) return 'No schedules are configured in this stage (declare them under schedules: in harbormaster.yml and apply).\n';
  const blocks = schedules.map((schedule) => {
    const state = schedule.suspended ? colours.yellow(`suspended${schedule.override ? ' (operator override)' : ''}`) : colours.green(`active${schedule.override ? ' (operator override)' : ''}`);
    const last = schedule.lastRun ? `${paintOutcome(schedule.lastRun.outcome, colours)} ${schedule.lastRun.scheduledTime} (${schedule.lastRun.trigger}, attempt ${schedule.lastRun.attempt})` : colours.dim('none yet');
    const fires = schedule.nextFireTimes.length === 0 ? [colours.dim('  (no further fire)')] : schedule.nextFireTimes.map((fire) => `  ${inZone(fire, schedule.timeZone)}`);
    return [`${colours.bold(schedule.name)}  ${schedule.expression}  ${schedule.timeZone}  ${state}`, `  last run: ${last}`, `  next fires${schedule.suspended ? ' (when resumed)' : ''}:`, ...fires.map((line) => `  ${line}`)].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

export function renderScheduleHistory(runs: ScheduleRun[], colours: Colours): string {
  return renderTable(
    ['scheduled', 'attempt', 'trigger', 'outcome', 'started', 'duration', 'exit codes', 'reason'],
    runs.map((run) => [
      run.scheduledTime,
      run.attempt,
      run.trigger,
      paintOutcome(run.outcome, colours),
      run.startedAt ?? '',
      run.durationSeconds === undefined ? '' : `${run.durationSeconds}s`,
      run.containers.map((container) => `${container.name}=${container.exitCode ?? '?'}`).join(' '),
      run.reason ?? run.stoppedReason ?? '',
    ]),
  );
}

function paintOutcome(outcome: ScheduleRun['outcome'], colours: Colours): string {
  if (outcome === 'SUCCEEDED') return colours.green(outcome);
  if (outcome === 'FAILED' || outcome === 'TIMED_OUT' || outcome === 'MISSED') return colours.red(outcome);
  if (outcome === 'SKIPPED' || outcome === 'REPLACED') return colours.yellow(outcome);
  return outcome;
}
