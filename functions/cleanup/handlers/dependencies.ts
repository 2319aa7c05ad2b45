import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { sharedEcsClient } from '../../kernel/aws/clients.ts';
import { TaskDefinitions } from '../adapters/task-definitions.ts';
import type { UnreadableReference } from '../adapters/task-definition-usage.ts';
import { readTableNames, type TableNames } from '../../kernel/environment.ts';
import type { CleanupSettings } from '../domain/revision-cleanup.ts';

/** Data the revision-cleanup state machine passes between its Lambdas (functions/cleanup/revision-cleanup.asl.json). */

export interface CleanupRun {
  /** `<startedAt>#<executionName>`: the run's key in the state table. */
  runId: string;
  executionName: string;
  startedAt: string;
  trigger: 'schedule' | 'on-demand';
  dryRun: boolean;
  settings: CleanupSettings & { includeFamilies: string[]; excludeFamilies: string[] };
  /** References that name no task definition (kept out of the plan, listed in the summary). */
  unreadableReferences: UnreadableReference[];
}

/** The execution's identity, from the context object (`$$.Execution`). */
export interface ExecutionIdentity {
  executionName: string;
  startedAt: string;
}

export const runIdOf = (execution: ExecutionIdentity) => `${execution.startedAt}#${execution.executionName}`;

export const cleanupLogger = () => new Logger({ serviceName: 'harbormaster' });

/** Built once per container; tests build their own with injected clients instead. */
export function cleanupDependencies(): { tables: TableNames; taskDefinitions: TaskDefinitions; logger: Logger } {
  return { tables: readTableNames(process.env), taskDefinitions: new TaskDefinitions(sharedEcsClient()), logger: cleanupLogger() };
}

/** A state-machine step: the Lambda context in every log line, errors thrown by name for the state machine's Retry/Catch. */
export function workflowStep<E, R>(logger: Logger, step: (event: E) => Promise<R>) {
  return middy<E, R, Error, Context>(step).use(injectLambdaContext(logger));
}
