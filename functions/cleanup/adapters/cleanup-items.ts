import { expiresAt, type StateItem } from '../../kernel/store/state-items.ts';
import type { KeptRevision, RevisionUsage, WorkBatch } from '../domain/revision-cleanup.ts';

/**
 * Items of revision cleanup in the state table (docs/decisions/0002, 0005). Keys are built here and nowhere else.
 *
 *   run summary         CLEANUP / RUN#<runId>                                  90 d   gsi2 CLEANUP_RUN#<status>
 *   family outcome      CLEANUP_RUN#<runId> / FAMILY#<family>                   90 d
 *   unreadable ref.     CLEANUP_RUN#<runId> / UNREADABLE#<owner>#<reference>    90 d
 *   listed cluster      CLEANUP_RUN#<runId> / CLUSTER#<clusterArn>              2 d
 *   usage set sealed    CLEANUP_RUN#<runId> / USAGE                             2 d
 *   usage               CLEANUP_RUN#<runId>#USAGE#<family> / <revision|latest>#<kind>#<owner>#<detail>   2 d
 *   kept revisions      CLEANUP_RUN#<runId>#FAMILY#<family> / KEEP#<page>       90 d
 *   work batch          CLEANUP_RUN#<runId>#FAMILY#<family> / BATCH#<index>     90 d
 *
 * runId is `<startedAt>#<executionName>`. Usage items and cluster markers serve one run only; the run's record
 * (outcomes, kept revisions with reasons, batches with what ECS refused) stays 90 days. No item has index attributes
 * except the run summary: cleanup writes no index.
 */
export const CLEANUP_RETENTION_DAYS = 90;
/** Working items (usage set, cluster markers) expire this long after the run started; planning stops trusting them sooner. */
export const WORKING_RETENTION_DAYS = 2;

type RunIdentity = { runId: string; startedAt: string };

export const runPartition = (runId: string) => `CLEANUP_RUN#${runId}`;
export const usagePartition = (runId: string, family: string) => `CLEANUP_RUN#${runId}#USAGE#${family}`;
export const familyPartition = (runId: string, family: string) => `CLEANUP_RUN#${runId}#FAMILY#${family}`;
const index = (value: number) => String(value).padStart(5, '0');

export const SK = { family: 'FAMILY#', unreadable: 'UNREADABLE#', cluster: 'CLUSTER#', keep: 'KEEP#', batch: 'BATCH#' } as const;

export const RUNS_PARTITION = 'CLEANUP';
export const RUN_PREFIX = 'RUN#';

export function cleanupRunItem<T extends { runId: string; startedAt: string; status: string }>(run: T): StateItem {
  return {
    pk: RUNS_PARTITION,
    sk: `${RUN_PREFIX}${run.runId}`,
    kind: 'cleanup-run',
    ...run,
    gsi2pk: `CLEANUP_RUN#${run.status}`,
    gsi2sk: run.startedAt,
    expiresAt: expiresAt(run.startedAt, CLEANUP_RETENTION_DAYS),
  };
}

export const familyKey = (runId: string, family: string) => ({ pk: runPartition(runId), sk: `${SK.family}${family}` });

/** A family's state in a run: listed (pending), planned, its outcome, or its failure. */
export function cleanupFamilyItem(run: RunIdentity, family: string, record: Record<string, unknown>): StateItem {
  return { ...familyKey(run.runId, family), kind: 'cleanup-family', runId: run.runId, family, ...record, expiresAt: expiresAt(run.startedAt, CLEANUP_RETENTION_DAYS) };
}

export function unreadableReferenceItem(run: RunIdentity, reference: { owner: string; reference: string }): StateItem {
  return {
    pk: runPartition(run.runId),
    // Sort keys hold at most 1,024 bytes; a reference that names no task definition can be anything.
    sk: `${SK.unreadable}${reference.owner}#${reference.reference}`.slice(0, 1000),
    kind: 'cleanup-unreadable-reference',
    ...reference,
    expiresAt: expiresAt(run.startedAt, CLEANUP_RETENTION_DAYS),
  };
}

export const clusterKey = (runId: string, cluster: string) => ({ pk: runPartition(runId), sk: `${SK.cluster}${cluster}` });

/** A cluster listed for the run, and whether its usages are gathered. */
export function listedClusterItem(run: RunIdentity, cluster: string, gathered: { usages: number } | undefined): StateItem {
  return { ...clusterKey(run.runId, cluster), kind: 'cleanup-cluster', cluster, gathered: gathered !== undefined, ...gathered, expiresAt: expiresAt(run.startedAt, WORKING_RETENTION_DAYS) };
}

export const usageSealKey = (runId: string) => ({ pk: runPartition(runId), sk: 'USAGE' });

/** Written once every listed cluster and every rule and schedule is gathered: planning reads usages only after it. */
export function usageSealItem(run: RunIdentity, clusters: number): StateItem {
  return { ...usageSealKey(run.runId), kind: 'cleanup-usage-sealed', clusters, sealedAt: new Date().toISOString(), expiresAt: expiresAt(run.startedAt, WORKING_RETENTION_DAYS) };
}

export function usageItem(run: RunIdentity, usage: RevisionUsage): StateItem {
  return {
    pk: usagePartition(run.runId, usage.family),
    // One item per usage: a retried gather rewrites the same keys. The revision leads, so a cut key still protects it.
    sk: `${usage.revision ?? 'latest'}#${usage.kind}#${usage.owner}#${usage.detail}`.slice(0, 1000),
    kind: 'cleanup-usage',
    usage,
    expiresAt: expiresAt(run.startedAt, WORKING_RETENTION_DAYS),
  };
}

export function keptPageItem(run: RunIdentity, family: string, page: number, keep: KeptRevision[]): StateItem {
  return { pk: familyPartition(run.runId, family), sk: `${SK.keep}${index(page)}`, kind: 'cleanup-kept', keep, expiresAt: expiresAt(run.startedAt, CLEANUP_RETENTION_DAYS) };
}

export const batchKey = (runId: string, family: string, batch: number) => ({ pk: familyPartition(runId, family), sk: `${SK.batch}${index(batch)}` });

export function workBatchItem(run: RunIdentity, family: string, batch: number, work: WorkBatch): StateItem {
  return { ...batchKey(run.runId, family, batch), kind: 'cleanup-batch', batch, ...work, expiresAt: expiresAt(run.startedAt, CLEANUP_RETENTION_DAYS) };
}
