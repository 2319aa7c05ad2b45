import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identifyRejectedEvent } from '../../../../functions/kernel/envelope.ts';
import { imageTagItem, taskItem } from '../../../../functions/ingestion/adapters/state-items.ts';
import { MAX_STORED_EVENT_CHARS, expiresAt, rejectedEventItem } from '../../../../functions/kernel/store/state-items.ts';
import { parseImageAction, type ImagePush } from '../../../../functions/ingestion/domain/image-push.ts';
import { parseTaskStateChange } from '../../../../functions/ingestion/domain/task-state.ts';
import { imagePush, taskArn, taskStateChange } from '../../../fixtures/aws-events.ts';

describe('taskItem', () => {
  it('keys a service task by ARN and indexes it under its service by creation time, in no status partition', () => {
    const item = taskItem(parseTaskStateChange(taskStateChange()));
    assert.equal(item.pk, `TASK#${taskArn()}`);
    assert.equal(item.sk, 'STATE');
    assert.equal(item['gsi1pk'], 'SERVICE#prod#web');
    assert.equal(item['gsi1sk'], 'TASK#2026-11-20T10:00:00.123Z');
    assert.equal(item['gsi2pk'], undefined, 'no byStatus partition collects the account\'s tasks');
    assert.equal(item['gsi2sk'], undefined);
    assert.equal(item['expiresAt'], undefined, 'a running task never expires');
  });

  it('keeps a task\'s index keys through its whole life, so later events write no index entry', () => {
    const lifecycle = ['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPING', 'STOPPED'].map((lastStatus, index) =>
      taskItem(parseTaskStateChange(taskStateChange({ lastStatus, version: index + 1, updatedAt: `2026-11-20T10:0${index}:00Z` }))),
    );
    const indexKeys = new Set(lifecycle.map((item) => JSON.stringify([item['gsi1pk'], item['gsi1sk'], item['gsi2pk'], item['gsi2sk']])));
    assert.equal(indexKeys.size, 1);
  });

  it('indexes a task without createdAt by its update time', () => {
    const event = taskStateChange();
    delete (event['detail'] as Record<string, unknown>)['createdAt'];
    assert.equal(taskItem(parseTaskStateChange(event))['gsi1sk'], 'TASK#2026-11-20T10:00:04.500Z');
  });

  it('indexes a standalone task under its group in its cluster, or the cluster when it has none', () => {
    assert.equal(taskItem(parseTaskStateChange(taskStateChange({ group: 'family:batch' })))['gsi1pk'], 'GROUP#prod#family:batch');
    const ungrouped = taskStateChange();
    delete (ungrouped['detail'] as Record<string, unknown>)['group'];
    assert.equal(taskItem(parseTaskStateChange(ungrouped))['gsi1pk'], 'CLUSTER#prod');
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
