import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identifyRejectedEvent } from '../../../functions/kernel/envelope.ts';
import { MalformedEventError } from '../../../functions/kernel/errors.ts';
import { rejectedCounterKey, rejectedEventItem } from '../../../functions/kernel/store/state-items.ts';
import { ECHO_MAX_CHARS, KEY_PART_MAX_BYTES, assertKeyPart, preview } from '../../../functions/kernel/validate.ts';
import { ecsDeploymentItem, imageDeletionItem, imageTagItem, serviceActionItem, taskItem } from '../../../functions/ingestion/adapters/state-items.ts';
import { parseImageAction } from '../../../functions/ingestion/domain/image-push.ts';
import { parseDeploymentStateChange, parseServiceAction } from '../../../functions/ingestion/domain/service-events.ts';
import { parseTaskStateChange } from '../../../functions/ingestion/domain/task-state.ts';
import { scalingActivityKey } from '../../../functions/scaling/adapters/scaling-items.ts';
import { parseAlarmStateChange } from '../../../functions/scaling/domain/alarm-state.ts';
import { AWS_SAMPLES, awsSample, imagePush, type SampleName } from '../../fixtures/aws-events.ts';

/** DynamoDB's key limits (Developer Guide, "Service, account, and table quotas"), in UTF-8 bytes. */
const PARTITION_KEY_BYTES = 2048;
const SORT_KEY_BYTES = 1024;

type Keyed = Record<string, unknown>;

function assertKeysFit(item: Keyed, label: string): void {
  for (const [attribute, limit] of [['pk', PARTITION_KEY_BYTES], ['gsi1pk', PARTITION_KEY_BYTES], ['gsi2pk', PARTITION_KEY_BYTES], ['sk', SORT_KEY_BYTES], ['gsi1sk', SORT_KEY_BYTES], ['gsi2sk', SORT_KEY_BYTES]] as const) {
    const value = item[attribute];
    if (typeof value === 'string') assert.ok(Buffer.byteLength(value) <= limit, `${label}: ${attribute} is ${Buffer.byteLength(value)} bytes, over ${limit}`);
  }
}

/** Each reader with the items its handler writes from what it read. */
const readers: Array<[string, (event: unknown) => Keyed[], SampleName[]]> = [
  ['parseTaskStateChange', (event) => [taskItem(parseTaskStateChange(event))], ['ecsTaskStateChangeFargate', 'ecsTaskStateChangeEc2']],
  ['parseDeploymentStateChange', (event) => [ecsDeploymentItem(parseDeploymentStateChange(event))], ['ecsDeploymentInProgress', 'ecsDeploymentFailed']],
  ['parseServiceAction', (event) => [serviceActionItem(parseServiceAction(event))], ['ecsServiceSteadyState', 'ecsPlacementFailureFargateSpot', 'ecsPlacementFailureEc2']],
  [
    'parseImageAction',
    (event) => {
      const image = parseImageAction(event);
      return [image.action === 'PUSH' ? imageTagItem(image) : imageDeletionItem(image)];
    },
    ['ecrImageDelete'],
  ],
  [
    'parseAlarmStateChange',
    (event) => [scalingActivityKey({ cluster: 'prod', service: 'web', evaluatedAt: '2026-11-20T10:00:00.000Z', alarmName: parseAlarmStateChange(event).alarmName })],
    ['alarmSingleMetric', 'alarmMetricMath', 'alarmAnomalyDetection', 'alarmComposite'],
  ],
];

/** Every string in an event, by path: `detail.containers.0.name`, `resources.0`, … */
function stringPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringPaths(item, [...path, String(index)]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]));
  return [];
}

function withValue(event: Keyed, path: string[], value: string): Keyed {
  const copy = structuredClone(event);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path.at(-1) as string] = value;
  return copy;
}

describe('a 200 KB value in any string field of any AWS sample', () => {
  const huge = `${'x'.repeat(100_000)}${'é'.repeat(50_000)}`;
  for (const [reader, read, samples] of readers) {
    for (const name of samples) {
      it(`${reader}(${name}): rejected naming the field with a short echo, or read into items whose keys fit DynamoDB`, () => {
        const sample = awsSample(name);
        assert.ok(read(sample).length > 0, 'the sample itself is read');
        let rejected = 0;
        for (const path of stringPaths(sample)) {
          const event = withValue(sample, path, huge);
          let items: Keyed[];
          try {
            items = read(event);
          } catch (error) {
            assert.ok(error instanceof MalformedEventError, `${path.join('.')}: ${String(error)}`);
            rejected += 1;
            assert.ok(error.message.length <= 300, `${path.join('.')}: a ${error.message.length}-character reason`);
            assert.ok(!error.message.includes('x'.repeat(ECHO_MAX_CHARS + 1)), `${path.join('.')}: echoes more than a prefix`);
            assert.ok(/^(event|detail)[.[]?/.test(error.field), `${path.join('.')}: names ${error.field}`);
            assertKeysFit(rejectedEventItem(identifyRejectedEvent(event), error.message, event, '2026-11-20T10:00:00.000Z'), `${path.join('.')} rejection`);
            assertKeysFit(rejectedCounterKey(identifyRejectedEvent(event)), `${path.join('.')} rejection counter`);
            continue;
          }
          for (const item of items) assertKeysFit(item, path.join('.'));
        }
        assert.ok(rejected > 0, 'some fields go into keys');
      });
    }
  }
});

describe('preview', () => {
  const cases: Array<[unknown, string]> = [
    ['short', '"short"'],
    ['x'.repeat(ECHO_MAX_CHARS), `"${'x'.repeat(ECHO_MAX_CHARS)}"`],
    ['y'.repeat(200_000), `"${'y'.repeat(ECHO_MAX_CHARS)}…"`],
    [`${'z'.repeat(ECHO_MAX_CHARS - 1)}😀`, `"${'z'.repeat(ECHO_MAX_CHARS - 1)}…"`],
    [42, '"42"'],
  ];
  for (const [value, shown] of cases) it(`shows ${String(value).slice(0, 20)} as ${shown.slice(0, 20)}`, () => assert.equal(preview(value), shown));
});

describe('assertKeyPart', () => {
  it(`accepts ${KEY_PART_MAX_BYTES} bytes and refuses one more, counting UTF-8 bytes`, () => {
    assert.equal(assertKeyPart('a'.repeat(KEY_PART_MAX_BYTES), 'f'), 'a'.repeat(KEY_PART_MAX_BYTES));
    assert.throws(() => assertKeyPart('é'.repeat(KEY_PART_MAX_BYTES / 2 + 1), 'detail.x'), /detail\.x is 514 bytes; a value used in a key may have at most 512/);
  });
});

describe('identifyRejectedEvent', () => {
  it('replaces an id too long for a key by a hash of the content, the same for a redelivery', () => {
    const event = imagePush({}, { id: 'i'.repeat(200_000) });
    const identity = identifyRejectedEvent(event);
    assert.match(identity.id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(identifyRejectedEvent(structuredClone(event)).id, identity.id);
  });

  it('shortens a huge source or detail-type deterministically', () => {
    const identity = identifyRejectedEvent({ ...AWS_SAMPLES.ecrImagePush, source: 's'.repeat(200_000), 'detail-type': 'd'.repeat(200_000) });
    assert.match(identity.source, /^s{64}…sha256:[0-9a-f]{16}$/);
    assert.match(identity.detailType, /^d{64}…sha256:[0-9a-f]{16}$/);
    assert.equal(identity.id, AWS_SAMPLES.ecrImagePush.id);
  });
});
