import { stripVTControlCharacters } from 'node:util';
import type { Io } from '../output.ts';

/**
 * A view that is drawn again and again (`status SERVICE --watch`). On a terminal each frame replaces the previous one
 * in place (cursor up over its lines, clear to the end of the screen; lines cut to the terminal's width so none
 * wraps and the count stays right, and to its height). Elsewhere (a pipe, a CI log) a frame is printed only when it differs from the
 * last one printed, with a blank line between frames.
 */
export class LiveView {
  private readonly io: Io;
  private drawnLines = 0;
  private lastChange: string | undefined;

  constructor(io: Io) {
    this.io = io;
  }

  /** `change` identifies what the frame shows apart from the clock: an unchanged one is not printed again off a terminal. */
  show(frame: string, change: string): void {
    const lines = frame.replace(/\n$/, '').split('\n');
    if (this.io.isTTY) {
      const width = this.io.columns ?? 80;
      // Lines scrolled off the top cannot be drawn over: a frame keeps to the screen, less the cursor's line.
      const room = Math.max(1, (this.io.rows ?? Infinity) - 1);
      const shown = lines.length > room ? [...lines.slice(0, room - 1), `… ${lines.length - room + 1} more lines`] : lines;
      const erase = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[0J` : '';
      this.io.out(`${erase}${shown.map((line) => fitTo(line, width)).join('\n')}\n`);
      this.drawnLines = shown.length;
      return;
    }
    if (change === this.lastChange) return;
    this.io.out(`${this.lastChange === undefined ? '' : '\n'}${lines.join('\n')}\n`);
    this.lastChange = change;
  }
}

/** A line that fits: shorter lines keep their colours; a longer one is cut (without colours) and ends in `…`. */
function fitTo(line: string, width: number): string {
  const plain = stripVTControlCharacters(line);
  if (plain.length <= width) return line;
  return `${plain.slice(0, Math.max(0, width - 1))}…`;
}
