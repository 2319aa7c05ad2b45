import { ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DEMO_CLUSTER } from '../demo-services.ts';
import { defaultAwsvpcConfiguration, registerFargateTaskDefinition } from '../sample-resources.ts';
import { say, showTable, type Scene, type SceneContext } from './scene.ts';

/** Ingestion: every ECS task event is recorded at its newest version; a crash is announced; a malformed event is kept, not lost. */
export const ingestion: Scene = {
  title: 'Ingestion: two tasks of demo/web run, one crashes (exit 137), the other is stopped, and one malformed event arrives',
  async run(context) {
    const { aws } = context;
    const ecs = new ECSClient(aws.clientConfig);
    const taskDefinition = await registerFargateTaskDefinition(ecs, 'web', '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1.0.0');
    const awsvpcConfiguration = await defaultAwsvpcConfiguration(aws.clientConfig);
    const runTask = () => ecs.send(new RunTaskCommand({ cluster: DEMO_CLUSTER, taskDefinition: taskDefinition.taskDefinitionArn, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration } }));
    const { tasks: [healthy] = [] } = await runTask();
    // The first task reaches RUNNING before the fault is armed, so only the second one crashes.
    await aws.runtime.idle(30_000);
    aws.runtime.faults.crashTasks({ taskDefinitionFamily: 'web', times: 1, exitCode: 137 });
    await runTask();
    await aws.runtime.idle(30_000);
    await ecs.send(new StopTaskCommand({ cluster: DEMO_CLUSTER, task: healthy?.taskArn, reason: 'Scaled in by the demo' }));
    await new EventBridgeClient(aws.clientConfig).send(
      new PutEventsCommand({ Entries: [{ Source: 'aws.ecs', DetailType: 'ECS Task State Change', Detail: JSON.stringify({ taskArn: 'not-an-arn', version: 'two' }) }] }),
    );
    await aws.runtime.idle(30_000);

    const state = await scan(context, context.tables.state);
    const webTasks = state.filter((item) => item['kind'] === 'task' && item['family'] === 'web');
    showTable(
      ['task', 'definition', 'status', 'version', 'stop code'],
      webTasks.map((task) => [String(task['taskArn']).split('/').pop(), `${String(task['family'])}:${String(task['revision'])}`, String(task['lastStatus']), task['version'] as number, task['stopCode'] as string]),
    );
    for (const rejected of state.filter((item) => item['kind'] === 'rejected-event')) say(`Rejected ${String(rejected['detailType'])}: ${String(rejected['reason'])}`);
    const webTaskArns = new Set(webTasks.map((task) => task['taskArn']));
    const failures = (await scan(context, context.tables.outbox)).filter((item) => item['kind'] === 'task-failed' && webTaskArns.has((item['details'] as { taskArn?: string } | undefined)?.taskArn));
    for (const notification of failures) say(`Announced: ${String(notification['subject'])}`);
  },
};

async function scan(context: SceneContext, table: string): Promise<Array<Record<string, unknown>>> {
  return (await context.documents.send(new ScanCommand({ TableName: table }))).Items ?? [];
}
