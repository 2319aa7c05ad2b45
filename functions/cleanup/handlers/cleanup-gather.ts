import { sharedDocumentClient, sharedEcsClient, sharedEventBridgeClient, sharedSchedulerClient } from '../../kernel/aws/clients.ts';
import { ConfigStore } from '../../config/index.ts';
import { TaskDefinitionUsageReader } from '../adapters/task-definition-usage.ts';
import { parseCleanupConfig, parseCleanupRunInput } from '../config.ts';
import { familySelected, type RevisionUsage } from '../domain/revision-cleanup.ts';
import { cleanupDependencies, runIdOf, workflowStep, type CleanupRun, type ExecutionIdentity } from './dependencies.ts';

/** First step of a cleanup run: settings (stored config + run input), the families to clean, and every usage of a revision. */
const { tables, taskDefinitions, logger } = cleanupDependencies();
const configs = new ConfigStore(sharedDocumentClient(), tables.state);
const usageReader = new TaskDefinitionUsageReader({ ecs: sharedEcsClient(), events: sharedEventBridgeClient(), scheduler: sharedSchedulerClient() });

export interface GatherResult {
  run: CleanupRun;
  families: Array<{ family: string; usages: RevisionUsage[] }>;
}

export const handler = workflowStep(logger, async (event: ExecutionIdentity & { input: unknown }): Promise<GatherResult> => {
  const input = parseCleanupRunInput(event.input);
  const { dryRun, ...settings } = (await configs.getCleanupConfig())?.config ?? parseCleanupConfig({});
  const [families, { usages, unreadable }] = await Promise.all([taskDefinitions.listFamilies(), usageReader.findUsages()]);
  const selected = families.filter((family) => familySelected(family, settings.includeFamilies, settings.excludeFamilies)).sort();
  const run: CleanupRun = {
    runId: runIdOf(event),
    executionName: event.executionName,
    startedAt: event.startedAt,
    trigger: input.trigger,
    dryRun: input.dryRun ?? dryRun,
    settings,
    unreadableReferences: unreadable,
  };
  logger.info('Cleanup run gathered', { runId: run.runId, dryRun: run.dryRun, families: selected.length, of: families.length, usages: usages.length });
  return { run, families: selected.map((family) => ({ family, usages: usages.filter((usage) => usage.family === family) })) };
});
