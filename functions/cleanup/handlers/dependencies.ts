import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { sharedDocumentClient, sharedEcsClient, sharedEventBridgeClient, sharedSchedulerClient } from '../../kernel/aws/clients.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { CleanupStore } from '../adapters/cleanup-store.ts';
import { TaskDefinitionUsageReader } from '../adapters/task-definition-usage.ts';
import { TaskDefinitions } from '../adapters/task-definitions.ts';
import type { CleanupSettings } from '../domain/revision-cleanup.ts';

/**
 * Data the revision-cleanup state machine passes between its Lambdas (functions/cleanup/revision-cleanup.asl.json).
 * It is the same small object whatever the account's size: everything that grows with the account is in the state table.
 */

export interface CleanupRun {
  /** `<startedAt>#<executionName>`: the run's key in the state table. */
  runId: string;
  executionName: string;
  startedAt: string;
  trigger: 'schedule' | 'on-demand';
  dryRun: boolean;
  settings: CleanupSettings & { includeFamilies: string[]; excludeFamilies: string[] };
}

/** The execution's identity, from the context object (`$states.context.Execution`). */
export interface ExecutionIdentity {
  executionName: string;
  startedAt: string;
}

/** One page of a listing the state machine walks: its items go to a Distributed Map, `nextToken` to the next page. */
export interface ListedPage {
  items: string[];
  nextToken: string | null;
}

export const runIdOf = (execution: ExecutionIdentity) => `${execution.startedAt}#${execution.executionName}`;

export const cleanupLogger = () => new Logger({ serviceName: 'harbormaster' });

/** What a handler uses, built once per container at cold start (SDK clients are shared: kernel/aws/clients.ts). */
export const cleanupStore = () => new CleanupStore(sharedDocumentClient(), readTableNames(process.env));
export const taskDefinitions = () => new TaskDefinitions(sharedEcsClient());
export const usageReader = () => new TaskDefinitionUsageReader({ ecs: sharedEcsClient(), events: sharedEventBridgeClient(), scheduler: sharedSchedulerClient() });

/** A state-machine step: the Lambda context in every log line, errors thrown by name for the state machine's Retry/Catch. */
export function workflowStep<E, R>(logger: Logger, step: (event: E) => Promise<R>) {
  return middy<E, R, Error, Context>(step).use(injectLambdaContext(logger));
}
