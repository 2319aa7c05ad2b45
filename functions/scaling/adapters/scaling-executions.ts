import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

export class ScalingStartError extends Error {
  override readonly name = 'ScalingStartError';
}

/**
 * Starts the step-scaling state machine under a deterministic name; an existing execution means "already handled".
 * (AWS answers a repeat of a still-running identical request with success instead: still one execution.)
 */
export class ScalingExecutions {
  private readonly sfn: SFNClient;
  private readonly stateMachineArn: string;

  constructor(sfn: SFNClient, stateMachineArn: string) {
    this.sfn = sfn;
    this.stateMachineArn = stateMachineArn;
  }

  async start(name: string, input: Record<string, unknown>): Promise<'started' | 'duplicate'> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'duplicate';
      throw new ScalingStartError(`Could not start scaling execution ${name}`, { cause: error });
    }
  }
}
