import type { ConfigPlan, EntryChange, FieldChange } from '../../functions/config/index.ts';
import type { Colours } from '../output.ts';

/** The readable diff of `plan` (and of `apply` before it writes): section by section, field by field. */
export function renderPlan(plan: ConfigPlan, colours: Colours): string {
  const lines: string[] = [];
  let section = '';
  for (const change of plan.changes) {
    if (change.section !== section) {
      section = change.section;
      lines.push(colours.bold(section));
    }
    lines.push(`  ${entryLine(change, colours)}`);
    for (const field of change.fields) lines.push(`      ${fieldLine(field, colours)}`);
    for (const note of change.notes ?? []) lines.push(`      ${colours.cyan(`note: ${note}`)}`);
    for (const problem of change.problems ?? []) lines.push(`      ${colours.red(`✗ ${problem} (apply skips it)`)}`);
  }
  if (plan.changes.length === 0) lines.push('Nothing is declared or stored.');
  lines.push('', summaryLine(plan));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(plan: ConfigPlan): string {
  const { add, change, remove, unchanged, keep } = plan.counts;
  const kept = keep > 0 ? `, ${keep} not in the file and kept (apply --prune removes ${keep === 1 ? 'it' : 'them'})` : '';
  return `Plan: ${add} to add, ${change} to change, ${remove} to remove, ${unchanged} unchanged${kept}.`;
}

const MARK = { add: '+', change: '~', remove: '-', keep: '!', unchanged: '=' } as const;

function entryLine(change: EntryChange, colours: Colours): string {
  const name = change.label === change.id ? change.label : `${change.label} (${change.id})`;
  const revision = change.revision > 0 ? ` at revision ${change.revision}` : '';
  const text: Record<EntryChange['action'], string> = {
    add: `${MARK.add} ${name}: added`,
    change: `${MARK.change} ${name}: changed${revision}`,
    remove: `${MARK.remove} ${name}: removed${revision}`,
    keep: `${MARK.keep} ${name}: stored but not in the file; kept`,
    unchanged: `${MARK.unchanged} ${name}: unchanged`,
  };
  const paint = { add: colours.green, change: colours.yellow, remove: colours.red, keep: colours.cyan, unchanged: colours.dim }[change.action];
  return paint(text[change.action]);
}

function fieldLine(field: FieldChange, colours: Colours): string {
  if (field.kind === 'added') return colours.green(`+ ${field.path}: ${show(field.after)}`);
  if (field.kind === 'removed') return colours.red(`- ${field.path}: ${show(field.before)}`);
  return colours.yellow(`~ ${field.path}: ${show(field.before)} → ${show(field.after)}`);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}
