/** What other capabilities and the CLI may use of step scaling: its recorded activity, as operators read it. */
export { ScalingStore } from './adapters/scaling-store.ts';
export { AlarmMetrics, type AlarmDefinition } from './adapters/alarm-metrics.ts';
export type { ScalingActivity, ScalingOutcome } from './domain/scaling-activity.ts';
export { scalingHistoryEntry, type ScalingHistoryEntry, type ScalingHistoryOutcome } from './domain/scaling-history.ts';
