/** A failure the operator can act on: what went wrong and what to do next. Printed without a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Exit codes, documented in `harbormaster --help` and docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** The operation failed, or the service did not end healthy. */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** `--timeout` elapsed while the deploy was still in flight. */
  timedOut: 3,
} as const;
