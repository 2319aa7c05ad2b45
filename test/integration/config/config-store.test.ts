import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigConflictError, ConfigStore } from '../../../functions/config/adapters/config-store.ts';
import { InvalidConfigError } from '../../../functions/kernel/config-errors.ts';
import { parseServiceConfig } from '../../../functions/config/service-config.ts';
import { MINIMAL_DEPLOY } from '../../fixtures/deploy-config.ts';
import { STATE_TABLE, useDeployedStack } from '../support.ts';

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
