/**
 * What each reliability scenario measured (counts, durations, outcomes), gathered while it runs — also when it
 * fails halfway, so the table shows how far it got — and printed as one table at the end of the run.
 */

export type Figure = string | number | boolean;

export class Figures {
  readonly #values = new Map<string, Figure>();

  set(name: string, value: Figure): void {
    this.#values.set(name, value);
  }

  /** Milliseconds since `startedAt` (a Date.now() value), kept under `name`; returns them. */
  elapsed(name: string, startedAt: number): number {
    const ms = Date.now() - startedAt;
    this.set(name, seconds(ms));
    return ms;
  }

  entries(): [string, Figure][] {
    return [...this.#values];
  }
}

export interface ScenarioReport {
  id: string;
  title: string;
  /** `passed`, `FAILED: <first line of the failure>`, or the same prefixed with what the scenario waits for. */
  outcome: string;
  durationMs: number;
  figures: [string, Figure][];
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatFigure(value: Figure): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
}

/** One block per scenario: its id, title, outcome and duration, then its figures as `name  value` lines. */
export function figuresTable(scale: string, reports: ScenarioReport[]): string {
  const width = Math.max(0, ...reports.flatMap((report) => report.figures.map(([name]) => name.length)));
  const lines = [`Reliability figures (RELIABILITY_SCALE=${scale})`];
  for (const report of reports) {
    lines.push('', `${report.id}) ${report.title} — ${report.outcome} in ${seconds(report.durationMs)}`);
    for (const [name, value] of report.figures) lines.push(`    ${name.padEnd(width)}  ${formatFigure(value)}`);
  }
  return lines.join('\n');
}
