import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { analysisConfigSchema } from '../functions/analysis/config.ts';
import { AnalysisStore } from '../functions/analysis/index.ts';
import { DeploymentStore } from '../functions/deploy/adapters/deployment-store.ts';
import { startLocalAws } from '../local/local-aws.ts';
import { createBlueGreenService, deployExecutions, executionHistory, pushImage, waitForExecution, type ServiceOptions } from '../local/sample-blue-green.ts';

/**
 * Canary analysis on the local AWS (docs/decisions/0019-canary-analysis.md): state transitions (states entered, as AWS
 * bills them) and GetMetricData calls per analysed step, beside the same deploy without analysis — the baseline. An
 * explicit analysis step of `count` measurements and a bake analysed in the background are measured; each measurement
 * is one Check → StepOver → AwaitEvents round (3 transitions) and one GetMetricData call for every metric, green and
 * blue (more only when CloudWatch pages a long answer). Figures only, no thresholds.
 */

process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
const METRICS = [
  { name: 'error-rate', builtin: 'http-5xx-rate', successCondition: 'result <= 0.01' },
  { name: 'p99-latency', builtin: 'p99-latency', successCondition: 'result <= baseline * 1.5' },
];
const CANARY = { type: 'canary', percent: 25, bakeMinutes: 0.1 } as const;
const runs: Array<[string, ServiceOptions['deploy'], string | undefined]> = [
  ['baseline: canary 25 %, bake 6 s, no analysis', { strategy: CANARY }, undefined],
  ['analysis step after traffic-25: 3 measurements 1 s apart', { strategy: CANARY, analysis: analysisConfigSchema.parse({ afterSteps: ['traffic-25'], intervalMinutes: 1 / 60, count: 3, metrics: METRICS }) }, 'analysis-traffic-25'],
  ['in the background: the 6-s bake measured every 2 s', { strategy: CANARY, analysis: analysisConfigSchema.parse({ duringBakes: true, intervalMinutes: 2 / 60, metrics: METRICS }) }, 'traffic-25'],
];

const aws = await startLocalAws();
try {
  await aws.deployStack();
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig));
  const tables = { state: 'harbormaster-local-state', outbox: 'harbormaster-local-outbox' };
  const rows: Record<string, unknown>[] = [];
  let baseline = 0;
  for (const [index, [label, deploy, step]] of runs.entries()) {
    const target = await createBlueGreenService(aws.clientConfig, { name: `bench${index}`, deploy });
    await aws.runtime.idle();
    await pushImage(target, 'v1');
    await aws.runtime.idle();
    const [execution] = await deployExecutions(target);
    if (!execution) throw new Error('the push started no deploy');
    const result = await waitForExecution(target, execution.executionArn, 120_000);
    if (result.status !== 'SUCCEEDED') throw new Error(`${label}: ended ${result.status} ${result.error ?? ''} ${result.cause ?? ''}`);
    await aws.runtime.idle();
    const history = await executionHistory(target, execution.executionArn);
    const transitions = history.filter((event) => event.stateEnteredEventDetails !== undefined).length;
    if (step === undefined) baseline = transitions;
    const [deployment] = await new DeploymentStore(documents, tables).history(target.cluster, target.service, 1);
    const measurements = await new AnalysisStore(documents, tables).measurements(target.cluster, target.service, deployment?.deploymentId ?? '', 500);
    const calls = measurements.reduce((total, measurement) => total + measurement.calls, 0);
    rows.push({
      run: label,
      'deploy transitions': transitions,
      'added by analysis': transitions - baseline,
      measurements: measurements.length,
      'transitions per measurement': measurements.length > 0 ? ((transitions - baseline) / measurements.length).toFixed(1) : '-',
      'GetMetricData calls': calls,
      'calls per measurement': measurements.length > 0 ? (calls / measurements.length).toFixed(1) : '-',
      'history events': history.length,
    });
  }
  console.log('Canary analysis on the local AWS (2 metrics, green and blue, per measurement); baseline = the same deploy without analysis:');
  console.table(rows);
  console.log(
    'A 24-hour bake analysed every 5 minutes would take 288 measurements: about 3 × 288 = 864 transitions and 288 GetMetricData calls; the deploy config refuses plans over 500 measurements (1,500 transitions).',
  );
} finally {
  await aws.stop();
}
