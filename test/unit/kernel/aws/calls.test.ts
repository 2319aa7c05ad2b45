import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callAws, collectPages, pagesOf } from '../../../../functions/kernel/aws/calls.ts';
import { AwsCallError, EcsThrottledError } from '../../../../functions/kernel/errors.ts';

/** A listing as a service answers it: page i is `pages[i]`, each page but the last pointing at the next by token. */
function listing(pages: { Items?: number[]; NextToken?: string }[]) {
  const requests: (string | undefined)[] = [];
  const fetch = async (token: string | undefined) => {
    requests.push(token);
    const index = token === undefined ? 0 : Number(token.replace('page-', ''));
    const page = pages[index];
    if (!page) throw new Error(`no page for token ${token}`);
    return page;
  };
  return { requests, pages: pagesOf(fetch) };
}

function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: { throttling: true } });
}

describe('collectPages over pagesOf', () => {
  const cases: { name: string; pages: { Items?: number[]; NextToken?: string }[]; items: number[]; tokens: (string | undefined)[] }[] = [
    { name: 'one page', pages: [{ Items: [1, 2] }], items: [1, 2], tokens: [undefined] },
    {
      name: 'several pages, in order',
      pages: [{ Items: [1, 2], NextToken: 'page-1' }, { Items: [3], NextToken: 'page-2' }, { Items: [4, 5] }],
      items: [1, 2, 3, 4, 5],
      tokens: [undefined, 'page-1', 'page-2'],
    },
    {
      name: 'empty pages that still carry a token are followed',
      pages: [{ Items: [], NextToken: 'page-1' }, { NextToken: 'page-2' }, { Items: [7] }],
      items: [7],
      tokens: [undefined, 'page-1', 'page-2'],
    },
    { name: 'an empty listing', pages: [{ Items: [] }], items: [], tokens: [undefined] },
    { name: 'an empty-string token ends the listing', pages: [{ Items: [1], NextToken: '' }], items: [1], tokens: [undefined] },
  ];
  for (const { name, pages, items, tokens } of cases) {
    it(name, async () => {
      const source = listing(pages);
      assert.deepEqual(await collectPages('List', source.pages, (page) => page.Items), items);
      assert.deepEqual(source.requests, tokens);
    });
  }

  it('fails, rather than looping, when a service repeats its token', async () => {
    const source = listing([{ Items: [1], NextToken: 'page-1' }, { Items: [2], NextToken: 'page-1' }]);
    await assert.rejects(collectPages('ListTasks web', source.pages, (page) => page.Items), {
      name: 'AwsCallError',
      message: 'ListTasks web failed: the same NextToken was returned twice: page-1',
    });
  });
});

describe('errors of a listing', () => {
  const cases: { name: string; failure: () => Error; error: { name: string; message: string } }[] = [
    { name: 'throttling after the SDK retries → EcsThrottledError', failure: throttled, error: { name: 'EcsThrottledError', message: 'ListTasks web was throttled' } },
    {
      name: 'a throttling error known only by its name → EcsThrottledError',
      failure: () => Object.assign(new Error('Too many'), { name: 'TooManyRequestsException' }),
      error: { name: 'EcsThrottledError', message: 'ListTasks web was throttled' },
    },
    {
      name: 'anything else → AwsCallError naming the call and the cause',
      failure: () => Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }),
      error: { name: 'AwsCallError', message: 'ListTasks web failed: Cluster not found.' },
    },
  ];
  for (const { name, failure, error } of cases) {
    it(`${name}, whichever page fails`, async () => {
      for (const failingPage of [0, 2]) {
        const pages = pagesOf(async (token) => {
          const index = token === undefined ? 0 : Number(token);
          if (index === failingPage) throw failure();
          return { Items: [index], NextToken: index < 3 ? String(index + 1) : undefined };
        });
        const rejection = await collectPages('ListTasks web', pages, (page) => page.Items).then(
          () => assert.fail('the listing must fail'),
          (thrown: unknown) => thrown,
        );
        assert.ok(rejection instanceof (error.name === 'EcsThrottledError' ? EcsThrottledError : AwsCallError));
        assert.deepEqual({ name: (rejection as Error).name, message: (rejection as Error).message }, error);
        assert.equal(((rejection as Error).cause as Error).message, failure().message, 'the SDK error is kept as the cause');
      }
    });
  }

  it('maps with the capability’s own mapper when given one', async () => {
    class DeployAwsError extends Error {
      override readonly name = 'DeployAwsError';
    }
    const ownMapper = async <R>(what: string, call: () => Promise<R>): Promise<R> => {
      try {
        return await call();
      } catch (error) {
        throw new DeployAwsError(`${what} failed`, { cause: error });
      }
    };
    const pages = pagesOf(async () => {
      throw throttled();
    });
    await assert.rejects(collectPages('DescribeAlarms', pages, () => [], ownMapper), { name: 'DeployAwsError', message: 'DescribeAlarms failed' });
  });

  it('callAws passes a result through unchanged', async () => {
    assert.deepEqual(await callAws('DescribeServices', async () => ({ services: [] })), { services: [] });
  });
});
