import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { Session } from '../../cli/session.ts';
import { queryIndexItems } from '../../functions/kernel/store/index-query.ts';
import { poll, say, showTable, type Scene, type SceneContext } from './scene.ts';

/**
 * Step scaling: CloudWatch puts an alarm in ALARM (here SetAlarmState, with the datapoint it evaluated), the alarm's
 * state-change event starts a scaling execution, and the policy's step sets the desired count; the alarm going back to
 * OK ends the execution.
 */
export const alarmScaling: Scene = {
  title: 'Alarm scaling: api-cpu-high fires at 85 % CPU (demo/api scales out), then api-cpu-low at 15 % (scales back in)',
  async run(context) {
    const { api } = context.demo;
    say(`demo/api desired count ${await desiredCount(context)}`);
    await fireAndWait(context, api.scaleOutAlarm, 85);
    await fireAndWait(context, api.scaleInAlarm, 15);
    const activities = await scalingActivities(context);
    showTable(
      ['alarm', 'outcome', 'from', 'to', 'reason'],
      activities.map((activity) => [String(activity['alarmName']), String(activity['outcome']), activity['fromCapacity'] as number, activity['toCapacity'] as number, String(activity['reason'])]),
    );
  },
};

async function fireAndWait(context: SceneContext, alarmName: string, datapoint: number): Promise<void> {
  const cloudwatch = new CloudWatchClient(context.aws.clientConfig);
  const before = (await scalingActivities(context)).length;
  await cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: alarmName,
      StateValue: 'ALARM',
      StateReason: `Threshold Crossed: 1 datapoint [${datapoint}] crossed the threshold`,
      StateReasonData: JSON.stringify({ version: '1.0', statistic: 'Average', period: 60, recentDatapoints: [datapoint] }),
    }),
  );
  say(`${alarmName} → ALARM (CPU ${datapoint} %)`);
  const [activity] = await poll(`a scaling activity from ${alarmName}`, async () => {
    const found = await scalingActivities(context);
    return found.length > before ? found.slice(before) : undefined;
  });
  say(`  ${String(activity?.['outcome'])}: desired count ${String(activity?.['fromCapacity'])} → ${String(activity?.['toCapacity'] ?? activity?.['fromCapacity'])} (${await desiredCount(context)} in ECS)`);
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'OK', StateReason: 'Threshold no longer crossed' }));
  // The execution notices at its next evaluation (evaluationIntervalSeconds) and ends.
  const { scalingStateMachineArn } = await new Session({ stage: context.stage }).stack();
  const sfn = new SFNClient(context.aws.clientConfig);
  await poll(`the scaling execution of ${alarmName} to end`, async () => {
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: scalingStateMachineArn, statusFilter: 'RUNNING' }));
    return (running.executions ?? []).length === 0 ? true : undefined;
  });
  say(`${alarmName} → OK: its scaling execution ended`);
}

/** The service's scaling activities, oldest first. */
async function scalingActivities(context: SceneContext): Promise<Array<Record<string, unknown>>> {
  const { cluster, service } = context.demo.api;
  return queryIndexItems(context.documents, context.tables.state, { index: 'byOwner', partition: `SERVICE#${cluster}#${service}`, sortKeyPrefix: 'SCALING#' });
}

async function desiredCount(context: SceneContext): Promise<number | undefined> {
  const { cluster, service } = context.demo.api;
  const described = await new ECSClient(context.aws.clientConfig).send(new DescribeServicesCommand({ cluster, services: [service] }));
  return described.services?.[0]?.desiredCount;
}
