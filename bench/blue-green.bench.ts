import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeployLauncher } from '../functions/deploy/adapters/deploy-launcher.ts';
import { DeploymentStore } from '../functions/deploy/adapters/deployment-store.ts';
import { DeployControls } from '../functions/deploy/app/controls.ts';
import { startLocalAws } from '../local/local-aws.ts';
import {
  createBlueGreenService,
  deployExecutions,
  deployStateMachineArn,
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
 * Then the cost of a 24-hour bake (docs/decisions/0009-deploy-waits.md), measured on real runs and extended to 24 h by
 * the one thing that grows with the bake, its own checks: (1) a canary with a 24-hour bake at the default bake check
 * interval, fast-tracked once its bake waits, costs the bake step with one wait; (2) the same canary with a 12-second
 * bake checked every 3 s costs it with four waits, each ended by its timeout: the difference is what one more check
 * costs. A 24-hour bake is 12 waits at the default 2 hours; it ends by the last wait's timeout, which costs what a
 * fast-track resume costs.
 */

const DEPLOYS_PER_STRATEGY = 5;
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

const strategies: Array<[string, ServiceOptions]> = [
  ['all-at-once (final bake 0)', { name: 'allatonce', deploy: { strategy: { type: 'all-at-once' } } }],
  ['canary 10 % bake 2 s, final bake 2 s', { name: 'canary', deploy: { strategy: { type: 'canary', percent: 10, bakeMinutes: 2 / 60 }, finalBakeMinutes: 2 / 60 } }],
];

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

const DAY_SECONDS = 24 * 60 * 60;
/** The default bake check interval (functions/deploy/config.ts). */
const BAKE_CHECK_SECONDS = 120 * 60;
const HISTORY_LIMIT = 25_000;
/** The machine before issue 8: Check → StepOver → WaitBeforeCheck every checkIntervalSeconds (default 15 s) of a bake. */
const BEFORE = { checkSeconds: 15, transitionsPerCheck: 3, eventsPerCheck: 9 };

interface StepRun {
  /** State transitions (states entered) of the whole execution, and of the measured step (BeginStep to StepDone). */
  transitions: number;
  stepTransitions: number;
  historyEvents: number;
  stepHistoryEvents: number;
  /** How often the step parked on its task token, and how those waits ended. */
  waits: number;
  waitEnds: string[];
}

async function reportLongBake(): Promise<void> {
  const canary = (name: string, bakeMinutes: number, bakeCheckMinutes: number): ServiceOptions => ({
    name,
    deploy: { strategy: { type: 'canary', percent: 10, bakeMinutes }, bakeCheckMinutes },
  });
  const fastTracked = await measureStep(await createBlueGreenService(aws.clientConfig, canary('daybake', 24 * 60, BAKE_CHECK_SECONDS / 60)), 'traffic-10', 'fast-track');
  const checked = await measureStep(await createBlueGreenService(aws.clientConfig, canary('shortbake', 0.2, 0.05)), 'traffic-10', 'timeout');
  const approval = await measureStep(
    await createBlueGreenService(aws.clientConfig, { name: 'approval', deploy: { manualApproval: true, approvalTimeoutMinutes: 7 * 24 * 60 } }),
    'approval',
    'fast-track',
  );
  const perCheck = (checked.stepTransitions - fastTracked.stepTransitions) / (checked.waits - fastTracked.waits);
  const eventsPerCheck = (checked.stepHistoryEvents - fastTracked.stepHistoryEvents) / (checked.waits - fastTracked.waits);
  const waitsIn24h = Math.ceil(DAY_SECONDS / BAKE_CHECK_SECONDS);
  const extra = waitsIn24h - fastTracked.waits;
  const beforeChecks = DAY_SECONDS / BEFORE.checkSeconds;
  console.log('\nA 24-hour canary bake (the bake step: weights set, checks and waits; transitions = states entered):');
  console.table([
    { run: 'measured: 24-h bake, fast-tracked while it waited', waits: fastTracked.waits, 'wait ends': fastTracked.waitEnds.join(', '), 'bake step transitions': fastTracked.stepTransitions, 'deploy transitions': fastTracked.transitions, 'bake step history events': fastTracked.stepHistoryEvents },
    { run: 'measured: 12-s bake checked every 3 s', waits: checked.waits, 'wait ends': checked.waitEnds.join(', '), 'bake step transitions': checked.stepTransitions, 'deploy transitions': checked.transitions, 'bake step history events': checked.stepHistoryEvents },
  ]);
  console.log(`One more check of a waiting bake costs ${perCheck} transitions and ${eventsPerCheck} history events (measured).`);
  console.table([
    {
      machine: `after: 24-h bake, a check every ${BAKE_CHECK_SECONDS / 3600} h (${waitsIn24h} waits)`,
      'bake step transitions': fastTracked.stepTransitions + extra * perCheck,
      'deploy transitions': fastTracked.transitions + extra * perCheck,
      'bake step history events': fastTracked.stepHistoryEvents + extra * eventsPerCheck,
      'fits the 25,000-event history': fastTracked.historyEvents + extra * eventsPerCheck <= HISTORY_LIMIT ? 'yes' : 'no',
    },
    {
      machine: `before (computed): 24-h bake, a check every ${BEFORE.checkSeconds} s (${beforeChecks} checks)`,
      'bake step transitions': beforeChecks * BEFORE.transitionsPerCheck,
      'deploy transitions': `> ${beforeChecks * BEFORE.transitionsPerCheck}`,
      'bake step history events': beforeChecks * BEFORE.eventsPerCheck,
      'fits the 25,000-event history': `no (full after ~${Math.floor(HISTORY_LIMIT / BEFORE.eventsPerCheck / (3600 / BEFORE.checkSeconds))} h)`,
    },
  ]);
  console.log(
    `An approval gate of 7 days waits once for its whole timeout: resumed by a fast-track, the approval step cost ${approval.stepTransitions} transitions (${approval.waits} wait: ${approval.waitEnds.join(', ')}; measured); ended by its timeout instead, it costs the same.`,
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
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig));
    const deployments = new DeploymentStore(documents, { state: 'harbormaster-local-state', outbox: 'harbormaster-local-outbox' });
    const controls = new DeployControls({
      configs: target.clients.configs,
      deployments,
      launcher: new DeployLauncher(deployments, target.clients.sfn, deployStateMachineArn(target.clients.stage)),
      sfn: target.clients.sfn,
    });
    const deploymentId = await parkedIn(deployments, target, stepName);
    await controls.fastTrack({ cluster: target.cluster, service: target.service, deploymentId });
  }
  const result = await waitForExecution(target, execution.executionArn, 120_000);
  if (result.status !== 'SUCCEEDED') throw new Error(`The ${end} bake ended ${result.status}: ${result.error} ${result.cause}`);
  const history = await executionHistory(target, execution.executionArn);
  const step = stepEvents(history, stepName);
  const waitEnds = step.flatMap((event, index) =>
    event.stateEnteredEventDetails?.name === 'AwaitEvents' ? [step.slice(index).find((later) => ['TaskSucceeded', 'TaskFailed', 'TaskTimedOut'].includes(later.type ?? ''))?.type ?? '?'] : [],
  );
  return {
    transitions: entered(history),
    stepTransitions: entered(step),
    historyEvents: history.length,
    stepHistoryEvents: step.length,
    waits: waitEnds.length,
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
