import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ConfigStore } from '../../../functions/config/index.ts';
import { createCpuAlarm, createEcsService, fireAlarm } from '../../../local/sample-resources.ts';
import { waitFor } from '../../../local/wait.ts';
import { queryByOwner, STATE_TABLE, type StackUnderTest } from '../support.ts';

/**
 * A service that step scaling scaled out once for real: `api` in cluster `demo` with a CPU alarm policy, CPU
 * datapoints in CloudWatch over the last minutes, then the alarm firing at 85 % (what the dashboard's chart draws).
 */

export const SCALED = { name: 'api', cluster: 'demo', service: 'api', alarmName: 'api-cpu-high' };
const CPU = [35, 48, 62, 85];

export async function scaledOutService(stack: StackUnderTest): Promise<void> {
  const config = stack.aws.clientConfig;
  const cloudwatch = new CloudWatchClient(config);
  await new ECSClient(config).send(new CreateClusterCommand({ clusterName: SCALED.cluster }));
  await createEcsService(config, { cluster: SCALED.cluster, service: SCALED.service, image: 'nginx:1', desiredCount: 2 });
  await new ConfigStore(stack.documents, STATE_TABLE).putServiceConfig(
    {
      cluster: SCALED.cluster,
      service: SCALED.service,
      scaling: {
        minCapacity: 1,
        maxCapacity: 6,
        evaluationIntervalSeconds: 1,
        maxEvaluations: 1,
        policies: [{ alarmName: SCALED.alarmName, adjustmentType: 'ChangeInCapacity', cooldown: 300, stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 2 }] }],
      },
    },
    0,
  );
  await createCpuAlarm(cloudwatch, { name: SCALED.alarmName, cluster: SCALED.cluster, service: SCALED.service, threshold: 70, comparison: 'GreaterThanOrEqualToThreshold' });
  const now = Date.now();
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ECS',
      MetricData: CPU.map((value, index) => ({
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'ClusterName', Value: SCALED.cluster }, { Name: 'ServiceName', Value: SCALED.service }],
        Value: value,
        // A minute apart, the newest 10 s old: moto's GetMetricData truncates EndTime to the second and excludes it.
        Timestamp: new Date(now - 10_000 - (CPU.length - 1 - index) * 60_000),
      })),
    }),
  );
  await fireAlarm(cloudwatch, SCALED.alarmName, 85);
  await waitFor('the scale-out is recorded', async () => (await queryByOwner(stack.documents, `SERVICE#${SCALED.cluster}#${SCALED.service}`, 'SCALING#')).some((item) => item['outcome'] === 'scaled'));
  await stack.aws.runtime.idle();
}
