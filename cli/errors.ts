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

/** The process's exit codes; EXIT_MEANINGS says what each means. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  timedOut: 3,
} as const;

/** What each exit code means, as `harbormaster --help` and docs/cli.md list them. */
export const EXIT_MEANINGS: Record<keyof typeof EXIT, string> = {
  ok: 'success',
  failed: 'the operation failed, or the service did not end healthy',
  usage: 'the command line was wrong',
  timedOut: 'a --timeout elapsed while a deploy (or a cleanup run) was still in flight; it goes on',
};

/** Every exit code with its meaning, in numeric order. */
export function exitCodes(): Array<{ code: number; meaning: string }> {
  return (Object.keys(EXIT) as Array<keyof typeof EXIT>).map((key) => ({ code: EXIT[key], meaning: EXIT_MEANINGS[key] })).sort((a, b) => a.code - b.code);
}
