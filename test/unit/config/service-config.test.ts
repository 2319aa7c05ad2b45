import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidConfigError } from '../../../functions/kernel/config-errors.ts';
import { parseServiceConfig } from '../../../functions/config/service-config.ts';

describe('parseServiceConfig', () => {
  it('accepts a minimal service', () => {
    assert.deepEqual(parseServiceConfig({ cluster: 'prod', service: 'web' }), { cluster: 'prod', service: 'web' });
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['a missing service', { cluster: 'prod' }, /service: Invalid input/],
    ['a name with a slash', { cluster: 'prod', service: 'web/api' }, /service: must be 1–255 letters, digits, hyphens or underscores/],
    ['an unknown top-level key', { cluster: 'prod', service: 'web', deploys: {} }, /\(root\): Unrecognized key: "deploys"/],
    ['not an object', 'web', /\(root\)/],
  ];
  for (const [name, input, message] of invalid) {
    it(`rejects ${name} with a message naming the path`, () => {
      assert.throws(() => parseServiceConfig(input), (error: unknown) => error instanceof InvalidConfigError && message.test(error.message));
    });
  }

  it('names the service in the message when it can', () => {
    assert.throws(() => parseServiceConfig({ cluster: 'prod', service: 'web', extra: 1 }), /Invalid configuration for service prod\/web/);
  });
});
