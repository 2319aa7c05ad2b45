import { useState } from 'preact/hooks';
import type { DeploymentRecord } from '../../../functions/deploy/domain/service-status.ts';
import type { ScalingHistoryEntry } from '../../../functions/scaling/domain/scaling-history.ts';
import type { ActionResult, ApiError, ServiceDetail } from '../api.ts';
import { ActionButton, OutcomeStatus } from './action-dialog.tsx';
import { Age, Code, DataTable, EmptyRow, StateBadge } from './common.tsx';
import { DeployView } from './deploy-view.tsx';
import { ScalingChart } from './scaling-chart.tsx';
import { availableControls, formatDuration, healthBadge, outcomeBadge, taskCountText, utcText } from './view-model.ts';

/** `#/services/<name>`: the deploy's live view, its controls, deploy history and scaling. */
export function ServicePage({ detail, now }: { detail: ServiceDetail; now: number }) {
  const { status } = detail;
  return (
    <>
      <div class="page-head">
        <h1>{status.name}</h1>
        <StateBadge badge={healthBadge(status)} />
      </div>
      <p class="lede">
        <Code>
          {status.cluster}/{status.service}
        </Code>{' '}
        · live <Code>{status.live?.image?.label ?? status.live?.revision ?? 'nothing'}</Code>
        {status.live?.revision ? ` (revision ${status.live.revision})` : ''}
        {status.desiredCount !== undefined ? ` · ${status.desiredCount} desired` : ''} · observed <Age iso={detail.observedAt} now={now} />
      </p>
      {status.problems.length > 0 ? (
        <ul class="problems" aria-label="Problems">
          {status.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      <Controls detail={detail} />
      <DeployView deploy={status.deploy} taskSets={status.taskSets} now={now} />
      {status.queued ? (
        <p class="card">
          Queued next: <Code>{status.queued.deploymentId}</Code> with <Code>{status.queued.image.label}</Code> ({status.queued.trigger}, <Age iso={status.queued.requestedAt} now={now} />)
        </p>
      ) : null}
      {!status.deploy && status.taskSets.length > 0 ? <TaskSets detail={detail} /> : null}
      <History deploys={detail.deploys} />
      {detail.scaling.length === 0 && detail.scalingSeries.points.length === 0 ? (
        <section class="card" aria-labelledby="scaling-none">
          <h2 id="scaling-none">Scaling activity</h2>
          <p class="muted">No scaling activity recorded.</p>
        </section>
      ) : (
        <>
          <ScalingChart series={detail.scalingSeries} />
          <ScalingHistory entries={detail.scaling} />
        </>
      )}
    </>
  );
}

function Controls({ detail }: { detail: ServiceDetail }) {
  const [outcome, setOutcome] = useState<ActionResult | ApiError>();
  const name = detail.status.name;
  const controls = availableControls(detail.actions, name);
  return (
    <section class="controls" aria-labelledby="controls-heading">
      <h2 id="controls-heading" class="visually-hidden">
        Controls
      </h2>
      {controls.length === 0 ? <p class="muted">No action applies now.</p> : null}
      <div class="button-row">
        {controls.map((control) => (
          <ActionButton
            key={control.label}
            label={control.label}
            explanation={control.explanation}
            path={`/api/services/${encodeURIComponent(name)}/${control.verb}`}
            body={control.body}
            danger={control.danger}
            onOutcome={setOutcome}
          />
        ))}
      </div>
      <OutcomeStatus outcome={outcome} />
    </section>
  );
}

function TaskSets({ detail }: { detail: ServiceDetail }) {
  return (
    <DataTable caption="Task sets" headers={['Role', 'Status', 'Revision', 'Image', 'Tasks', 'Production weight']}>
      {detail.status.taskSets.map((taskSet) => (
        <tr key={taskSet.taskSetArn}>
          <td>{taskSet.role}</td>
          <td>{taskSet.status}</td>
          <td class="mono">{taskSet.revision}</td>
          <td class="mono">{taskSet.image?.label ?? '—'}</td>
          <td>{taskCountText(taskSet)}</td>
          <td class="num">{taskSet.weight !== undefined ? `${taskSet.weight}%` : '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function History({ deploys }: { deploys: DeploymentRecord[] }) {
  const headers = ['Deployment', 'Status', 'Image', 'Trigger', 'Requested', 'Duration', 'Reason'];
  return (
    <DataTable caption="Deploy history" headers={headers}>
      {deploys.length === 0 ? <EmptyRow columns={headers.length} text="No deployments recorded." /> : null}
      {deploys.map((deploy) => (
        <tr key={deploy.deploymentId}>
          <td class="mono">{deploy.deploymentId}</td>
          <td>
            <StateBadge badge={outcomeBadge(deploy.status)} />
          </td>
          <td class="mono">{deploy.image.label}</td>
          <td>{deploy.trigger}</td>
          <td>
            <time dateTime={deploy.requestedAt}>{utcText(deploy.requestedAt)}</time>
          </td>
          <td class="num">{deploy.durationSeconds !== undefined ? formatDuration(deploy.durationSeconds) : '—'}</td>
          <td>{deploy.reason ?? ''}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function ScalingHistory({ entries }: { entries: ScalingHistoryEntry[] }) {
  const headers = ['Time', 'Alarm', 'Metric / threshold', 'Step', 'Desired count', 'Outcome', 'Reason'];
  return (
    <DataTable caption="Scaling history" headers={headers}>
      {entries.length === 0 ? <EmptyRow columns={headers.length} text="No scaling activity recorded." /> : null}
      {entries.map((entry) => (
        <tr key={`${entry.at}-${entry.executionName}`}>
          <td>
            <time dateTime={entry.at}>{utcText(entry.at)}</time>
          </td>
          <td>{entry.alarmName}</td>
          <td class="num">
            {entry.metric ?? '—'} / {entry.threshold ?? '—'}
          </td>
          <td class="mono">{entry.step ?? '—'}</td>
          <td class="num">{entry.toCapacity !== null ? `${entry.fromCapacity ?? '?'} → ${entry.toCapacity}` : (entry.fromCapacity ?? '—')}</td>
          <td>
            <StateBadge badge={outcomeBadge(entry.outcome)} />
          </td>
          <td>{entry.reason}</td>
        </tr>
      ))}
    </DataTable>
  );
}
