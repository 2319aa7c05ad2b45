import { performance } from 'node:perf_hooks';
import { countCommands } from './call-counter.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sharedEcsClient } from '../functions/kernel/aws/clients.ts';
import { ConfigStore } from '../functions/config/adapters/config-store.ts';
import type { RunSummary } from '../functions/cleanup/handlers/cleanup-record-run.ts';
import { startLocalAws } from '../local/local-aws.ts';

/**
 * Revision cleanup on a 2,000-revision account (20 families × 100 revisions, 10 of them run by services): revisions
 * processed per second and ECS API calls per revision, for a dry run, the real run and a re-run. Figures only, no
 * thresholds; moto answers an ECS call in ~15 ms and serialises them, so compare runs, not absolute numbers.
 * ECS calls are those of the cleanup Lambdas (an SDK middleware on their shared client) plus the
 * DeleteTaskDefinitions calls the state machine makes itself (TaskScheduled events in the execution history).
 */

const FAMILIES = 20;
const REVISIONS_PER_FAMILY = 100;
const SETTINGS = { keepLatest: 10, minAgeDays: 0, inactiveRetentionDays: 0, dryRun: false };
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

// The cleanup Lambdas run in this process and share this client module, so this middleware sees their ECS calls.
const ecsCalls = countCommands(sharedEcsClient());

const aws = await startLocalAws({ stage: 'local' });
try {
  await aws.deployStack();
  const ecs = new ECSClient(aws.clientConfig);
  const sfn = new SFNClient(aws.clientConfig);
  const setupStarted = performance.now();
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  const families = Array.from({ length: FAMILIES }, (_, index) => `app${String(index).padStart(2, '0')}`);
  await Promise.all(
    families.map(async (family) => {
      for (let revision = 0; revision < REVISIONS_PER_FAMILY; revision += 1) {
        await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }));
      }
    }),
  );
  for (const family of families.slice(0, 10)) {
    await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: family, taskDefinition: `${family}:50`, desiredCount: 0 }));
  }
  await new ConfigStore(DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig)), 'harbormaster-local-state').putCleanupConfig(SETTINGS, 0);
  console.log(`Account: ${FAMILIES * REVISIONS_PER_FAMILY} revisions in ${FAMILIES} families, 10 in use by services (set up in ${Math.round(performance.now() - setupStarted)} ms)`);

  const rows = [];
  for (const [name, input] of [
    ['dry run', { dryRun: true }],
    ['real run', {}],
    ['re-run (no-op)', {}],
  ] as const) {
    ecsCalls.length = 0;
    const started = performance.now();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:harbormaster-local-revision-cleanup', name: name.replace(/\W+/g, '-'), input: JSON.stringify(input) }),
    );
    let execution;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    } while (execution.status === 'RUNNING');
    const elapsed = performance.now() - started;
    if (execution.status !== 'SUCCEEDED') throw new Error(`${name}: ${execution.status} ${execution.error} ${execution.cause}`);
    const summary = JSON.parse(execution.output ?? '{}') as RunSummary;
    const history = await fullHistory(sfn, executionArn as string);
    const deleteCalls = history.filter((event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resource === 'deleteTaskDefinitions').length;
    const revisions = FAMILIES * REVISIONS_PER_FAMILY;
    const byOperation = Object.entries(Object.groupBy([...ecsCalls, ...Array<string>(deleteCalls).fill('DeleteTaskDefinitionsCommand')], (call) => call)).map(([operation, calls]) => `${operation.replace(/Command$/, '')} ${calls?.length}`);
    rows.push({
      run: name,
      'deregistered/deleted': `${summary.totals?.deregistered}/${summary.totals?.deleted}`,
      seconds: (elapsed / 1000).toFixed(1),
      'revisions/s': Math.round((revisions / elapsed) * 1000),
      'ECS calls/revision': ((ecsCalls.length + deleteCalls) / revisions).toFixed(3),
      'state transitions': history.filter((event) => event.type?.endsWith('StateEntered')).length,
      calls: byOperation.join(', '),
    });
  }
  console.table(rows);
} finally {
  await aws.stop();
}

async function fullHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
