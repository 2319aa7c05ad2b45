import type { z } from 'zod';

/** A configuration that failed validation; `problems` name each path and what was expected. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
  readonly problems: string[];

  constructor(subject: string, problems: string[]) {
    super(`Invalid configuration for ${subject}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/** One line per problem: the path (or `(root)`) and what was expected. */
export function issueMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}
