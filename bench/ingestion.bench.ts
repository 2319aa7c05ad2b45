import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countCommands } from './call-counter.ts';
import { countItemWrites, readTableDefinitions } from './item-writes.ts';
import { sharedDocumentClient } from '../functions/kernel/aws/clients.ts';
import { parseTaskStateChange } from '../functions/ingestion/domain/task-state.ts';
import { startLocalAws } from '../local/local-aws.ts';
import { taskArn, taskStateChange } from '../test/fixtures/aws-events.ts';
import { putEvents } from '../test/integration/support.ts';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * Ingestion benchmark: DynamoDB calls and item writes (table and index, as DynamoDB bills them: bench/item-writes.ts)
 * per ingested event, and handler time per event, per outcome, through the real rule → Lambda path on the local AWS.
 * The last scenario is whole task lives (PROVISIONING … STOPPED, one event per change, then 20 % redelivered): its
 * item writes per event is the figure that sizes the table's write bill. Figures only, no thresholds: compare runs,
 * not absolute numbers (moto answers a DynamoDB call in ~4–5 ms; DynamoDB itself in single-digit ms).
 */

const EVENTS_PER_SCENARIO = 200;
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';

// Handlers run in this process and share this client module, so a middleware here sees every call they make.
const dynamoCalls = countCommands(sharedDocumentClient());

const running = (id: string, version: number) => taskStateChange({ taskArn: taskArn(id), version, updatedAt: new Date(1_800_000_000_000 + version * 1000).toISOString() });
const crashed = (id: string, version: number) =>
  taskStateChange({
    taskArn: taskArn(id),
    version,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 1 }],
    updatedAt: new Date(1_800_000_000_000 + version * 1000).toISOString(),
  });
const ids = Array.from({ length: EVENTS_PER_SCENARIO }, (_, index) => `bench${index}`);

/** One event per status change of a Fargate task that starts, serves and is scaled in (AWS: "Amazon ECS task lifecycle"). */
const LIFECYCLE = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'] as const;
const lifecycleEvent = (id: string, version: number) => {
  const lastStatus = LIFECYCLE[version - 1] as string;
  return taskStateChange({
    taskArn: taskArn(id),
    version,
    lastStatus,
    desiredStatus: version > 4 ? 'STOPPED' : 'RUNNING',
    containers: [{ name: 'web', lastStatus, ...(lastStatus === 'STOPPED' ? { exitCode: 0 } : {}) }],
    ...(lastStatus === 'STOPPED' ? { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by deployment', stoppedAt: '2027-01-15T08:00:30Z' } : {}),
    updatedAt: new Date(1_800_000_000_000 + version * 1000).toISOString(),
  });
};
const lives = Array.from({ length: EVENTS_PER_SCENARIO / 4 }, (_, index) => `life${index}`);
const lifecycleBatches = LIFECYCLE.map((_, index) => lives.map((id) => lifecycleEvent(id, index + 1)));
const redelivered = lifecycleBatches.flat().filter((_, index) => index % 5 === 0);

// Each batch holds one event per task, so no two requests write one item at the same time (see countItemWrites).
const scenarios: Array<[string, Array<Array<Record<string, unknown>>>]> = [
  // The fixture's tasks carry a task-set startedBy (ecs-svc/…): reaching RUNNING, they look for a deploy's stability waiter.
  ['new version (applied)', [ids.map((id) => running(id, 5))]],
  ['newer version, still RUNNING (applied)', [ids.map((id) => running(id, 6))]],
  ['same version again (duplicate)', [ids.map((id) => running(id, 5))]],
  ['older version (stale)', [ids.map((id) => running(id, 2))]],
  ['failed task (state + outbox)', [ids.map((id) => crashed(id, 9))]],
  ['malformed (recorded, counted)', [ids.map((id) => taskStateChange({ taskArn: taskArn(id), version: 'x' }))]],
  [`task lives: ${LIFECYCLE.length} changes each + 20 % redelivered`, [...lifecycleBatches, redelivered]],
];

const aws = await startLocalAws({ stage: 'bench' });
try {
  await aws.deployStack();
  const events = new EventBridgeClient(aws.clientConfig);
  const itemWrites = countItemWrites(sharedDocumentClient(), readTableDefinitions(), DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig)));
  const rows = [];
  for (const [name, batches] of scenarios) {
    dynamoCalls.length = 0;
    aws.runtime.invocations.length = 0;
    itemWrites.reset();
    const eventCount = batches.reduce((sum, batch) => sum + batch.length, 0);
    const started = performance.now();
    for (const batch of batches) {
      await putEvents(events, batch);
      await aws.runtime.idle(120_000);
    }
    const elapsed = performance.now() - started;
    const durations = aws.runtime.invocations.map((call) => call.durationMs).sort((a, b) => a - b);
    const percentile = (p: number) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] ?? NaN;
    rows.push({
      scenario: name,
      events: eventCount,
      'DynamoDB calls/event': (dynamoCalls.length / eventCount).toFixed(2),
      calls: [...new Set(dynamoCalls)].join('+'),
      'item writes/event': ((itemWrites.table + itemWrites.index) / eventCount).toFixed(2),
      'of which index': (itemWrites.index / eventCount).toFixed(2),
      'handler ms p50': percentile(0.5).toFixed(1),
      'handler ms p95': percentile(0.95).toFixed(1),
      'events/s end to end': Math.round((eventCount / elapsed) * 1000),
    });
  }
  console.log('Ingestion through EventBridge rule → Lambda → DynamoDB on the local AWS (item writes: table + global secondary indexes)');
  console.table(rows);
  const lifecycle = rows.at(-1);
  console.log(`Item writes per ingested task event (task lives, index writes included; goal ≤ 1.5): ${lifecycle?.['item writes/event']}`);

  const sample = running('parse', 3);
  const iterations = 20_000;
  const parseStarted = performance.now();
  for (let index = 0; index < iterations; index += 1) parseTaskStateChange(sample);
  console.log(`Event validation and normalisation alone: ${(((performance.now() - parseStarted) / iterations) * 1000).toFixed(1)} µs per task event`);
  console.log(`Process RSS after the run: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB (local AWS runtime + all handlers)`);
} finally {
  await aws.stop();
}
