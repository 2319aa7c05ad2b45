import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identifyRejectedEvent } from '../../../../functions/kernel/envelope.ts';
import { imageTagItem, taskItem } from '../../../../functions/ingestion/adapters/state-items.ts';
import { MAX_STORED_EVENT_CHARS, expiresAt, rejectedEventItem } from '../../../../functions/kernel/store/state-items.ts';
import { parseImageAction, type ImagePush } from '../../../../functions/ingestion/domain/image-push.ts';
import { parseTaskStateChange } from '../../../../functions/ingestion/domain/task-state.ts';
import { imagePush, taskArn, taskStateChange } from '../../../fixtures/aws-events.ts';

describe('taskItem', () => {
  it('keys a service task by ARN and indexes it under its service and status', () => {
    const item = taskItem(parseTaskStateChange(taskStateChange()));
    assert.equal(item.pk, `TASK#${taskArn()}`);
    assert.equal(item.sk, 'STATE');
    assert.equal(item['gsi1pk'], 'SERVICE#prod#web');
    assert.equal(item['gsi1sk'], 'TASK#2026-11-20T10:00:04.500Z');
    assert.equal(item['gsi2pk'], 'TASK#RUNNING');
    assert.equal(item['expiresAt'], undefined, 'a running task never expires');
  });

  it('indexes a standalone task under its cluster', () => {
    const item = taskItem(parseTaskStateChange(taskStateChange({ group: 'family:batch' })));
    assert.equal(item['gsi1pk'], 'CLUSTER#prod');
  });

  it('expires a stopped task 30 days after it stopped', () => {
    const item = taskItem(parseTaskStateChange(taskStateChange({ lastStatus: 'STOPPED', stoppedAt: '2026-11-20T00:00:00Z' })));
    assert.equal(item['expiresAt'], Date.parse('2026-12-20T00:00:00Z') / 1000);
  });
});

describe('imageTagItem', () => {
  it('keys a tagged push by tag and a digest-only push by digest', () => {
    assert.equal(imageTagItem(parseImageAction(imagePush()) as ImagePush).sk, 'TAG#v1.2.3');
    const untagged = imageTagItem(parseImageAction(imagePush({ 'image-tag': undefined })) as ImagePush);
    assert.match(untagged.sk, /^DIGEST#sha256:/);
  });
});

describe('rejectedEventItem', () => {
  it('truncates a huge raw event so the item stays far below the 400 KB limit', () => {
    const huge = { id: 'x', blob: 'y'.repeat(200_000) };
    const item = rejectedEventItem({ id: 'x', source: 's', detailType: 'd' }, 'bad', huge, '2026-11-20T00:00:00.000Z');
    assert.equal(String(item['event']).length, MAX_STORED_EVENT_CHARS + '…(truncated)'.length);
  });

  it('stores a non-JSON value as text', () => {
    const item = rejectedEventItem({ id: 'x', source: 's', detailType: 'd' }, 'bad', undefined, '2026-11-20T00:00:00.000Z');
    assert.equal(item['event'], 'undefined');
  });
});

describe('expiresAt', () => {
  it('is epoch seconds, as DynamoDB TTL requires', () => {
    assert.equal(expiresAt('1970-01-01T00:00:00Z', 1), 86_400);
  });
});

describe('identifyRejectedEvent', () => {
  it('identifies an event without an id by its content, so a redelivery is recognised', () => {
    const first = identifyRejectedEvent({ source: 'aws.ecs', detail: { a: 1 } });
    assert.match(first.id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(identifyRejectedEvent({ source: 'aws.ecs', detail: { a: 1 } }).id, first.id);
    assert.notEqual(identifyRejectedEvent({ source: 'aws.ecs', detail: { a: 2 } }).id, first.id);
    assert.deepEqual(identifyRejectedEvent('not an event'), { id: identifyRejectedEvent('not an event').id, source: 'unknown-source', detailType: 'unknown-detail-type' });
  });
});
