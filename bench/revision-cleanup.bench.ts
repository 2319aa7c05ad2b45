import { performance } from 'node:perf_hooks';
import { countCommands } from './call-counter.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sharedEcsClient } from '../functions/kernel/aws/clients.ts';
import { ConfigStore } from '../functions/config/adapters/config-store.ts';
import type { RunSummary } from '../functions/cleanup/handlers/cleanup-record-run.ts';
import { startLocalAws } from '../local/local-aws.ts';
import { CLEANUP_STATE_MACHINE, deployedDefinition, fullHistory, largestPayload, runToEnd } from '../test/integration/cleanup/cleanup-support.ts';
import { HISTORY_EVENT_LIMIT, revisionCleanupHistory } from '../test/unit/cleanup/history-model.ts';

/**
 * Revision cleanup on a 2,000-revision account (20 families × 100 revisions, 5 clusters with 10 services in all):
 * revisions processed per second, ECS API calls per revision, the run's history events (measured, and what the model
 * of test/unit/cleanup/history-model.ts computes), its child executions' events (computed: moto keeps no history of
 * Distributed Map children; test/integration/cleanup/history-bound.test.ts checks the model against them), and the
 * largest payload of any event. Then the computed figures for 50 clusters × 100 services × 10,000 revisions.
 * Figures only, no thresholds; moto answers an ECS call in ~15 ms and serialises them, so compare runs, not absolute numbers.
 * ECS calls are those of the cleanup Lambdas, counted by an SDK middleware on their shared client.
 */

const FAMILIES = 20;
const REVISIONS_PER_FAMILY = 100;
const CLUSTERS = 5;
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
  const families = Array.from({ length: FAMILIES }, (_, index) => `app${String(index).padStart(2, '0')}`);
  await Promise.all(
    families.map(async (family) => {
      for (let revision = 0; revision < REVISIONS_PER_FAMILY; revision += 1) {
        await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }));
      }
    }),
  );
  for (let cluster = 0; cluster < CLUSTERS; cluster += 1) await ecs.send(new CreateClusterCommand({ clusterName: `cluster${cluster}` }));
  for (const [index, family] of families.slice(0, 10).entries()) {
    await ecs.send(new CreateServiceCommand({ cluster: `cluster${index % CLUSTERS}`, serviceName: family, taskDefinition: `${family}:50`, desiredCount: 0 }));
  }
  await new ConfigStore(DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig)), 'harbormaster-local-state').putCleanupConfig(SETTINGS, 0);
  const revisions = FAMILIES * REVISIONS_PER_FAMILY;
  console.log(`Account: ${revisions} revisions in ${FAMILIES} families, ${CLUSTERS} clusters, 10 services (set up in ${Math.round(performance.now() - setupStarted)} ms)`);

  const definition = await deployedDefinition(sfn);
  const rows = [];
  for (const [name, input, removedPerFamily] of [
    ['dry run', { dryRun: true }, REVISIONS_PER_FAMILY - SETTINGS.keepLatest],
    ['real run', {}, REVISIONS_PER_FAMILY - SETTINGS.keepLatest],
    ['re-run (no-op)', {}, 0],
  ] as const) {
    ecsCalls.length = 0;
    const started = performance.now();
    const execution = await runToEnd(sfn, CLEANUP_STATE_MACHINE, name.replace(/\W+/g, '-'), input, 600_000);
    const elapsed = performance.now() - started;
    if (execution.status !== 'SUCCEEDED') throw new Error(`${name}: ${execution.status} ${execution.error} ${execution.cause}`);
    const summary = JSON.parse(execution.output ?? '{}') as RunSummary;
    const history = await fullHistory(sfn, execution.executionArn as string);
    const model = revisionCleanupHistory(definition, { clusters: CLUSTERS, families: FAMILIES, removedPerFamily, dryRun: 'dryRun' in input });
    const byOperation = Object.entries(Object.groupBy(ecsCalls, (call) => call)).map(([operation, calls]) => `${operation.replace(/Command$/, '')} ${calls?.length}`);
    rows.push({
      run: name,
      'deregistered/deleted': `${summary.totals?.deregistered}/${summary.totals?.deleted}`,
      seconds: (elapsed / 1000).toFixed(1),
      'revisions/s': Math.round((revisions / elapsed) * 1000),
      'ECS calls/revision': (ecsCalls.length / revisions).toFixed(3),
      'run history (measured/model)': `${history.length}/${model.parent}`,
      'child executions × events (model)': `${CLUSTERS}×${model.clusterChild} + ${FAMILIES}×${model.familyChild}`,
      'all events': model.total - model.parent + history.length,
      'largest payload (bytes)': largestPayload(history),
      'output (bytes)': Buffer.byteLength(execution.output ?? ''),
      calls: byOperation.join(', '),
    });
  }
  console.table(rows);

  // 50 clusters × 100 services (a family each) × 10,000 revisions per family, all but the newest 10 removed.
  const target = { clusters: 50, families: 50 * 100, removedPerFamily: 10_000 - SETTINGS.keepLatest };
  const computed = (['dry run', 'real run'] as const).map((run) => {
    const history = revisionCleanupHistory(definition, { ...target, dryRun: run === 'dry run' });
    return {
      'computed for 50 clusters × 100 services × 10,000 revisions': run,
      'run history': history.parent,
      'cluster child': history.clusterChild,
      'family child': history.familyChild,
      'largest history': `${history.largest} (${((history.largest / HISTORY_EVENT_LIMIT) * 100).toFixed(1)} % of ${HISTORY_EVENT_LIMIT})`,
      'all executions': history.total,
    };
  });
  console.table(computed);
  console.log('Largest payload at any size: the run (settings: at most 2 × 50 family patterns) and one page of at most 100 cluster ARNs or family names: < 60 KB of the 256 KiB limit.');
} finally {
  await aws.stop();
}
