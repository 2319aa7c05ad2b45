import type { ScalingHistoryEntry, ScalingHistoryOutcome } from '../../functions/scaling/index.ts';
import { renderTable, type Colours } from '../output.ts';
import { formatTime } from './events.ts';

/** `harbormaster scaling`: one row per evaluation of a scaling policy, newest first. */

const OUTCOME_LABEL: Record<ScalingHistoryOutcome, string> = { scaled: 'scaled', cooldown: 'in cooldown', 'at-limit': 'at limit', 'no-action': 'no action', failed: 'failed' };

export function renderScalingHistory(entries: ScalingHistoryEntry[], colours: Colours): string {
  const paint: Record<ScalingHistoryOutcome, (text: string) => string> = { scaled: colours.green, cooldown: colours.yellow, 'at-limit': colours.yellow, 'no-action': colours.dim, failed: colours.red };
  return renderTable(
    ['time', 'alarm', 'metric', 'step', 'desired', 'outcome', 'reason'],
    entries.map((entry) => [
      formatTime(entry.at),
      entry.alarmName,
      entry.metric === null ? undefined : `${round(entry.metric)}${entry.threshold === null ? '' : ` (threshold ${round(entry.threshold)})`}`,
      entry.step,
      capacity(entry),
      paint[entry.outcome](OUTCOME_LABEL[entry.outcome]),
      entry.reason,
    ]),
  );
}

/** Before → after when the evaluation set a desired count, else the count it left as it was. */
function capacity(entry: ScalingHistoryEntry): string | undefined {
  if (entry.fromCapacity === null) return undefined;
  return entry.toCapacity === null ? String(entry.fromCapacity) : `${entry.fromCapacity} → ${entry.toCapacity}`;
}

/** Metrics are averages: a few decimals are enough to see why a step was chosen. */
function round(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
