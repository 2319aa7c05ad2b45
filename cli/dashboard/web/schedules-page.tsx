import { useState } from 'preact/hooks';
import type { ActionResult, ApiError, ScheduleRow, SchedulesView } from '../api.ts';
import { ActionButton, OutcomeStatus } from './action-dialog.tsx';
import { Age, DataTable, EmptyRow, StateBadge } from './common.tsx';
import { inZone, outcomeBadge, utcText } from './view-model.ts';

/** `#/schedules`: each schedule's next fire times in its own zone, a Run now control, and its run history. */
export function SchedulesPage({ view, now }: { view: SchedulesView; now: number }) {
  const [outcome, setOutcome] = useState<ActionResult | ApiError>();
  const headers = ['Schedule', 'Expression', 'Time zone', 'State', 'Next fire times', 'Run'];
  return (
    <>
      <h1>Schedules</h1>
      <p class="lede">
        Observed <Age iso={view.observedAt} now={now} />
      </p>
      <OutcomeStatus outcome={outcome} />
      <DataTable caption="Schedules" captionClass="visually-hidden" headers={headers}>
        {view.schedules.length === 0 ? <EmptyRow columns={headers.length} text="No schedules are configured in this stage (declare them under schedules: in harbormaster.yml and apply)." /> : null}
        {view.schedules.map((schedule) => (
          <tr key={schedule.name}>
            <th scope="row">{schedule.name}</th>
            <td class="mono">{schedule.expression}</td>
            <td>{schedule.timeZone}</td>
            <td>
              <StateBadge badge={schedule.suspended ? { label: 'Suspended', tone: 'warn' } : { label: 'Active', tone: 'ok' }} />
            </td>
            <td>
              {schedule.nextFireTimes.length === 0 ? (
                <span class="muted">No further fire</span>
              ) : (
                <ul class="plain">
                  {schedule.nextFireTimes.map((fire) => (
                    <li key={fire}>
                      <time dateTime={fire}>{inZone(fire, schedule.timeZone)}</time>
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              <ActionButton
                label="Run now"
                buttonName={`Run now: ${schedule.name}`}
                explanation={`Start ${schedule.name}'s task once now, outside its schedule.`}
                path={`/api/schedules/${encodeURIComponent(schedule.name)}/run`}
                body={{}}
                onOutcome={setOutcome}
              />
            </td>
          </tr>
        ))}
      </DataTable>
      {view.schedules
        .filter((schedule) => schedule.runs.length > 0)
        .map((schedule) => (
          <Runs key={schedule.name} schedule={schedule} />
        ))}
    </>
  );
}

function Runs({ schedule }: { schedule: ScheduleRow }) {
  return (
    <DataTable caption={`Runs of ${schedule.name}`} headers={['Run', 'Attempt', 'Trigger', 'Scheduled', 'Started', 'Stopped', 'Outcome', 'Reason']}>
      {schedule.runs.map((run) => (
        <tr key={`${run.runId}-${run.attempt}`}>
          <td class="mono">{run.runId}</td>
          <td class="num">{run.attempt}</td>
          <td>{run.trigger}</td>
          <td>{inZone(run.scheduledTime, schedule.timeZone)}</td>
          <td>{run.startedAt ? utcText(run.startedAt) : '—'}</td>
          <td>{run.stoppedAt ? utcText(run.stoppedAt) : '—'}</td>
          <td>
            <StateBadge badge={outcomeBadge(run.outcome)} />
          </td>
          <td>{run.reason ?? ''}</td>
        </tr>
      ))}
    </DataTable>
  );
}
