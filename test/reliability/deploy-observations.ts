import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { deployStateMachineArn, executionHistory, productionWeights, taskSets, type BlueGreenService } from '../../local/sample-blue-green.ts';
import { deployments } from '../integration/deploy/blue-green-support.ts';
import type { StackUnderTest } from '../integration/support.ts';

/** What the reliability scenarios look at while and after deploys run. */

/** Names of the deploy executions RUNNING now (every page). */
export async function runningDeploys(target: BlueGreenService): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await target.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: deployStateMachineArn(target.clients.stage), statusFilter: 'RUNNING', nextToken }),
    );
    names.push(...(page.executions ?? []).map((execution) => execution.name ?? ''));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

/**
 * When the execution entered `Finish` (the outcome is recorded there and the lock handed to the next deploy), or
 * undefined if it has not: from then on it only bookkeeps, so the next deploy's execution may start while it is
 * still RUNNING for a few milliseconds.
 */
async function finishEnteredAt(target: BlueGreenService, executionArn: string): Promise<number | undefined> {
  const entered = (await executionHistory(target, executionArn)).find((event) => event.stateEnteredEventDetails?.name === 'Finish');
  return entered?.timestamp?.getTime();
}

function executionArnOf(target: BlueGreenService, name: string): string {
  return `${deployStateMachineArn(target.clients.stage).replace(':stateMachine:', ':execution:')}:${name}`;
}

export interface ConcurrencySamples {
  samples: number;
  /** Most executions seen RUNNING at once, hand-overs included. */
  maxRunning: number;
  /** Most executions seen RUNNING at once that had not entered Finish yet: deploys doing work at the same time. */
  maxWorking: number;
  /** The first sample that saw more than one deploy working, if any. */
  overlap?: { at: string; working: string[] };
}

/** Samples the running deploy executions until stopped: how many ran at once, and how many of them were working. */
export function sampleRunningDeploys(target: BlueGreenService, intervalMs = 50): { stop(): Promise<ConcurrencySamples> } {
  const result: ConcurrencySamples = { samples: 0, maxRunning: 0, maxWorking: 0 };
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      const running = await runningDeploys(target);
      result.samples += 1;
      result.maxRunning = Math.max(result.maxRunning, running.length);
      const working =
        running.length > 1
          ? (await Promise.all(running.map(async (name) => ((await finishEnteredAt(target, executionArnOf(target, name))) === undefined ? [name] : [])))).flat()
          : running;
      result.maxWorking = Math.max(result.maxWorking, working.length);
      if (working.length > 1) result.overlap ??= { at: new Date().toISOString(), working };
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await loop;
      return result;
    },
  };
}

/**
 * After the fact, for every execution: did it start before the previous one (in start order) entered Finish? Such
 * a pair ran two deploys at once. Returns them described, and how many starts fell in a hand-over (after the previous
 * entered Finish, before it stopped).
 */
export async function concurrentExecutions(target: BlueGreenService, executionArns: string[]): Promise<{ overlaps: string[]; handOvers: number }> {
  const spans = (
    await Promise.all(
      executionArns.map(async (executionArn) => {
        const execution = await target.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
        return {
          name: execution.name ?? '',
          start: execution.startDate?.getTime() ?? 0,
          stop: execution.stopDate?.getTime() ?? Infinity,
          finishEntered: (await finishEnteredAt(target, executionArn)) ?? Infinity,
        };
      }),
    )
  ).sort((a, b) => a.start - b.start);
  const overlaps: string[] = [];
  let handOvers = 0;
  spans.slice(1).forEach((span, index) => {
    const previous = spans[index];
    if (!previous || span.start >= previous.stop) return;
    if (span.start >= previous.finishEntered) handOvers += 1;
    else overlaps.push(`${span.name} started ${Math.min(previous.stop, previous.finishEntered) - span.start} ms before ${previous.name} entered Finish`);
  });
  return { overlaps, handOvers };
}

/** The service as an operator would check it after deploys: weights, task sets, lock and queue. */
export async function serviceState(stack: StackUnderTest, target: BlueGreenService) {
  const [weights, sets, lockHolder, queued] = await Promise.all([
    productionWeights(target),
    taskSets(target),
    deployments(stack).lockHolder(target.cluster, target.service),
    deployments(stack).queued(target.cluster, target.service),
  ]);
  return {
    weights,
    taskSets: sets.map((taskSet) => ({ arn: taskSet.taskSetArn ?? '', status: taskSet.status ?? '', taskDefinition: taskSet.taskDefinition ?? '', targetGroup: taskSet.loadBalancers?.[0]?.targetGroupArn ?? '' })),
    lockHolder,
    queued: queued?.deploymentId,
  };
}
export type ServiceState = Awaited<ReturnType<typeof serviceState>>;

/** ARNs of the running tasks a task set started (ECS sets startedBy to the task set's id), every page. */
export async function runningTasksOf(target: BlueGreenService, taskSetArn: string): Promise<string[]> {
  const startedBy = taskSetArn.split('/').slice(-2).join('/');
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await target.clients.ecs.send(new ListTasksCommand({ cluster: target.cluster, startedBy, desiredStatus: 'RUNNING', nextToken }));
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns.sort();
}
