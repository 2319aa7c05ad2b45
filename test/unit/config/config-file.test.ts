import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem, readConfigText } from '../../../functions/config/index.ts';

const problemsOf = (text: string) => {
  const result = readConfigText(text);
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems.map((problem) => formatProblem('h.yml', problem));
};

describe('readConfigText', () => {
  it('reads a valid file into entries per section, defaults applied', () => {
    const result = readConfigText('services:\n  web:\n    cluster: prod\n  worker:\n    cluster: prod\n    service: worker-v2\n');
    assert.ok(result.ok);
    assert.deepEqual(
      result.entries.get('services')?.map(({ id, label }) => [id, label]),
      [['prod/web', 'web'], ['prod/worker-v2', 'worker']],
    );
    assert.deepEqual(result.entries.get('cleanup'), []);
  });

  it('accepts an empty file (nothing declared)', () => {
    const result = readConfigText('# nothing yet\n');
    assert.ok(result.ok);
    assert.deepEqual(result.entries.get('services'), []);
  });

  const cases: Array<{ name: string; text: string; expected: string[] }> = [
    { name: 'YAML syntax', text: 'services:\n  web: [\n', expected: [/^h\.yml:3:1 {2}\(file\): /.source] },
    { name: 'duplicate keys', text: 'services:\n  web: { cluster: a }\n  web: { cluster: b }\n', expected: [/^h\.yml:3:3 {2}\(file\): Map keys must be unique/.source] },
    { name: 'a value out of range, at the value', text: 'cleanup:\n  keepLatest: 0\n', expected: [/^h\.yml:2:15 {2}cleanup\.keepLatest: must be at least 1/.source] },
    { name: 'a missing field, at its parent', text: 'services:\n  web:\n    service: w\n', expected: [/^h\.yml:3:5 {2}services\.web\.cluster: is required \(expected string\)/.source] },
    { name: 'an unknown field, at its key', text: 'services:\n  web:\n    cluster: a\n    scaling_: {}\n', expected: [/^h\.yml:4:5 {2}services\.web\.scaling_: is not a known field/.source] },
    { name: 'an unknown section', text: 'servics: {}\n', expected: [/^h\.yml:1:1 {2}servics: is not a known field/.source] },
    {
      name: 'two names for one ECS service',
      text: 'services:\n  web: { cluster: a }\n  www: { cluster: a, service: web }\n',
      expected: [/^h\.yml:3:8 {2}services\.www: a\/web is already configured as web/.source],
    },
    {
      name: 'an inline secret, wherever it is',
      text: 'services:\n  web:\n    cluster: a\n    deploy:\n      preTrafficHook: { url: "https://hooks.slack.com/not-a-real-webhook" }\n',
      expected: [/^h\.yml:5:30 {2}services\.web\.deploy\.preTrafficHook\.url: looks like a Slack incoming-webhook URL written inline: store it in SSM/.source],
    },
  ];
  for (const { name, text, expected } of cases) {
    it(`points at ${name}`, () => {
      const problems = problemsOf(text);
      for (const pattern of expected) assert.ok(problems.some((problem) => new RegExp(pattern).test(problem)), `${pattern} in\n${problems.join('\n')}`);
    });
  }
});
