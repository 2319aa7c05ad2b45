import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupItemsOf } from '../../../functions/config/lookup-items.ts';
import { parseServiceConfig } from '../../../functions/config/service-config.ts';
import { MINIMAL_DEPLOY } from '../../fixtures/deploy-config.ts';

const policy = (alarmName: string) => ({ alarmName, adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }] });

describe('lookupItemsOf', () => {
  it('names, for each use, the repository or alarm as the partition and the service in the sort key', () => {
    const config = parseServiceConfig({
      cluster: 'prod',
      service: 'web',
      deploy: { ...MINIMAL_DEPLOY, image: { ...MINIMAL_DEPLOY.image, repository: 'team/web', tagPattern: 'v*' } },
      scaling: { minCapacity: 1, maxCapacity: 4, policies: [policy('web-cpu-high'), policy('web-cpu-low')] },
    });
    assert.deepEqual(lookupItemsOf(config, 3), [
      { pk: 'LOOKUP#REPOSITORY#team/web', sk: 'DEPLOY#SERVICE#prod#web', kind: 'repository-lookup', cluster: 'prod', service: 'web', repository: 'team/web', tagPattern: 'v*', configRevision: 3 },
      { pk: 'LOOKUP#ALARM#web-cpu-high', sk: 'SCALING#SERVICE#prod#web', kind: 'alarm-lookup', cluster: 'prod', service: 'web', alarmName: 'web-cpu-high', configRevision: 3 },
      { pk: 'LOOKUP#ALARM#web-cpu-low', sk: 'SCALING#SERVICE#prod#web', kind: 'alarm-lookup', cluster: 'prod', service: 'web', alarmName: 'web-cpu-low', configRevision: 3 },
    ]);
  });

  it('needs none for a service without deploy or scaling sections', () => {
    assert.deepEqual(lookupItemsOf(parseServiceConfig({ cluster: 'prod', service: 'web' }), 1), []);
  });

  it('stays within one transaction for the largest configuration: 1 config + old and new lookups ≤ 100 items', () => {
    const policies = Array.from({ length: 40 }, (_, index) => policy(`alarm-${index}`));
    const config = parseServiceConfig({ cluster: 'prod', service: 'web', deploy: MINIMAL_DEPLOY, scaling: { minCapacity: 1, maxCapacity: 4, policies } });
    assert.ok(1 + 2 * lookupItemsOf(config, 1).length <= 100);
  });
});
