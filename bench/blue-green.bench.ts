import { startLocalAws } from '../local/local-aws.ts';
import { createBlueGreenService, deployExecutions, executionHistory, pushImage, waitForExecution, type BlueGreenService, type ServiceOptions } from '../local/sample-blue-green.ts';
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * Blue/green deploy benchmark on the local AWS: Step Functions state transitions per deploy (read from the execution
 * history, as AWS bills them: one per state entered) for all-at-once and canary, and the time from the image push to
 * the green task set's creation. Figures only, no thresholds. Transitions depend on the plan and on how many checks
 * a bake takes (bake ÷ check interval), so the configuration is printed with them.
 */

const DEPLOYS_PER_STRATEGY = 5;
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

const strategies: Array<[string, ServiceOptions]> = [
  ['all-at-once (final bake 0)', { name: 'allatonce', deploy: { strategy: { type: 'all-at-once' } } }],
  ['canary 10 % bake 2 s, final bake 2 s, check every 1 s', { name: 'canary', deploy: { strategy: { type: 'canary', percent: 10, bakeMinutes: 2 / 60 }, finalBakeMinutes: 2 / 60 } }],
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
