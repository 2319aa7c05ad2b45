import type { DeployProgress, MeasurementRow, StepProgress, TaskSetStatus } from '../../../functions/deploy/domain/service-status.ts';
import type { ComponentChildren } from 'preact';
import { Age, Code, DataTable, StateBadge } from './common.tsx';
import { barWidth, formatDuration, outcomeBadge, productionWeights, stepBadge, stepSummary, taskCountText, timeLeftSeconds, utcText } from './view-model.ts';

/** The region "Deploy in flight": what runs, where production traffic goes, each step, the analysis. */
export function DeployView({ deploy, taskSets, now }: { deploy: DeployProgress | undefined; taskSets: TaskSetStatus[]; now: number }) {
  return (
    <section class="card" aria-labelledby="deploy-heading">
      <h2 id="deploy-heading">Deploy in flight</h2>
      {deploy ? <Deploy deploy={deploy} taskSets={taskSets} now={now} /> : <p class="muted">No deploy in flight.</p>}
    </section>
  );
}

function Deploy({ deploy, taskSets, now }: { deploy: DeployProgress; taskSets: TaskSetStatus[]; now: number }) {
  const weights = productionWeights(deploy);
  const green = taskSets.find((taskSet) => taskSet.role === 'green');
  const blue = taskSets.find((taskSet) => taskSet.role === 'blue');
  return (
    <>
      <dl class="facts">
        <Fact term="Deployment">
          <Code>{deploy.deploymentId}</Code>
        </Fact>
        <Fact term="Status">
          <StateBadge badge={outcomeBadge(deploy.status)} />
          {deploy.waitingFor ? <span class="sub"> waiting for {deploy.waitingFor}</span> : null}
        </Fact>
        <Fact term="Image">
          <Code>{deploy.image.label}</Code>
        </Fact>
        <Fact term="Trigger">{deploy.trigger}</Fact>
        <Fact term="Started">
          <Age iso={deploy.startedAt ?? deploy.requestedAt} now={now} />
        </Fact>
        {deploy.abortRequested || deploy.fastTrack || deploy.approved ? (
          <Fact term="Flags">{[deploy.abortRequested && 'abort requested', deploy.fastTrack && 'fast track', deploy.approved && 'approved'].filter(Boolean).join(', ')}</Fact>
        ) : null}
      </dl>
      <div class="weights">
        <Weight colour="green" percent={weights.green} tasks={taskCountText(green)} />
        <Weight colour="blue" percent={weights.blue} tasks={taskCountText(blue)} />
      </div>
      <h3 id="steps-heading">Steps</h3>
      <ol class="steps" aria-label="Steps">
        {deploy.steps.map((step) => (
          <Step key={step.name} step={step} now={now} />
        ))}
      </ol>
      {deploy.analysis && deploy.analysis.length > 0 ? <Analysis rows={deploy.analysis} /> : null}
    </>
  );
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A labelled meter: the percentage is written out, the bar only illustrates it. */
function Weight({ colour, percent, tasks }: { colour: 'green' | 'blue'; percent: number; tasks: string }) {
  const name = `Production traffic on ${colour}`;
  return (
    <div class="weight">
      <div class="weight-label">
        <span>
          <span class={`swatch swatch-${colour}`} aria-hidden="true" />
          {colour === 'green' ? 'Green (new)' : 'Blue (current)'}
        </span>
        <strong>{percent}%</strong>
      </div>
      <div class="meter" role="meter" aria-label={name} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${percent}%`}>
        <div class={`meter-bar meter-${colour}`} style={{ width: barWidth(percent) }} />
      </div>
      <div class="sub">Tasks: {tasks}</div>
    </div>
  );
}

function Step({ step, now }: { step: StepProgress; now: number }) {
  const running = step.state === 'running';
  const left = timeLeftSeconds(step, now);
  const summary = stepSummary(step);
  return (
    <li class={`step step-${step.state}`} aria-current={running ? 'step' : undefined}>
      <span class="step-marker" aria-hidden="true" />
      <div class="step-body">
        <div class="step-head">
          <span class="step-name mono">{step.name}</span> <StateBadge badge={stepBadge(step.state)} />
          {step.elapsedSeconds !== undefined ? <span class="sub"> {running ? `running for ${formatDuration(step.elapsedSeconds)}` : `took ${formatDuration(step.elapsedSeconds)}`}</span> : null}
        </div>
        {summary ? <div class="sub">{summary}</div> : null}
        {left !== undefined ? (
          <div class="countdown">
            <span class="sub">{step.kind === 'shift' || step.kind === 'promote' ? 'Bake ends in' : 'Times out in'}</span> <strong class="mono">{formatDuration(left)}</strong>
          </div>
        ) : null}
        {step.note || step.reason ? <div class="sub">{step.reason ?? step.note}</div> : null}
      </div>
    </li>
  );
}

function Analysis({ rows }: { rows: MeasurementRow[] }) {
  return (
    <DataTable caption="Analysis measurements" headers={['Measured', 'Step', 'Metric', 'Green', 'Baseline (blue)', 'Condition', 'Verdict']}>
      {rows.map((row) => (
        <tr key={`${row.measuredAt}-${row.metric}`}>
          <td>
            <time dateTime={row.measuredAt}>{utcText(row.measuredAt)}</time>
          </td>
          <td class="mono">
            {row.step} #{row.index}
          </td>
          <td>{row.metric}</td>
          <td class="num">{valueText(row.value, row.unit, row.noData === 'green')}</td>
          <td class="num">{valueText(row.baseline, row.unit, row.noData === 'baseline')}</td>
          <td class="mono">{row.condition}</td>
          <td>
            <StateBadge badge={outcomeBadge(row.verdict)} />
            {row.dryRun ? <span class="sub"> dry run</span> : null}
            {row.error ? <div class="sub">{row.error}</div> : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function valueText(value: number | undefined, unit: string | undefined, noData: boolean): string {
  if (noData) return 'no data';
  if (value === undefined) return '—';
  return `${Math.round(value * 1000) / 1000}${unit ? ` ${unit}` : ''}`;
}
