import { formatValue } from '../../functions/analysis/index.ts';
import { strategyLabel, type DeploymentRecord, type MeasurementRow, type ServiceStatus, type StepProgress, type TaskSetStatus, type WatchVerdict } from '../../functions/deploy/index.ts';
import { formatDuration } from '../duration.ts';
import { renderTable, type Colours } from '../output.ts';

/** What `status` (every service, or one in detail) and `deploys` print for people. */

/** One line per configured service. */
export function renderOverview(statuses: ServiceStatus[], colours: Colours): string {
  if (statuses.length === 0) return 'No service is configured: declare services in harbormaster.yml and run `harbormaster apply`.\n';
  const now = (status: ServiceStatus) => new Date(status.observedAt);
  return renderTable(
    ['service', 'ecs service', 'revision', 'image', 'deploy', 'step', 'weights', 'last scaling'],
    statuses.map((status) => [
      status.name,
      `${status.cluster}/${status.service}`,
      status.found ? status.live?.revision : colours.red('not found'),
      status.live?.image?.label,
      deployCell(status, colours),
      status.deploy?.step ? `${status.deploy.step.name} (${status.deploy.step.number}/${status.deploy.step.of})` : undefined,
      weights(status.taskSets),
      status.lastScaling ? scalingText(status.lastScaling, now(status)) : undefined,
    ]),
  );
}

/** One service: what runs, the deploy in flight step by step, its task sets. */
export function renderServiceStatus(status: ServiceStatus, colours: Colours, verdict?: WatchVerdict): string {
  const now = new Date(status.observedAt);
  const deploy = status.deploy;
  const lines = [`${colours.bold(status.name)}  ${status.cluster}/${status.service}  ${stateText(status, colours)}  ${colours.dim(`at ${formatTime(status.observedAt)}`)}`, ''];
  const facts: Array<[string, string]> = [['Live', status.live ? [status.live.revision, status.live.image?.label].filter(Boolean).join('  ') : '-']];
  if (deploy) {
    const about = [deploy.trigger, deploy.image.label, strategyLabel(deploy.strategy)].filter(Boolean).join(', ');
    facts.push(['Deploy', `${deploy.deploymentId}  ${paintOutcome(deploy.status, colours)}  (${about})  ${formatDuration(deploy.elapsedSeconds)}`]);
    if (deploy.step) facts.push(['Step', `${deploy.step.number}/${deploy.step.of} ${deploy.step.name}: ${stepStateText(deploy.step)} ${stepTime(deploy.step) ?? ''}`.trimEnd()]);
    const requests = [deploy.abortRequested && 'abort requested', deploy.fastTrack && 'fast track', deploy.approved && 'approved'].filter(Boolean);
    if (requests.length > 0) facts.push(['Requests', requests.join(', ')]);
  } else {
    facts.push(['Deploy', 'none in flight']);
  }
  facts.push(['Traffic', weights(status.taskSets) ?? '-']);
  if (status.queued) facts.push(['Queued', `${status.queued.deploymentId}  (${status.queued.trigger}, ${status.queued.image.label})`]);
  if (status.lastDeploy) facts.push(['Last deploy', lastDeployText(status.lastDeploy, now, colours)]);
  facts.push(['Scaling', status.lastScaling ? scalingText(status.lastScaling, now) : '-']);
  if (status.problems.length > 0 && !deploy) facts.push(['Not stable', status.problems.join('; ')]);
  const width = Math.max(...facts.map(([label]) => label.length)) + 2;
  lines.push(...facts.map(([label, value]) => `${label.padEnd(width)}${value}`));
  if (deploy && deploy.steps.length > 0) lines.push('', renderSteps(deploy.steps, colours).trimEnd());
  if (deploy?.analysis) lines.push('', renderAnalysis(deploy.analysis, colours).trimEnd());
  if (status.taskSets.length > 0) lines.push('', renderTaskSets(status.taskSets).trimEnd());
  if (verdict) lines.push('', verdictText(verdict, colours));
  return `${lines.join('\n')}\n`;
}

/** A service's deployments, newest first. */
export function renderHistory(records: DeploymentRecord[], colours: Colours): string {
  if (records.length === 0) return 'No deployment is recorded yet.\n';
  return renderTable(
    ['deployment', 'image', 'trigger', 'strategy', 'outcome', 'reason', 'started', 'duration'],
    records.map((record) => [
      record.deploymentId,
      record.image.label,
      record.trigger,
      strategyLabel(record.strategy),
      paintOutcome(record.status, colours),
      record.reason ? shorten(record.reason, REASON_WIDTH) : undefined,
      formatTime(record.startedAt ?? record.requestedAt),
      record.durationSeconds === undefined ? undefined : formatDuration(record.durationSeconds),
    ]),
  );
}

export function verdictText(verdict: WatchVerdict, colours: Colours): string {
  if (!verdict.ended) return colours.yellow(`… waiting: ${verdict.message}`);
  return verdict.healthy ? colours.green(`✓ ${verdict.message}`) : colours.red(`✗ ${verdict.message}`);
}

/** Reasons are error messages: a table shows their start, `--json` all of them. */
const REASON_WIDTH = 60;

function renderSteps(steps: StepProgress[], colours: Colours): string {
  const notes = steps.some((step) => step.note || step.reason);
  const paint: Record<StepProgress['state'], (text: string) => string> = {
    done: colours.green,
    running: colours.yellow,
    pending: (text) => text,
    failed: colours.red,
    skipped: colours.dim,
  };
  return renderTable(
    ['step', 'state', 'green', 'time', ...(notes ? ['note'] : [])],
    steps.map((step) => [
      step.name,
      paint[step.state](stepStateText(step)),
      step.greenWeight === undefined ? undefined : `${step.greenWeight}%`,
      stepTime(step),
      ...(notes ? [step.note ?? (step.reason ? shorten(step.reason, REASON_WIDTH) : undefined)] : []),
    ]),
  );
}

/** Canary analysis: each metric of the newest measurements, green beside blue, against its conditions. */
function renderAnalysis(rows: MeasurementRow[], colours: Colours): string {
  const paint: Record<MeasurementRow['verdict'], (text: string) => string> = { Successful: colours.green, Failed: colours.red, Inconclusive: colours.yellow, Error: colours.red };
  const side = (row: MeasurementRow, value: number | undefined, role: 'green' | 'baseline') =>
    value !== undefined ? formatValue(value, row.unit) : row.noData === role ? 'no data' : undefined;
  return renderTable(
    ['analysis', '#', 'metric', 'green', 'blue', 'verdict', 'condition', 'at'],
    rows.map((row) => [
      row.step,
      row.index,
      row.dryRun ? `${row.metric} (dry run)` : row.metric,
      row.error ? shorten(row.error, REASON_WIDTH) : side(row, row.value, 'green'),
      side(row, row.baseline, 'baseline'),
      paint[row.verdict](row.verdict),
      row.condition,
      formatTime(row.measuredAt),
    ]),
  );
}

function renderTaskSets(taskSets: TaskSetStatus[]): string {
  return renderTable(
    ['task set', 'role', 'status', 'revision', 'image', 'running', 'pending', 'desired', 'weight'],
    taskSets.map((taskSet) => [
      taskSet.id,
      taskSet.role,
      taskSet.status,
      taskSet.revision,
      taskSet.image?.label,
      taskSet.running,
      taskSet.pending,
      taskSet.desired,
      taskSet.weight === undefined ? undefined : `${taskSet.weight}%`,
    ]),
  );
}

/** A running step says what it waits for. */
function stepStateText(step: StepProgress): string {
  if (step.state !== 'running') return step.state;
  switch (step.kind) {
    case 'stabilize':
      return 'green starting';
    case 'pre-traffic':
      return 'checking';
    case 'approval':
      return 'awaiting approval';
    case 'analysis':
      return 'analysing';
    default:
      return step.seconds ? 'baking' : 'running';
  }
}

function stepTime(step: StepProgress): string | undefined {
  const planned = step.seconds ? formatDuration(step.seconds) : undefined;
  const bake = step.kind === 'shift' || step.kind === 'promote';
  if (step.state === 'running') {
    const elapsed = formatDuration(step.elapsedSeconds ?? 0);
    if (!planned) return elapsed;
    return bake ? `${elapsed} of ${planned}` : `${elapsed} (timeout ${planned})`;
  }
  if (step.state === 'done' || step.state === 'failed') return step.elapsedSeconds === undefined ? undefined : formatDuration(step.elapsedSeconds);
  return planned && bake ? `bake ${planned}` : undefined;
}

function deployCell(status: ServiceStatus, colours: Colours): string | undefined {
  const queued = status.queued ? ` +1 queued` : '';
  if (status.deploy) return `${status.deploy.deploymentId} ${paintOutcome(status.deploy.status, colours)}${queued}`;
  return status.queued ? `${status.queued.deploymentId} queued` : undefined;
}

/** `blue 75% green 25%` while a deploy shifts traffic, `live 100%` otherwise. */
function weights(taskSets: TaskSetStatus[]): string | undefined {
  const weighted = taskSets.filter((taskSet) => taskSet.weight !== undefined);
  if (weighted.length === 0) return undefined;
  const order: TaskSetStatus['role'][] = ['blue', 'green', 'live', 'other'];
  return [...weighted]
    .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role))
    .map((taskSet) => `${taskSet.role} ${taskSet.weight}%`)
    .join(' ');
}

function scalingText(activity: NonNullable<ServiceStatus['lastScaling']>, now: Date): string {
  const what =
    activity.outcome === 'scaled' ? `scaled ${activity.fromCapacity}→${activity.toCapacity}` : activity.outcome === 'failed' ? 'scaling failed' : 'not scaled';
  return `${what} (${activity.alarmName}) ${ago(activity.at, now)}`;
}

function lastDeployText(record: DeploymentRecord, now: Date, colours: Colours): string {
  const took = record.durationSeconds === undefined ? '' : `, took ${formatDuration(record.durationSeconds)}`;
  const reason = record.reason ? `: ${shorten(record.reason, REASON_WIDTH)}` : '';
  return `${record.deploymentId}  ${paintOutcome(record.status, colours)}  ${record.image.label}  ${ago(record.endedAt ?? record.requestedAt, now)}${took}${reason}`;
}

function stateText(status: ServiceStatus, colours: Colours): string {
  if (!status.found) return colours.red('not found');
  if (status.inFlight) return colours.yellow('deploying');
  if (status.stable === undefined) return 'live';
  return status.stable ? colours.green('stable') : colours.yellow('not stable');
}

function paintOutcome(outcome: string, colours: Colours): string {
  if (outcome === 'SUCCEEDED') return colours.green(outcome);
  if (outcome === 'IN_PROGRESS' || outcome === 'STARTING') return colours.yellow(outcome);
  return colours.red(outcome);
}

function ago(iso: string, now: Date): string {
  return `${formatDuration((now.getTime() - Date.parse(iso)) / 1000)} ago`;
}

/** `2025-06-01 12:00:03Z`: UTC to the second. */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, 'Z');
}

function shorten(text: string, width: number): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
