import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { ConfigStore } from '../../config/index.ts';
import { parseCleanupConfig, parseCleanupRunInput } from '../config.ts';
import { cleanupLogger, runIdOf, workflowStep, type CleanupRun, type ExecutionIdentity } from './dependencies.ts';

/** First step of a cleanup run: its settings, from the stored configuration and the run's input. */
const logger = cleanupLogger();
const configs = new ConfigStore(sharedDocumentClient(), readTableNames(process.env).state);

export const handler = workflowStep(logger, async (event: ExecutionIdentity & { input: unknown }): Promise<CleanupRun> => {
  const input = parseCleanupRunInput(event.input);
  const { dryRun, ...settings } = (await configs.getCleanupConfig())?.config ?? parseCleanupConfig({});
  const run: CleanupRun = { runId: runIdOf(event), executionName: event.executionName, startedAt: event.startedAt, trigger: input.trigger, dryRun: input.dryRun ?? dryRun, settings };
  logger.info('Cleanup run started', { runId: run.runId, dryRun: run.dryRun, trigger: run.trigger });
  return run;
});
