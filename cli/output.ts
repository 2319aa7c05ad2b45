import Table from 'cli-table3';
import picocolors from 'picocolors';

/**
 * Where a verb writes: people get tables (and colour on a terminal), scripts get `--json` (NDJSON when following).
 * Tests pass their own Io and read what was written.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal: colour and redrawn views only then. */
  isTTY: boolean;
  /** Terminal width and height, for redrawn views. */
  columns?: number;
  rows?: number;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns,
    rows: process.stdout.rows,
  };
}

export type Colours = ReturnType<typeof picocolors.createColors>;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or --no-color is given. */
export function coloursFor(io: Io, options: { color?: boolean }, env: NodeJS.ProcessEnv): Colours {
  const enabled = io.isTTY && options.color !== false && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb';
  return picocolors.createColors(enabled);
}

export type Cell = string | number | undefined | null;

/** A borderless table, kubectl-style: upper-case headers, columns two spaces apart, one row per line. */
export function renderTable(headers: string[], rows: Cell[][]): string {
  const table = new Table({
    head: headers.map((header) => header.toUpperCase()),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows.map((row) => row.map((cell) => (cell === undefined || cell === null || cell === '' ? '-' : String(cell)))));
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** One JSON document per line, for `--follow` and `--watch` with `--json`. */
export function printNdjson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value)}\n`);
}
