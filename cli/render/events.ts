import type { TimelineEvent } from '../../functions/kernel/timeline.ts';
import { renderTable, type Colours } from '../output.ts';

/** `harbormaster events`: a table of what was recorded, or, when following, one aligned line per event as it comes. */

const HEADERS = ['time', 'event', 'subject', 'message'];
/** Follow lines are aligned on the widest usual values, since later events cannot widen the columns of earlier lines. */
const LINE_WIDTHS = [20, 30, 36];

/** A stored ISO time as a table shows it: UTC, to the second. */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function renderEvents(events: TimelineEvent[], colours: Colours): string {
  return renderTable(HEADERS, events.map((event) => cells(event, colours)));
}

export function eventHeaderLine(): string {
  return line(HEADERS.map((header) => header.toUpperCase()));
}

export function eventLine(event: TimelineEvent, colours: Colours): string {
  return line(cells(event, colours));
}

function cells(event: TimelineEvent, colours: Colours): string[] {
  const paint = event.severity === 'error' ? colours.red : event.severity === 'warn' ? colours.yellow : (text: string) => text;
  return [formatTime(event.at), paint(event.type), event.subject ?? '-', event.message || '-'];
}

function line(cells: string[]): string {
  return `${cells.map((cell, index) => (index < LINE_WIDTHS.length ? padVisible(cell, LINE_WIDTHS[index] as number) : cell)).join('  ').trimEnd()}\n`;
}

/** Pads by the visible width: colour codes take no room on screen. */
function padVisible(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\u001b\[[0-9;]*m/g, '').length;
  return visible >= width ? text : text + ' '.repeat(width - visible);
}
