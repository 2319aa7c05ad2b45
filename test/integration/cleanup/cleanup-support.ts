import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { childWorkflow, type Workflow } from '../../unit/cleanup/history-model.ts';

/** Running the revision-cleanup state machine on the local AWS and reading what its executions recorded (tests and bench). */

export const CLEANUP_STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:harbormaster-local-revision-cleanup';

/** Starts an execution and polls it to its end. */
export async function runToEnd(sfn: SFNClient, stateMachineArn: string, name: string, input: unknown, timeoutMs = 120_000): Promise<DescribeExecutionCommandOutput> {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    if (Date.now() > deadline) throw new Error(`${name} still RUNNING after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

export async function fullHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The largest input, output or parameters any event of a history carries, in bytes (Step Functions' limit: 256 KiB). */
export function largestPayload(history: HistoryEvent[]): number {
  let largest = 0;
  for (const event of history) {
    for (const details of Object.values(event)) {
      if (typeof details !== 'object' || details === null) continue;
      for (const key of ['input', 'output', 'parameters'] as const) {
        const value = (details as Record<string, unknown>)[key];
        if (typeof value === 'string') largest = Math.max(largest, Buffer.byteLength(value));
      }
    }
  }
  return largest;
}

/** The deployed definition (substitutions applied). */
export async function deployedDefinition(sfn: SFNClient): Promise<Workflow> {
  const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: CLEANUP_STATE_MACHINE }));
  return JSON.parse(definition ?? '{}') as Workflow;
}

/**
 * A state machine running what each child execution of a Distributed Map state runs. moto runs Distributed Map
 * children inline and keeps no history of them; in AWS each child is an execution of exactly this workflow.
 */
export async function childStateMachine(sfn: SFNClient, mapState: string): Promise<string> {
  const { StartAt, States } = childWorkflow(await deployedDefinition(sfn), mapState);
  const child = { QueryLanguage: 'JSONata', StartAt, States };
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name: `revision-cleanup-${mapState}`, definition: JSON.stringify(child), roleArn: 'arn:aws:iam::123456789012:role/revision-cleanup-child' }),
  );
  return stateMachineArn as string;
}
