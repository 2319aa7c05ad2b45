import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ConfigStore } from '../../../functions/config/index.ts';
import { STATE_TABLE, readsAmong, recordHandlerDynamoCalls, useDeployedStack } from '../support.ts';

/** The hot paths read lookups, not configurations: an alarm event costs one Query however many services are configured. */

const stack = useDeployedStack();
const handlerDynamoCalls = recordHandlerDynamoCalls();

const scalingOn = (alarmName: string) => ({
  minCapacity: 1,
  maxCapacity: 4,
  policies: [{ alarmName, adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }] }],
});

describe('startScaling on an alarm event', () => {
  it('asks one Query which services scale on the alarm, and reads no configuration', async () => {
    const configs = new ConfigStore(stack.documents, STATE_TABLE);
    for (let index = 0; index < 15; index += 1) await configs.putServiceConfig({ cluster: 'prod', service: `svc${index}`, scaling: scalingOn(`svc${index}-cpu-high`) }, 0);
    const cloudwatch = new CloudWatchClient(stack.aws.clientConfig);
    await cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'nobody-scales-on-this', Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold' }),
    );

    handlerDynamoCalls.length = 0;
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'nobody-scales-on-this', StateValue: 'ALARM', StateReason: 'test' }));
    await stack.aws.runtime.idle();

    // The alarm event also reaches resumeDeployOnAlarm (deploys waiting on a rollback alarm), which finds none.
    assert.deepEqual(stack.aws.runtime.invocations.map((call) => [call.functionName, call.ok]).sort(), [['harbormaster-local-resumeDeployOnAlarm', true], ['harbormaster-local-startScaling', true]]);
    // One Query each: startScaling's services scaling on the alarm, resumeDeployOnAlarm's deploys waiting on it.
    assert.deepEqual(readsAmong(handlerDynamoCalls).sort(), ['QueryCommand ALARM-WAITER#nobody-scales-on-this', 'QueryCommand LOOKUP#ALARM#nobody-scales-on-this']);
    const sfn = new SFNClient(stack.aws.clientConfig);
    const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:harbormaster-local-step-scaling';
    assert.deepEqual((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [], []);
  });
});
