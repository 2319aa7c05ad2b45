import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigStore } from '../../../functions/config/index.ts';
import { runCli, writeConfigFile } from '../../cli-support.ts';
import { STATE_TABLE, useDeployedStack } from '../support.ts';

const stack = useDeployedStack();

const SCALING = `
    scaling:
      minCapacity: 1
      maxCapacity: 6
      policies:
        - alarmName: web-cpu-high
          adjustmentType: ChangeInCapacity
          stepAdjustments:
            - { metricIntervalLowerBound: 0, scalingAdjustment: 2 }`;

const FILE = `# yaml-language-server: $schema=../schema/harbormaster.schema.json
services:
  web:
    cluster: demo${SCALING}
  api:
    cluster: demo
cleanup:
  keepLatest: 3
`;

describe('harbormaster plan / apply on the local AWS', () => {
  it('plans every entry as added, applies it, then finds nothing to change', async () => {
    const file = writeConfigFile(FILE);
    const planned = await runCli(['plan', '--file', file]);
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, /Plan for stage local \(harbormaster-local\)/);
    assert.match(planned.stdout, /\+ web \(demo\/web\): added/);
    assert.match(planned.stdout, /\+ scaling\.policies\[0\]\.cooldown: 300/, 'defaults are shown as what will be stored');
    assert.match(planned.stdout, /Plan: 3 to add, 0 to change, 0 to remove, 0 unchanged\./);
    assert.deepEqual(await new ConfigStore(stack.documents, STATE_TABLE).listServiceConfigs(), [], 'plan changes nothing');

    const applied = await runCli(['apply', '--file', file]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /✓ services web added/);
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    const web = await store.getServiceConfig('demo', 'web');
    assert.equal(web?.revision, 1);
    assert.equal(web?.config.name, 'web');
    assert.equal(web?.config.scaling?.policies[0]?.stepAdjustments[0]?.scalingAdjustment, 2);
    assert.equal((await store.getCleanupConfig())?.config.keepLatest, 3);

    const again = await runCli(['apply', '--file', file, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { counts: Record<string, number>; applied: unknown[] };
    assert.deepEqual(report.counts, { add: 0, change: 0, remove: 0, keep: 0, unchanged: 3 });
    assert.deepEqual(report.applied, []);
    assert.equal((await store.getServiceConfig('demo', 'web'))?.revision, 1, 'an unchanged entry is not rewritten');
  });

  it('shows a change field by field, applies it at the next revision, and prunes only when asked', async () => {
    await runCli(['apply', '--file', writeConfigFile(FILE)]);
    const changed = writeConfigFile(FILE.replace('scalingAdjustment: 2', 'scalingAdjustment: 3').replace(/ {2}api:\n {4}cluster: demo\n/, ''));
    const planned = await runCli(['plan', '--file', changed]);
    assert.match(planned.stdout, /~ web \(demo\/web\): changed at revision 1\n +~ scaling\.policies\[0\]\.stepAdjustments\[0\]\.scalingAdjustment: 2 → 3/);
    assert.match(planned.stdout, /! api \(demo\/api\): stored but not in the file; kept/);
    assert.match(planned.stdout, /1 not in the file and kept \(apply --prune removes it\)/);

    const dryRun = await runCli(['apply', '--file', changed, '--prune', '--dry-run']);
    assert.match(dryRun.stdout, /- api \(demo\/api\): removed at revision 1/);
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    assert.ok(await store.getServiceConfig('demo', 'api'), 'a dry run removes nothing');

    assert.equal((await runCli(['apply', '--file', changed])).code, 0);
    assert.ok(await store.getServiceConfig('demo', 'api'), 'without --prune the undeclared service is kept');
    assert.equal((await store.getServiceConfig('demo', 'web'))?.revision, 2);

    const pruned = await runCli(['apply', '--file', changed, '--prune']);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, /✓ services api removed/);
    assert.equal(await store.getServiceConfig('demo', 'api'), undefined);
  });

  it('refuses to overwrite a change made since the plan read it, and says what to do', async () => {
    await runCli(['apply', '--file', writeConfigFile(FILE)]);
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    const stored = await store.getServiceConfig('demo', 'web');
    // Someone else changes web between our read and our write: simulate by applying at a stale revision.
    await store.putServiceConfig({ ...stored?.config, scaling: { ...stored?.config.scaling, maxCapacity: 9 } }, 1);
    const { ConfigSync, configStores, readConfigText } = await import('../../../functions/config/index.ts');
    const sync = new ConfigSync(configStores(store));
    const read = readConfigText(FILE.replace('maxCapacity: 6', 'maxCapacity: 7'));
    assert.ok(read.ok);
    const plan = await sync.plan(read.entries, { prune: false });
    await store.putServiceConfig({ ...stored?.config, scaling: { ...stored?.config.scaling, maxCapacity: 10 } }, 2);
    const [result] = await sync.apply(plan);
    assert.equal(result?.error?.name, 'ConfigConflictError');
    assert.equal((await store.getServiceConfig('demo', 'web'))?.config.scaling?.maxCapacity, 10, 'the newer change is kept');
  });

  it('refuses an invalid file with every problem at its line and column, and stores nothing', async () => {
    const file = writeConfigFile('services:\n  web:\n    cluster: demo\n    scaling:\n      minCapacity: 5\n      maxCapacity: 2\n      policies: []\n  api: { clustr: demo }\n');
    const validated = await runCli(['validate', '--file', file]);
    assert.equal(validated.code, 1);
    assert.match(validated.stderr, /harbormaster\.yml:5:20 {2}services\.web\.scaling\.minCapacity: must not exceed maxCapacity \(2\)/);
    assert.match(validated.stderr, /harbormaster\.yml:7:17 {2}services\.web\.scaling\.policies: must list at least one policy/);
    assert.match(validated.stderr, /harbormaster\.yml:8:10 {2}services\.api\.clustr: is not a known field/);
    assert.match(validated.stderr, /4 problems in /);
    const applied = await runCli(['apply', '--file', file]);
    assert.equal(applied.code, 1);
    assert.match(applied.stderr, /is not valid \(4 problems\)/);
    assert.deepEqual(await new ConfigStore(stack.documents, STATE_TABLE).listServiceConfigs(), []);
  });

  it('finds the stage from the only stack deployed, and says what to do for a stage that is not deployed', async () => {
    const file = writeConfigFile(FILE);
    const missing = await runCli(['plan', '--file', file, '--stage', 'prod']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error: No Harbormaster stack for stage prod \(harbormaster-prod\) in region us-east-1 at http:\/\/127\.0\.0\.1:\d+\n {2}Deploy it with `npx osls deploy --stage prod`/);
    const named = await runCli(['plan', '--file', file, '--stage', 'local', '--json']);
    assert.equal(named.code, 0, named.stderr);
    assert.equal((JSON.parse(named.stdout) as { stage: string }).stage, 'local');
  });
});
