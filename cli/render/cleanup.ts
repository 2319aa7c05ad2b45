import type { CleanupRunReport, FamilyReport } from '../../functions/cleanup/index.ts';
import { hasWork } from '../../functions/cleanup/index.ts';
import { renderTable, type Colours } from '../output.ts';

/** `harbormaster cleanup plan|run`: the families with something to remove, revision by revision, then the totals. */

export function renderCleanupReport(report: CleanupRunReport, colours: Colours): string {
  const { run } = report;
  const listed = report.families.filter(hasWork);
  const paint = { planned: colours.cyan, cleaned: colours.green, partial: colours.yellow, failed: colours.red, pending: colours.yellow } as const;
  const lines: string[] = [];
  if (listed.length > 0) {
    lines.push(
      renderTable(
        ['family', 'status', 'kept', run.dryRun ? 'would deregister' : 'deregistered', run.dryRun ? 'would delete' : 'deleted', 'failed'],
        listed.map((family) => [
          family.family,
          paint[family.status](family.status),
          family.kept,
          revisionRanges(family.deregister),
          revisionRanges(family.delete),
          family.failed > 0 ? family.failed : undefined,
        ]),
      ).trimEnd(),
      '',
    );
  }
  const problems = listed.flatMap((family) => problemLines(family));
  if (problems.length > 0) lines.push(colours.bold('Not done:'), ...problems.map((problem) => `  ${problem}`), '');
  const quiet = report.families.length - listed.length;
  if (quiet > 0) lines.push(`${quiet} ${quiet === 1 ? 'family has' : 'families have'} nothing to remove.`);
  lines.push(totalsLine(report));
  return `${lines.join('\n')}\n`;
}

function totalsLine({ run }: CleanupRunReport): string {
  const totals = run.totals;
  if (!totals) return `Run ${run.status}.`;
  const [deregistered, deleted] = run.dryRun ? ['would deregister', 'would delete'] : ['deregistered', 'deleted'];
  const failures = totals.failedFamilies + totals.revisionFailures > 0 ? `; ${totals.failedFamilies} families and ${totals.revisionFailures} revisions failed` : '';
  return `Total: ${totals.families} families, ${deregistered} ${totals.deregistered}, ${deleted} ${totals.deleted}, kept ${totals.kept} revisions${failures}.`;
}

function problemLines(family: FamilyReport): string[] {
  if (family.error) return [`${family.family}: ${family.error}`];
  if (family.status === 'pending') return [`${family.family}: recorded no outcome`];
  const more = family.failed - family.failures.length;
  return [
    ...family.failures.map((failure) => `${family.family}:${failure.revision} not ${failure.action === 'delete' ? 'deleted' : 'deregistered'}: ${failure.reason}`),
    ...(more > 0 ? [`${family.family}: ${more} more revisions refused (see the family's record)`] : []),
  ];
}

/** `1-19, 21, 23-30`: runs of consecutive revisions; `-` when there are none. */
export function revisionRanges(revisions: number[]): string | undefined {
  const ranges: string[] = [];
  for (let start = 0; start < revisions.length; ) {
    let end = start;
    while (end + 1 < revisions.length && (revisions[end + 1] as number) === (revisions[end] as number) + 1) end += 1;
    ranges.push(end === start ? String(revisions[start]) : `${revisions[start]}-${revisions[end]}`);
    start = end + 1;
  }
  return ranges.length > 0 ? ranges.join(', ') : undefined;
}
