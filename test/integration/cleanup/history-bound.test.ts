import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, ListClustersCommand, ListTaskDefinitionFamiliesCommand, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ConfigStore } from '../../../functions/config/adapters/config-store.ts';
import type { RunSummary } from '../../../functions/cleanup/handlers/cleanup-record-run.ts';
import type { CleanupRun } from '../../../functions/cleanup/handlers/dependencies.ts';
import { familyChildEvents, revisionCleanupHistory } from '../../unit/cleanup/history-model.ts';
import { STATE_TABLE, useDeployedStack } from '../support.ts';
import { CLEANUP_STATE_MACHINE, childStateMachine, deployedDefinition, fullHistory, largestPayload, runToEnd } from './cleanup-support.ts';

/**
 * The history model (test/unit/cleanup/history-model.ts) against real executions at a reduced size: the run's own
 * history, and each kind of child execution run as its own state machine (moto keeps no history of Distributed Map
 * children). What it proves at this size, the model computes for 50 clusters × 100 services × 10,000 revisions.
 */

const stack = useDeployedStack();
const SETTINGS = { keepLatest: 5, minAgeDays: 0, inactiveRetentionDays: 0, dryRun: false };
const CLUSTERS = ['prod', 'staging', 'batch'];
const FAMILIES = ['api', 'web', 'worker', 'cron'];
const REVISIONS_PER_FAMILY = 30;

async function register(ecs: ECSClient, family: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }));
}

/** How many pages the local AWS answers a listing in (AWS: 100 per page; moto: everything in one). */
async function pagesOf(list: (nextToken: string | undefined) => Promise<{ nextToken?: string | undefined }>): Promise<number> {
  let pages = 0;
  let token: string | undefined;
  do {
    token = (await list(token)).nextToken;
    pages += 1;
  } while (token);
  return pages;
}

describe('revision cleanup history on the local AWS', () => {
  it('records exactly the events the model computes, in the run and in each kind of child execution, with small payloads', async () => {
    const ecs = new ECSClient(stack.aws.clientConfig);
    const sfn = new SFNClient(stack.aws.clientConfig);
    for (const family of FAMILIES) await register(ecs, family, REVISIONS_PER_FAMILY);
    for (const [index, cluster] of CLUSTERS.entries()) {
      await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
      await ecs.send(new CreateServiceCommand({ cluster, serviceName: FAMILIES[index], taskDefinition: `${FAMILIES[index]}:10`, desiredCount: 0 }));
    }
    await new ConfigStore(stack.documents, STATE_TABLE).putCleanupConfig(SETTINGS, 0);
    const definition = await deployedDefinition(sfn);
    const pages = {
      clusters: await pagesOf((nextToken) => ecs.send(new ListClustersCommand({ maxResults: 100, nextToken }))),
      families: await pagesOf((nextToken) => ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ALL', maxResults: 100, nextToken }))),
    };
    // The run's own history depends on pages only, not on how many revisions a family removes.
    const size = { clusters: CLUSTERS.length, families: FAMILIES.length, removedPerFamily: REVISIONS_PER_FAMILY - SETTINGS.keepLatest };

    for (const [name, dryRun] of [['dry', true], ['real', false]] as const) {
      const execution = await runToEnd(sfn, CLEANUP_STATE_MACHINE, name, { dryRun });
      assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
      const history = await fullHistory(sfn, execution.executionArn as string);
      assert.equal(history.length, revisionCleanupHistory(definition, { ...size, dryRun }, pages).parent, `${name} run: events of its own history`);
      // The run, one page of names and Lambda metadata: no usage, revision or outcome list ever passes through.
      assert.ok(largestPayload(history) < 4096, `${name} run: largest payload ${largestPayload(history)} bytes`);
    }

    // A family needing three batches, applied by a child execution on its own; then its dry run and a cluster's gathering.
    const summary = JSON.parse((await runToEnd(sfn, CLEANUP_STATE_MACHINE, 'rerun', {})).output ?? '{}') as RunSummary;
    const run: CleanupRun = { runId: summary.runId, executionName: summary.executionName, startedAt: summary.startedAt, trigger: 'on-demand', dryRun: false, settings: summary.settings as CleanupRun['settings'] };
    await register(ecs, 'bulk', 5 + 250);
    const families = await childStateMachine(sfn, 'CleanFamilies');
    const clusters = await childStateMachine(sfn, 'GatherClusters');
    const children: Array<[string, string, unknown, number]> = [
      ['family dry run', families, { run: { ...run, dryRun: true }, family: 'bulk' }, familyChildEvents(definition, 0)],
      ['family of 3 batches', families, { run, family: 'bulk' }, familyChildEvents(definition, 3)],
      ['cluster', clusters, { run, cluster: `arn:aws:ecs:us-east-1:123456789012:cluster/prod` }, revisionCleanupHistory(definition, { ...size, dryRun: false }).clusterChild],
    ];
    for (const [name, stateMachineArn, input, expected] of children) {
      const execution = await runToEnd(sfn, stateMachineArn, name.replace(/\W+/g, '-'), input);
      assert.equal(execution.status, 'SUCCEEDED', `${name}: ${execution.error}: ${execution.cause}`);
      const history = await fullHistory(sfn, execution.executionArn as string);
      assert.equal(history.length, expected, `${name}: events of its history`);
      assert.ok(largestPayload(history) < 4096, `${name}: largest payload ${largestPayload(history)} bytes`);
    }
    const { taskDefinitionArns } = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'bulk', status: 'ACTIVE' }));
    assert.equal(taskDefinitionArns?.length, 5, 'the child execution applied all three batches');
  });
});
