import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigStore } from '../functions/config/adapters/config-store.ts';
import { startLocalAws } from '../local/local-aws.ts';

/**
 * Step scaling benchmark: control-plane time from a CloudWatch alarm event to the UpdateService call that applies
 * the new desired count, through the real path on the local AWS (SetAlarmState → event → startScaling →
 * StartExecution → state machine → evaluateScaling → UpdateService). Figures only, no thresholds; moto answers each
 * call in a few ms, so compare runs, not absolute numbers.
 */

const RUNS = 15;
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

// Handlers run in this process and share the SDK module: note when an UpdateService leaves, and for which service.
const updateServiceAt = new Map<string, number>();
const send = ECSClient.prototype.send;
ECSClient.prototype.send = function (this: ECSClient, ...args: Parameters<ECSClient['send']>) {
  const [command] = args;
  if (command instanceof UpdateServiceCommand && command.input.service) updateServiceAt.set(command.input.service, Date.now());
  return (send as (...a: unknown[]) => ReturnType<ECSClient['send']>).apply(this, args);
} as ECSClient['send'];

const aws = await startLocalAws({ stage: 'bench' });
try {
  await aws.deployStack();
  const ecs = new ECSClient(aws.clientConfig);
  const cloudwatch = new CloudWatchClient(aws.clientConfig);
  const configs = new ConfigStore(DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig)), 'harbormaster-bench-state');
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));

  const rows: Array<{ total: number; toStarter: number; toEvaluation: number; evaluationToUpdate: number }> = [];
  for (let run = 0; run < RUNS; run += 1) {
    const service = `svc${run}`;
    const alarmName = `${service}-cpu-high`;
    // No task definition: the benchmark measures the control plane, not the local scheduler starting tasks.
    await ecs.send(new CreateServiceCommand({ cluster: 'bench', serviceName: service, desiredCount: 2, deploymentController: { type: 'EXTERNAL' } }));
    await configs.putServiceConfig(
      {
        cluster: 'bench',
        service,
        scaling: { minCapacity: 1, maxCapacity: 20, policies: [{ alarmName, adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 2 }] }] },
      },
      0,
    );
    await cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: alarmName, Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold' }),
    );
    aws.runtime.invocations.length = 0;
    const firedAt = Date.now();
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'bench', StateReasonData: JSON.stringify({ recentDatapoints: [90] }) }));
    const deadline = Date.now() + 30_000;
    while (!updateServiceAt.has(service)) {
      if (Date.now() > deadline) throw new Error(`No UpdateService for ${service}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const updatedAt = updateServiceAt.get(service) ?? NaN;
    // An invocation is recorded when it returns, just after its UpdateService.
    while (!aws.runtime.invocations.some((call) => call.functionName.endsWith('-evaluateScaling'))) await new Promise((resolve) => setTimeout(resolve, 2));
    const started = (suffix: string) => aws.runtime.invocations.find((call) => call.functionName.endsWith(suffix))?.startedAt.getTime() ?? NaN;
    rows.push({ total: updatedAt - firedAt, toStarter: started('-startScaling') - firedAt, toEvaluation: started('-evaluateScaling') - started('-startScaling'), evaluationToUpdate: updatedAt - started('-evaluateScaling') });
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'OK', StateReason: 'bench' }));
  }

  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    return { 'p50 ms': at(0.5), 'p95 ms': at(0.95), 'max ms': sorted[sorted.length - 1] ?? NaN };
  };
  console.log(`Step scaling: alarm event → UpdateService on the local AWS (${RUNS} alarm transitions, first evaluation from the event's datapoints)`);
  console.table({
    'SetAlarmState sent → UpdateService sent (total)': stats(rows.map((row) => row.total)),
    '  → startScaling invoked (event delivery)': stats(rows.map((row) => row.toStarter)),
    '  → evaluateScaling invoked (StartExecution, Pass, DescribeAlarms, Choice)': stats(rows.map((row) => row.toEvaluation)),
    '  → UpdateService sent (config, DescribeServices, cooldowns, decision, transaction)': stats(rows.map((row) => row.evaluationToUpdate)),
  });
} finally {
  await aws.stop();
}
