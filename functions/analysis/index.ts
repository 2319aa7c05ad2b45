/** What the deploy capability and the operator tools (the CLI) use of canary analysis: the measurement step, its store and what history shows. */
export { MeasurementStep, type AnalyseRequest, type AnalysisOutcome } from './app/measurement-step.ts';
export { AnalysisStore, type StoredMeasurement } from './adapters/analysis-store.ts';
export { CloudWatchMetrics } from './adapters/cloudwatch-metrics.ts';
export { resolveAnalysis, type AnalysisMode, type ResolvedAnalysis } from './domain/analysis-run.ts';
export { describeResult, formatValue, type MetricResult } from './domain/verdict.ts';
