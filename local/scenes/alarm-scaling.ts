import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { Session } from '../../cli/session.ts';
import { ScalingStore, type ScalingActivity } from '../../functions/scaling/index.ts';
import { fireAlarm, resolveAlarm } from '../sample-resources.ts';
import { waitFor } from '../wait.ts';
import { harbormaster, say, SCENE_TIMEOUT_MS, type Scene, type SceneContext } from './scene.ts';

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
    await harbormaster(['scaling', api.service]);
  },
};

async function fireAndWait(context: SceneContext, alarmName: string, datapoint: number): Promise<void> {
  const cloudwatch = new CloudWatchClient(context.aws.clientConfig);
  const before = (await scalingActivities(context)).length;
  await fireAlarm(cloudwatch, alarmName, datapoint);
  say(`${alarmName} → ALARM (CPU ${datapoint} %)`);
  const [activity] = await waitFor(`a scaling activity from ${alarmName}`, async () => {
    const found = await scalingActivities(context);
    return found.length > before ? found.slice(0, found.length - before) : undefined;
  }, SCENE_TIMEOUT_MS);
  say(`  ${String(activity?.outcome)}: desired count ${String(activity?.fromCapacity)} → ${String(activity?.toCapacity ?? activity?.fromCapacity)} (${await desiredCount(context)} in ECS)`);
  await resolveAlarm(cloudwatch, alarmName);
  // The execution notices at its next evaluation (evaluationIntervalSeconds) and ends.
  const { scalingStateMachineArn } = await new Session({ stage: context.stage }).stack();
  const sfn = new SFNClient(context.aws.clientConfig);
  await waitFor(`the scaling execution of ${alarmName} to end`, async () => {
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: scalingStateMachineArn, statusFilter: 'RUNNING' }));
    return (running.executions ?? []).length === 0 ? true : undefined;
  }, SCENE_TIMEOUT_MS);
  say(`${alarmName} → OK: its scaling execution ended`);
}

/** The service's scaling activities, newest first. */
async function scalingActivities(context: SceneContext): Promise<ScalingActivity[]> {
  const { cluster, service } = context.demo.api;
  return new ScalingStore(context.documents, context.tables).history(cluster, service, 100);
}

async function desiredCount(context: SceneContext): Promise<number | undefined> {
  const { cluster, service } = context.demo.api;
  const described = await new ECSClient(context.aws.clientConfig).send(new DescribeServicesCommand({ cluster, services: [service] }));
  return described.services?.[0]?.desiredCount;
}
