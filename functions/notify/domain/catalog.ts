/** Least severe first. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Every announcement kind's severity and title, in one table. A kind not listed (one a newer capability added before
 * this table learnt it) still gets a severity and a title from its name, and renders as a generic card.
 */

export interface KindEntry {
  severity: Severity;
  title: string;
}

export const KIND_CATALOG: Readonly<Record<string, KindEntry>> = {
  'task-failed': { severity: 'warning', title: 'Task stopped unexpectedly' },
  'deploy-started': { severity: 'info', title: 'Deploy started' },
  'deploy-step-completed': { severity: 'info', title: 'Deploy step done' },
  'deploy-approval-requested': { severity: 'warning', title: 'Deploy waiting for approval' },
  'deploy-succeeded': { severity: 'info', title: 'Deployed' },
  'deploy-rolled-back': { severity: 'critical', title: 'Deploy rolled back' },
  'deploy-failed': { severity: 'critical', title: 'Deploy failed' },
  'deploy-stopped': { severity: 'warning', title: 'Deploy stopped' },
  'deploy-timed-out': { severity: 'critical', title: 'Deploy timed out' },
  'deploy-superseded': { severity: 'info', title: 'Deploy superseded by a newer push' },
  'deploy-cleanup-failed': { severity: 'critical', title: 'Green task set left behind' },
  'scale-activity': { severity: 'info', title: 'Scaling' },
  'scale-failed': { severity: 'critical', title: 'Scaling failed' },
  'scaling-limit-reached': { severity: 'warning', title: 'Scaling stopped re-evaluating' },
  'cleanup-completed': { severity: 'info', title: 'Revision cleanup' },
  'cleanup-failed': { severity: 'critical', title: 'Revision cleanup failed' },
  'notification-test': { severity: 'info', title: 'Test notification' },
};

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];
}

/** The table's entry, or one read from the kind's name (`schedule-run-failed` → critical, "Schedule run failed"). */
export function kindEntry(kind: string): KindEntry & { known: boolean } {
  const entry = KIND_CATALOG[kind];
  if (entry) return { ...entry, known: true };
  const words = kind.split('-').filter((word) => word !== '');
  const severity: Severity = words.some((word) => ['failed', 'failure', 'error', 'timed', 'aborted'].includes(word))
    ? 'critical'
    : words.some((word) => ['warning', 'skipped', 'late', 'limit', 'degraded', 'requested'].includes(word))
      ? 'warning'
      : 'info';
  const title = words.join(' ');
  return { severity, title: title === '' ? 'Announcement' : `${title[0]?.toUpperCase() ?? ''}${title.slice(1)}`, known: false };
}
