import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerPage, joinUpstreamPages, pagedListing, readPageRequest, type PagedListing, type PageRequest } from '../../../local/runtime/paging.ts';

const LIST_TASKS = listing('ecs', 'ListTasks');
const arns = (count: number, from = 0) => Array.from({ length: count }, (_, index) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${String(from + index).padStart(4, '0')}`);

function listing(service: string, operation: string): PagedListing {
  const found = pagedListing(service, operation);
  assert.ok(found, `${service}:${operation} is paged`);
  return found;
}

function request(of: PagedListing, input: Record<string, unknown>): PageRequest {
  const read = readPageRequest(of, input);
  assert.ok(!('refused' in read), `refused: ${JSON.stringify(read)}`);
  return read;
}

/** Pages a caller reads by following tokens, as the SDK paginators do, over a listing that `whole()` answers each time. */
function readAll(of: PagedListing, input: Record<string, unknown>, whole: () => Record<string, unknown>): Record<string, unknown>[] {
  const pages: Record<string, unknown>[] = [];
  let token: unknown;
  do {
    const page = answerPage(of, request(of, token === undefined ? input : { ...input, [of.token]: token }), whole());
    pages.push(page);
    token = page[of.token];
  } while (token !== undefined);
  return pages;
}

describe('local runtime paging: AWS page sizes', () => {
  const cases: { operation: [string, string]; list: string; count: number; limit?: number; pages: number[] }[] = [
    { operation: ['ecs', 'ListTasks'], list: 'taskArns', count: 120, pages: [100, 20] },
    { operation: ['ecs', 'ListTasks'], list: 'taskArns', count: 100, pages: [100] },
    { operation: ['ecs', 'ListTasks'], list: 'taskArns', count: 0, pages: [0] },
    { operation: ['ecs', 'ListTasks'], list: 'taskArns', count: 15, limit: 7, pages: [7, 7, 1] },
    { operation: ['ecs', 'ListServices'], list: 'serviceArns', count: 25, pages: [10, 10, 5] },
    { operation: ['ecs', 'ListServices'], list: 'serviceArns', count: 150, limit: 100, pages: [100, 50] },
    { operation: ['ecs', 'ListClusters'], list: 'clusterArns', count: 101, pages: [100, 1] },
    { operation: ['ecs', 'ListTaskDefinitions'], list: 'taskDefinitionArns', count: 230, pages: [100, 100, 30] },
    { operation: ['ecs', 'ListTaskDefinitionFamilies'], list: 'families', count: 100, pages: [100] },
    { operation: ['events', 'ListRules'], list: 'Rules', count: 120, pages: [100, 20] },
  ];
  for (const { operation, list, count, limit, pages } of cases) {
    it(`${operation.join(':')}: ${count} items${limit ? ` at ${limit} a page` : ''} → pages of ${pages.join(', ')}`, () => {
      const of = listing(...operation);
      const items = list === 'Rules' ? arns(count).map((Arn) => ({ Arn, Name: Arn.split('/').pop() })) : arns(count);
      const read = readAll(of, { cluster: 'prod', ...(limit ? { [of.limit]: limit } : {}) }, () => ({ [list]: items }));
      assert.deepEqual(read.map((page) => (page[list] as unknown[]).length), pages);
      assert.deepEqual(read.flatMap((page) => page[list] as unknown[]), items, 'every item once, in order');
      assert.equal(read.at(-1)?.[of.token], undefined, 'the last page has no token');
    });
  }

  it('DescribeAlarms pages over metric alarms, then composite alarms, 50 a page by default', () => {
    const of = listing('monitoring', 'DescribeAlarms');
    const alarm = (kind: string, index: number) => ({ AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${kind}-${index}`, StateValue: 'OK' });
    const whole = { MetricAlarms: Array.from({ length: 40 }, (_, index) => alarm('metric', index)), CompositeAlarms: Array.from({ length: 30 }, (_, index) => alarm('composite', index)) };
    const read = readAll(of, { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }, () => whole);
    assert.deepEqual(read.map((page) => [(page['MetricAlarms'] as unknown[]).length, (page['CompositeAlarms'] as unknown[]).length]), [[40, 10], [0, 20]]);
    assert.deepEqual(read.flatMap((page) => page['CompositeAlarms'] as unknown[]), whole.CompositeAlarms);
  });

  it('keeps the other members of the answer and leaves lists moto did not answer absent', () => {
    const page = answerPage(LIST_TASKS, request(LIST_TASKS, {}), { taskArns: arns(3), $metadata: 'kept' });
    assert.deepEqual(page, { taskArns: arns(3), $metadata: 'kept' });
    const alarms = listing('monitoring', 'DescribeAlarms');
    assert.deepEqual(answerPage(alarms, request(alarms, {}), { MetricAlarms: [] }), { MetricAlarms: [] });
  });
});

describe('local runtime paging: tokens', () => {
  it('a page resumes after the last task answered, when tasks before it stopped in between (no task skipped)', () => {
    let tasks = arns(120);
    const first = answerPage(LIST_TASKS, request(LIST_TASKS, { cluster: 'prod' }), { taskArns: tasks });
    tasks = tasks.filter((_, index) => index !== 5 && index !== 50);
    const second = answerPage(LIST_TASKS, request(LIST_TASKS, { cluster: 'prod', nextToken: first['nextToken'] }), { taskArns: tasks });
    assert.deepEqual(second['taskArns'], arns(20, 100));
  });

  it('falls back to the offset reached when the last task answered is gone too', () => {
    const first = answerPage(LIST_TASKS, request(LIST_TASKS, { maxResults: 10 }), { taskArns: arns(30) });
    const withoutLast = arns(30).filter((_, index) => index !== 9);
    const second = answerPage(LIST_TASKS, request(LIST_TASKS, { maxResults: 10, nextToken: first['nextToken'] }), { taskArns: withoutLast });
    assert.deepEqual(second['taskArns'], withoutLast.slice(10, 20));
  });

  it('accepts a token for the same request whatever the order of its members, and whatever page size is asked next', () => {
    const first = answerPage(LIST_TASKS, request(LIST_TASKS, { cluster: 'prod', startedBy: 'ecs-svc/1', desiredStatus: 'RUNNING' }), { taskArns: arns(120) });
    const next = readPageRequest(LIST_TASKS, { desiredStatus: 'RUNNING', nextToken: first['nextToken'], maxResults: 5, startedBy: 'ecs-svc/1', cluster: 'prod' });
    assert.ok(!('refused' in next));
    assert.deepEqual(answerPage(LIST_TASKS, next, { taskArns: arns(120) })['taskArns'], arns(5, 100));
  });

  const refusals: { name: string; input: Record<string, unknown>; refused: string }[] = [
    { name: 'a token of another request', input: { cluster: 'staging' }, refused: 'The nextToken is not valid for this request' },
    { name: 'a token that is not ours', input: { cluster: 'prod', nextToken: 'not-a-token' }, refused: 'The nextToken is not valid for this request' },
    { name: 'more than 100 a page', input: { cluster: 'prod', maxResults: 101 }, refused: 'maxResults must be between 1 and 100' },
    { name: 'no items a page', input: { cluster: 'prod', maxResults: 0 }, refused: 'maxResults must be between 1 and 100' },
    { name: 'a fractional page size', input: { cluster: 'prod', maxResults: 2.5 }, refused: 'maxResults must be between 1 and 100' },
  ];
  for (const { name, input, refused } of refusals) {
    it(`refuses ${name}, as AWS does`, () => {
      const prodToken = answerPage(LIST_TASKS, request(LIST_TASKS, { cluster: 'prod' }), { taskArns: arns(120) })['nextToken'];
      const withToken = name === 'a token of another request' ? { ...input, nextToken: prodToken } : input;
      assert.deepEqual(readPageRequest(LIST_TASKS, withToken), { refused });
    });
  }

  it('asks moto for the whole listing: no token, no page size', () => {
    assert.deepEqual(request(LIST_TASKS, { cluster: 'prod', maxResults: 10 }).upstreamInput, { cluster: 'prod' });
  });
});

describe('local runtime paging: moto pages of its own', () => {
  it('joins moto’s pages in order (moto pages EventBridge listings at 50)', () => {
    const rules = listing('events', 'ListRules');
    const rule = (index: number) => ({ Arn: `arn:aws:events:us-east-1:123456789012:rule/r${index}` });
    const joined = joinUpstreamPages(rules, joinUpstreamPages(rules, undefined, { Rules: [rule(1), rule(2)], NextToken: 'm1' }), { Rules: [rule(3)] });
    assert.deepEqual(joined, { Rules: [rule(1), rule(2), rule(3)] });
  });

  it('leaves unpaged calls alone', () => {
    assert.equal(pagedListing('ecs', 'DescribeTasks'), undefined);
    assert.equal(pagedListing('ecs', undefined), undefined);
  });
});
