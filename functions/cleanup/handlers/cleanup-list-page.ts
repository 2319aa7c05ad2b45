import { familySelected } from '../domain/revision-cleanup.ts';
import { cleanupLogger, cleanupStore, taskDefinitions, usageReader, workflowStep, type CleanupRun, type ListedPage } from './dependencies.ts';

/**
 * One page of clusters or of task-definition families, each recorded in the run as listed (a cluster to gather, a
 * family to clean): the state machine fans a page out and asks for the next, so no step holds the whole account.
 */
const logger = cleanupLogger();
const store = cleanupStore();
const families = taskDefinitions();
const usages = usageReader();

export interface ListPageEvent {
  run: CleanupRun;
  listing: 'clusters' | 'families';
  /** null on the first page. */
  nextToken: string | null;
}

export const handler = workflowStep(logger, async (event: ListPageEvent): Promise<ListedPage> => {
  const token = event.nextToken ?? undefined;
  if (event.listing === 'clusters') {
    const page = await usages.clusterPage(token);
    await store.markClustersListed(event.run, page.items);
    logger.info('Listed clusters', { runId: event.run.runId, clusters: page.items.length, more: page.nextToken !== undefined });
    return { items: page.items, nextToken: page.nextToken ?? null };
  }
  if (event.listing !== 'families') throw new TypeError(`listing must be "clusters" or "families", not ${JSON.stringify(event.listing)}`);
  const { includeFamilies, excludeFamilies } = event.run.settings;
  const page = await families.familyPage(token);
  const selected = page.items.filter((family) => familySelected(family, includeFamilies, excludeFamilies)).sort();
  await store.markFamiliesListed(event.run, selected);
  logger.info('Listed families', { runId: event.run.runId, selected: selected.length, of: page.items.length, more: page.nextToken !== undefined });
  return { items: selected, nextToken: page.nextToken ?? null };
});
