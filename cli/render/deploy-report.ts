import type { Colours } from '../output.ts';

/** What a deploy verb prints: one report (the same fields for `--json`), then with --wait its progress and its end. */

export interface DeployReport {
  service: { name: string; cluster: string; service: string };
  action: 'deploy' | 'approve' | 'promote' | 'abort' | 'rollback' | 'unlock';
  dryRun: boolean;
  /** What happened (started, approved, released…) or, in a dry run, would (would-start, would-approve…). */
  outcome: string;
  deploymentId?: string;
  /** The same in one sentence. */
  message: string;
  /** With --wait: how the deployment ended. */
  result?: WaitReport;
  [field: string]: unknown;
}

export interface WaitReport {
  /** The deployment's outcome, SUPERSEDED (replaced in the queue by a newer request, never ran), or RUNNING (timed out). */
  status: string;
  timedOut: boolean;
  endedAt?: string;
  reason?: string;
}

/** The report for people: a dry run says so first; `details` follow the message, indented. */
export function renderReport(report: DeployReport, details: string[], ok: boolean, colours: Colours): string {
  const mark = ok ? colours.green('✓') : colours.red('✗');
  const head = report.dryRun ? `Dry run: nothing is changed.\n${report.message}` : `${mark} ${report.message}`;
  return `${[head, ...details.map((line) => `  ${line}`)].join('\n')}\n`;
}

/** A progress line of --wait: the time (UTC), then what the deployment does, e.g. `10:04:12  is baking at step traffic-50`. */
export function renderProgress(now: Date, line: string, hint?: string): string {
  return `  ${now.toISOString().slice(11, 19)}  ${line}${hint ? ` (${hint})` : ''}\n`;
}

export function renderWaitEnd(deploymentId: string, result: WaitReport, ok: boolean, colours: Colours, follow: string, timeoutSeconds?: number): string {
  if (result.timedOut) return `Stopped waiting after ${timeoutSeconds ?? 0} s; deployment ${deploymentId} goes on. Follow it with ${follow}.\n`;
  if (result.status === 'SUPERSEDED') return `${colours.red('✗')} Deployment ${deploymentId} never ran: a newer deploy request replaced it in the queue.\n`;
  const mark = ok ? colours.green('✓') : colours.red('✗');
  const at = result.endedAt ? ` at ${result.endedAt}` : '';
  const reason = result.reason ? `: ${result.reason}` : '';
  return `${mark} Deployment ${deploymentId} ${result.status}${at}${reason}\n${ok ? '' : `  See what happened with ${follow}.\n`}`;
}
