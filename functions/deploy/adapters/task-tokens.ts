import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, type SFNClient } from '@aws-sdk/client-sfn';

/**
 * What resuming a parked deploy did: resumed it, found it gone on (the wait timed out into a check, or the execution
 * ended; moto answers InvalidToken for those), or could not reach Step Functions (after the SDK's retries; the wait's
 * own timeout then takes over).
 */
export type ResumeResult = 'resumed' | 'already-moved-on' | 'resume-failed';

/** Resumes a deploy parked on a task token (docs/decisions/0013-deploy-waits.md): every resumer goes through here. */
export class TaskTokens {
  private readonly sfn: SFNClient;

  constructor(sfn: SFNClient) {
    this.sfn = sfn;
  }

  /** The wait ends and the machine checks the step again. */
  succeed(taskToken: string, output: Record<string, unknown>): Promise<ResumeResult> {
    return this.send(() => this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  /** The wait fails with `error`'s name, which the machine catches into the rollback. */
  fail(taskToken: string, error: Error): Promise<ResumeResult> {
    return this.send(() => this.sfn.send(new SendTaskFailureCommand({ taskToken, error: error.name, cause: error.message.slice(0, 32_768) })));
  }

  private async send(call: () => Promise<unknown>): Promise<ResumeResult> {
    try {
      await call();
      return 'resumed';
    } catch (error) {
      if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) return 'already-moved-on';
      return 'resume-failed';
    }
  }
}
