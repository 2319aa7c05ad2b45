import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigConflictError, ConfigStore } from '../../../functions/config/adapters/config-store.ts';
import { ConfigLookups } from '../../../functions/config/adapters/config-lookups.ts';
import { InvalidConfigError } from '../../../functions/kernel/config-errors.ts';
import { parseServiceConfig } from '../../../functions/config/service-config.ts';
import { MINIMAL_DEPLOY } from '../../fixtures/deploy-config.ts';
import { STATE_TABLE, scanAll, useDeployedStack } from '../support.ts';

const stack = useDeployedStack();

describe('ConfigStore on the deployed state table', () => {
  it('stores, reads back and lists service configurations, revision by revision', async () => {
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    await store.putServiceConfig({ cluster: 'prod', service: 'web' }, 0);
    await store.putServiceConfig({ cluster: 'prod', service: 'api' }, 0);
    const updated = await store.putServiceConfig({ cluster: 'prod', service: 'web', deploy: MINIMAL_DEPLOY }, 1);
    assert.equal(updated.revision, 2);
    assert.deepEqual((await store.getServiceConfig('prod', 'web'))?.config.deploy, parseServiceConfig({ cluster: 'prod', service: 'web', deploy: MINIMAL_DEPLOY }).deploy);
    assert.deepEqual((await store.listServiceConfigs()).map((stored) => stored.config.service).sort(), ['api', 'web']);
  });

  it('refuses a write based on a stale revision, keeping the newer configuration', async () => {
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    await store.putServiceConfig({ cluster: 'prod', service: 'web' }, 0);
    const scaling = { minCapacity: 2, maxCapacity: 4, policies: [{ alarmName: 'web-cpu-high', adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }] }] };
    await store.putServiceConfig({ cluster: 'prod', service: 'web', scaling }, 1);
    await assert.rejects(store.putServiceConfig({ cluster: 'prod', service: 'web' }, 1), ConfigConflictError);
    await assert.rejects(store.putServiceConfig({ cluster: 'prod', service: 'web' }, 0), ConfigConflictError);
    const stored = await store.getServiceConfig('prod', 'web');
    assert.equal(stored?.revision, 2);
    assert.equal(stored?.config.scaling?.minCapacity, 2);
  });

  it('stores nothing when the configuration is invalid', async () => {
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    await assert.rejects(store.putServiceConfig({ cluster: 'prod', service: 'bad name' }, 0), InvalidConfigError);
    assert.deepEqual(await store.listServiceConfigs(), []);
  });
});

const scalingOn = (...alarmNames: string[]) => ({
  minCapacity: 1,
  maxCapacity: 4,
  policies: alarmNames.map((alarmName) => ({ alarmName, adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }] })),
});
const deployFrom = (repository: string, tagPattern = '*') => ({ ...MINIMAL_DEPLOY, image: { ...MINIMAL_DEPLOY.image, repository, tagPattern } });

/** The lookup items in the table, as `<pk> <sk>` lines, sorted. */
async function lookupItems(): Promise<string[]> {
  return (await scanAll(stack.documents, STATE_TABLE))
    .filter((item) => String(item['pk']).startsWith('LOOKUP#'))
    .map((item) => `${String(item['pk'])} ${String(item['sk'])}`)
    .sort();
}

describe('configuration lookups, kept with each configuration', () => {
  it('finds the services tracking a repository and scaling on an alarm', async () => {
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    const lookups = new ConfigLookups(stack.documents, STATE_TABLE);
    await store.putServiceConfig({ cluster: 'prod', service: 'web', deploy: deployFrom('web', 'v*'), scaling: scalingOn('web-cpu-high', 'shared-queue-depth') }, 0);
    await store.putServiceConfig({ cluster: 'prod', service: 'worker', deploy: deployFrom('web', 'worker-*'), scaling: scalingOn('shared-queue-depth') }, 0);
    await store.putServiceConfig({ cluster: 'prod', service: 'api', deploy: deployFrom('api') }, 0);

    assert.deepEqual(
      (await lookups.servicesTrackingRepository('web')).map(({ service, tagPattern }) => [service, tagPattern]).sort(),
      [['web', 'v*'], ['worker', 'worker-*']],
    );
    assert.deepEqual((await lookups.servicesScalingOn('shared-queue-depth')).map(({ service }) => service).sort(), ['web', 'worker']);
    assert.deepEqual(await lookups.servicesScalingOn('web-cpu-high'), [{ cluster: 'prod', service: 'web' }]);
    assert.deepEqual(await lookups.servicesTrackingRepository('unknown'), []);
  });

  it('moves the lookups when the configuration changes: a renamed repository or a dropped policy leaves no lookup behind', async () => {
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    const lookups = new ConfigLookups(stack.documents, STATE_TABLE);
    await store.putServiceConfig({ cluster: 'prod', service: 'web', deploy: deployFrom('web'), scaling: scalingOn('web-cpu-high', 'web-latency') }, 0);
    assert.deepEqual(await lookupItems(), [
      'LOOKUP#ALARM#web-cpu-high SCALING#SERVICE#prod#web',
      'LOOKUP#ALARM#web-latency SCALING#SERVICE#prod#web',
      'LOOKUP#REPOSITORY#web DEPLOY#SERVICE#prod#web',
    ]);

    await store.putServiceConfig({ cluster: 'prod', service: 'web', deploy: deployFrom('web-app', 'release-*'), scaling: scalingOn('web-latency') }, 1);
    assert.deepEqual(await lookupItems(), ['LOOKUP#ALARM#web-latency SCALING#SERVICE#prod#web', 'LOOKUP#REPOSITORY#web-app DEPLOY#SERVICE#prod#web']);
    assert.deepEqual(await lookups.servicesTrackingRepository('web'), [], 'the old repository no longer deploys web');
    assert.deepEqual((await lookups.servicesTrackingRepository('web-app')).map(({ tagPattern }) => tagPattern), ['release-*']);

    await store.putServiceConfig({ cluster: 'prod', service: 'web' }, 2);
    assert.deepEqual(await lookupItems(), [], 'a configuration without deploy or scaling sections needs no lookup');
  });

  it('keeps the lookups of the stored revision when a write is refused', async () => {
    const store = new ConfigStore(stack.documents, STATE_TABLE);
    await store.putServiceConfig({ cluster: 'prod', service: 'web', deploy: deployFrom('web') }, 0);
    await assert.rejects(store.putServiceConfig({ cluster: 'prod', service: 'web', deploy: deployFrom('other') }, 0), ConfigConflictError);
    await assert.rejects(store.putServiceConfig({ cluster: 'prod', service: 'web', deploy: deployFrom('other') }, 5), ConfigConflictError);
    assert.deepEqual(await lookupItems(), ['LOOKUP#REPOSITORY#web DEPLOY#SERVICE#prod#web']);
  });
});
