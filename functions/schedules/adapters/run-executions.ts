import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { callAws } from '../../kernel/aws/calls.ts';

/** A run machine's execution as Step Functions describes it now (undefined: gone past its retention). */
export interface RunExecution {
  status: string;
  input: Record<string, unknown>;
}

/** Step Functions reads of the run machine: whether a lock holder still runs, what an ended execution was running. */
export class RunExecutions {
  private readonly sfn: SFNClient;

  constructor(sfn: SFNClient) {
    this.sfn = sfn;
  }

  async describe(executionArn: string): Promise<RunExecution | undefined> {
    try {
      const described = await callAws(`DescribeExecution ${executionArn}`, () => this.sfn.send(new DescribeExecutionCommand({ executionArn })));
      return { status: described.status ?? 'UNKNOWN', input: JSON.parse(described.input ?? '{}') as Record<string, unknown> };
    } catch (error) {
      if (error instanceof Error && error.cause instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  /** RUNNING, or about to run again (PENDING_REDRIVE). */
  async isRunning(executionArn: string): Promise<boolean> {
    const status = (await this.describe(executionArn))?.status;
    return status === 'RUNNING' || status === 'PENDING_REDRIVE';
  }
}
