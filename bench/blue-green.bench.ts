import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeploymentStore } from '../functions/deploy/adapters/deployment-store.ts';
import { startLocalAws } from '../local/local-aws.ts';
import {
  createBlueGreenService,
  deployControls,
  deployExecutions,
  executionHistory,
  pushImage,
  waitForExecution,
  type BlueGreenService,
  type ServiceOptions,
} from '../local/sample-blue-green.ts';

/**
 * Blue/green deploy benchmark on the local AWS: Step Functions state transitions per deploy (read from the execution
 * history, as AWS bills them: one per state entered) for all-at-once and canary, and the time from the image push to
 * the green task set's creation. Figures only, no thresholds. Transitions depend on the plan and on how many checks
 * a bake takes (bake ÷ check interval), so the configuration is printed with them.
 *
 * Then the cost of a 24-hour bake (docs/decisions/0013-deploy-waits.md), measured on real runs and extended to 24 h by
 * the one thing that grows with the bake, its own checks: a canary with a 24-hour bake at the default bake check
 * interval shows the wait it parks on (2 h) and is fast-tracked; two canaries with a 6-s and a 12-s bake checked every
 * 3 s wait 2 and 4 times, each wait ended by its timeout as in a 24-hour bake: their difference is what a check costs,
 * and a 24-hour bake is the 12-s one plus 8 checks.
 */

const DEPLOYS_PER_STRATEGY = 5;
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

const strategies: Array<[string, ServiceOptions]> = [
  ['all-at-once (final bake 0)', { name: 'allatonce', deploy: { strategy: { type: 'all-at-once' } } }],
  ['canary 10 % bake 2 s, final bake 2 s', { name: 'canary', deploy: { strategy: { type: 'canary', percent: 10, bakeMinutes: 2 / 60 }, finalBakeMinutes: 2 / 60 } }],
];

const DAY_SECONDS = 24 * 60 * 60;
/** The default bake check interval (functions/deploy/config.ts). */
const BAKE_CHECK_SECONDS = 120 * 60;
const HISTORY_LIMIT = 25_000;
/** The machine before issue 8: Check → StepOver → WaitBeforeCheck every checkIntervalSeconds (default 15 s) of a bake. */
const BEFORE = { checkSeconds: 15, transitionsPerCheck: 3, eventsPerCheck: 9 };

interface DeployFigures {
  transitions: number;
  historyEvents: number;
  pushToExecutionMs: number;
  pushToGreenTaskSetMs: number;
  executionMs: number;
}

const aws = await startLocalAws();
try {
  await aws.deployStack();
  const rows = [];
  for (const [label, options] of strategies) {
    const target = await createBlueGreenService(aws.clientConfig, options);
    await aws.runtime.idle();
    const figures: DeployFigures[] = [];
    for (let deploy = 1; deploy <= DEPLOYS_PER_STRATEGY; deploy += 1) figures.push(await measureDeploy(target, `v${deploy}`));
    rows.push({
      strategy: label,
      deploys: figures.length,
      'state transitions': summarise(figures.map((figure) => figure.transitions)),
      'history events': summarise(figures.map((figure) => figure.historyEvents)),
      'push → execution started (ms)': summarise(figures.map((figure) => figure.pushToExecutionMs)),
      'push → green task set created (ms)': summarise(figures.map((figure) => figure.pushToGreenTaskSetMs)),
      'execution (ms)': summarise(figures.map((figure) => figure.executionMs)),
    });
  }
  console.log('Blue/green deploys on the local AWS (median, min–max over the deploys; one service per strategy, deployed repeatedly):');
  console.table(rows);
  await reportLongBake();
} finally {
  await aws.stop();
}

async function measureDeploy(target: BlueGreenService, tag: string): Promise<DeployFigures> {
  const before = new Set((await deployExecutions(target)).map((execution) => execution.executionArn));
  const pushedAt = Date.now();
  await pushImage(target, tag);
  await aws.runtime.idle();
  const execution = (await deployExecutions(target)).find((candidate) => !before.has(candidate.executionArn));
  if (!execution) throw new Error(`The push of ${tag} started no deploy`);
  const result = await waitForExecution(target, execution.executionArn, 120_000);
  if (result.status !== 'SUCCEEDED') throw new Error(`Deploy ${tag} ended ${result.status}: ${result.error} ${result.cause}`);
  await aws.runtime.idle();
  const history = await executionHistory(target, execution.executionArn);
  const started = time(history[0]);
  return {
    transitions: history.filter((event) => event.stateEnteredEventDetails !== undefined).length,
    historyEvents: history.length,
    pushToExecutionMs: started - pushedAt,
    pushToGreenTaskSetMs: time(greenTaskSetCreated(history)) - pushedAt,
    executionMs: time(history.at(-1)) - started,
  };
}

interface StepRun {
  /** State transitions (states entered) of the whole execution, and of the measured step (BeginStep to StepDone). */
  transitions: number;
  stepTransitions: number;
  historyEvents: number;
  stepHistoryEvents: number;
  /** How often the step parked on its task token, for how long at most, and how those waits ended. */
  waits: number;
  waitTimeouts: number[];
  waitEnds: string[];
}

async function reportLongBake(): Promise<void> {
  const canary = (name: string, bakeMinutes: number, bakeCheckMinutes: number): ServiceOptions => ({
    name,
    deploy: { strategy: { type: 'canary', percent: 10, bakeMinutes }, bakeCheckMinutes },
  });
  const day = await measureStep(await createBlueGreenService(aws.clientConfig, canary('daybake', 24 * 60, BAKE_CHECK_SECONDS / 60)), 'traffic-10', 'fast-track');
  const twoWaits = await measureStep(await createBlueGreenService(aws.clientConfig, canary('twowaits', 0.1, 0.05)), 'traffic-10', 'timeout');
  const fourWaits = await measureStep(await createBlueGreenService(aws.clientConfig, canary('fourwaits', 0.2, 0.05)), 'traffic-10', 'timeout');
  const approval = await measureStep(
    await createBlueGreenService(aws.clientConfig, { name: 'approval', deploy: { manualApproval: true, approvalTimeoutMinutes: 7 * 24 * 60 } }),
    'approval',
    'fast-track',
  );
  const perCheck = (fourWaits.stepTransitions - twoWaits.stepTransitions) / (fourWaits.waits - twoWaits.waits);
  const eventsPerCheck = (fourWaits.stepHistoryEvents - twoWaits.stepHistoryEvents) / (fourWaits.waits - twoWaits.waits);
  const waitsIn24h = Math.ceil(DAY_SECONDS / BAKE_CHECK_SECONDS);
  const extra = waitsIn24h - fourWaits.waits;
  const beforeChecks = DAY_SECONDS / BEFORE.checkSeconds;
  const row = (run: string, figures: StepRun) => ({
    run,
    waits: figures.waits,
    'wait timeouts (s)': figures.waitTimeouts.join(', '),
    'wait ends': figures.waitEnds.join(', '),
    'bake step transitions': figures.stepTransitions,
    'deploy transitions': figures.transitions,
    'bake step history events': figures.stepHistoryEvents,
  });
  console.log('\nA canary bake, measured (the bake step: BeginStep to StepDone; transitions = states entered):');
  console.table([
    row('24-h bake at the default bake check (2 h), fast-tracked while it waited', day),
    row('6-s bake checked every 3 s', twoWaits),
    row('12-s bake checked every 3 s', fourWaits),
  ]);
  console.log(`Each further check of a bake costs ${perCheck} transitions and ${eventsPerCheck} history events (the difference of the two short bakes).`);
  console.log(`A 24-hour bake at the default: ${waitsIn24h} waits of 2 h, each ended by its timeout like the short bakes' = the 12-s bake + ${extra} checks:`);
  console.table([
    {
      machine: `after: 24-h bake, ${waitsIn24h} checks`,
      'bake step transitions': fourWaits.stepTransitions + extra * perCheck,
      'deploy transitions': fourWaits.transitions + extra * perCheck,
      'bake step history events': fourWaits.stepHistoryEvents + extra * eventsPerCheck,
      'fits the 25,000-event history': fourWaits.historyEvents + extra * eventsPerCheck <= HISTORY_LIMIT ? 'yes' : 'no',
    },
    {
      machine: `before (computed): 24-h bake, ${beforeChecks} checks (every ${BEFORE.checkSeconds} s)`,
      'bake step transitions': beforeChecks * BEFORE.transitionsPerCheck,
      'deploy transitions': `> ${beforeChecks * BEFORE.transitionsPerCheck}`,
      'bake step history events': beforeChecks * BEFORE.eventsPerCheck,
      'fits the 25,000-event history': `no (full after ~${Math.floor(HISTORY_LIMIT / BEFORE.eventsPerCheck / (3600 / BEFORE.checkSeconds))} h)`,
    },
  ]);
  console.log(
    `An approval gate of 7 days waits once, for its whole timeout (${approval.waitTimeouts.join(', ')} s): fast-tracked, the approval step cost ${approval.stepTransitions} transitions (${approval.waitEnds.join(', ')}; measured).`,
  );
}

/** Deploys once; `fast-track` ends the step as soon as it waits, `timeout` lets its waits time out until it is over. */
async function measureStep(target: BlueGreenService, stepName: string, end: 'fast-track' | 'timeout'): Promise<StepRun> {
  await aws.runtime.idle();
  await pushImage(target, 'v1');
  await aws.runtime.idle();
  const [execution] = await deployExecutions(target);
  if (!execution) throw new Error(`The push to ${target.service} started no deploy`);
  if (end === 'fast-track') {
    const controls = deployControls(aws.clientConfig, target);
    const deployments = new DeploymentStore(DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig)), { state: 'harbormaster-local-state', outbox: 'harbormaster-local-outbox' });
    const deploymentId = await parkedIn(deployments, target, stepName);
    await controls.fastTrack({ cluster: target.cluster, service: target.service, deploymentId });
  }
  const result = await waitForExecution(target, execution.executionArn, 120_000);
  if (result.status !== 'SUCCEEDED') throw new Error(`The ${end} bake ended ${result.status}: ${result.error} ${result.cause}`);
  const history = await executionHistory(target, execution.executionArn);
  const step = stepEvents(history, stepName);
  const waits = step.flatMap((event, index) => (event.stateEnteredEventDetails?.name === 'AwaitEvents' ? [step.slice(index)] : []));
  const waitEnds = waits.map((from) => from.find((later) => ['TaskSucceeded', 'TaskFailed', 'TaskTimedOut'].includes(later.type ?? ''))?.type ?? '?');
  return {
    transitions: entered(history),
    stepTransitions: entered(step),
    historyEvents: history.length,
    stepHistoryEvents: step.length,
    waits: waits.length,
    waitTimeouts: waits.map((from) => from.find((later) => later.type === 'TaskScheduled')?.taskScheduledEventDetails?.timeoutInSeconds ?? Number.NaN),
    waitEnds: [...new Set(waitEnds)].map((type) => `${waitEnds.filter((other) => other === type).length}× ${type}`),
  };
}

async function parkedIn(deployments: DeploymentStore, target: BlueGreenService, stepName: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const deploymentId = await deployments.lockHolder(target.cluster, target.service);
    const running = deploymentId ? await deployments.getDeployment(target.cluster, target.service, deploymentId) : undefined;
    if (running && (running['wait'] as { step?: string } | null | undefined)?.step === stepName) return running.deploymentId;
    if (Date.now() > deadline) throw new Error(`${stepName} never parked on its wait`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The events of one step: from its BeginStep to its StepDone (the step is named in its Lambda tasks' payloads). */
function stepEvents(history: HistoryEvent[], stepName: string): HistoryEvent[] {
  const named = (index: number, name: string) => history[index]?.stateEnteredEventDetails?.name === name;
  const firstTask = history.findIndex((event) => {
    const parameters = event.taskScheduledEventDetails?.parameters;
    return parameters !== undefined && (JSON.parse(parameters) as { Payload?: { step?: { name?: string } } }).Payload?.step?.name === stepName;
  });
  const begin = history.findLastIndex((_, index) => index < firstTask && named(index, 'BeginStep'));
  const done = history.findIndex((_, index) => index > firstTask && named(index, 'StepDone'));
  if (firstTask < 0 || begin < 0 || done < 0) throw new Error(`The execution has no step ${stepName}`);
  return history.slice(begin, done + 1);
}

function entered(events: HistoryEvent[]): number {
  return events.filter((event) => event.stateEnteredEventDetails !== undefined).length;
}

/** The TaskSucceeded that follows entering CreateGreenTaskSet. */
function greenTaskSetCreated(history: HistoryEvent[]): HistoryEvent | undefined {
  const entered = history.findIndex((event) => event.stateEnteredEventDetails?.name === 'CreateGreenTaskSet');
  return history.slice(entered).find((event) => event.type === 'TaskSucceeded');
}

function time(event: HistoryEvent | undefined): number {
  if (!event?.timestamp) throw new Error('Execution history lacks an expected event');
  return event.timestamp.getTime();
}

function summarise(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${Math.round(median)} (${Math.round(sorted[0] ?? 0)}–${Math.round(sorted.at(-1) ?? 0)})`;
}
