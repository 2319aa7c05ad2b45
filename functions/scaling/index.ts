/** What other capabilities and the CLI may use of step scaling: its history of activities. */
export { ScalingStore } from './adapters/scaling-store.ts';
export type { ScalingActivity, ScalingOutcome } from './domain/scaling-activity.ts';
