import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { notFound, refused } from '../../../../cli/dashboard/errors.ts';
import { startDashboardServer, type DashboardServer } from '../../../../cli/dashboard/server.ts';

/**
 * The dashboard's HTTP side over views and actions that answer from memory: routing, the security checks, body
 * validation and the shared streams, over real HTTP. The AWS side is test/integration/dashboard/server.test.ts.
 */


/** What the views answer: a counter that moves when a test says so, and how many times it was read. */
const state = { version: 1, reads: 0, failing: false, slowMs: 0 };
const acted: string[] = [];

const views = {
  async view(name: string) {
    state.reads += 1;
    if (state.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, state.slowMs));
    if (state.failing) throw new Error('AWS is away');
    if (name === 'overview') return { stage: 'test', observedAt: new Date().toISOString(), services: [{ name: 'web', version: state.version }] };
    if (name === 'service:web') return { name: 'web', observedAt: new Date().toISOString(), version: state.version };
    throw notFound(`No view ${name}`);
  },
  async knownService(name: string) {
    if (name !== 'web') throw notFound(`No service ${name} is configured in this stage`);
    return {} as never;
  },
};
const actions = {
  async service(name: string, action: string, request: { deploymentId?: string; full?: boolean }) {
    if (name !== 'web') throw notFound(`No service ${name} is configured in this stage`);
    if (action === 'rollback') throw refused('No successful deployment to undo', 'Deploy one first.');
    acted.push(`${action} ${JSON.stringify(request)}`);
    return { ok: true as const, message: `${action} done` };
  },
  async runSchedule(name: string) {
    acted.push(`run ${name}`);
    return { ok: true as const, message: 'Started' };
  },
};

let server: DashboardServer;
let token = '';
before(async () => {
  server = await startDashboardServer({ views, actions, port: 0, intervalMs: 50 });
  const page = await fetch(server.url);
  token = /<meta name="csrf-token" content="([^"]+)">/.exec(await page.text())?.[1] ?? '';
});
after(() => server.close());

/** fetch cannot set Host; node:http can. */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => void (text += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, server.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('the dashboard server', () => {
  it('answers reads of one view that arrive together with one read (a page’s GET and its stream’s first look)', async () => {
    state.slowMs = 200;
    try {
      const before = state.reads;
      const answers = await Promise.all([0, 1, 2].map(() => fetch(new URL('/api/services/web', server.url)).then((response) => response.json())));
      assert.equal(state.reads - before, 1, 'one read for three requests');
      assert.deepEqual(answers[0], answers[2]);
      await fetch(new URL('/api/services/web', server.url));
      assert.equal(state.reads - before, 2, 'a later request reads again');
    } finally {
      state.slowMs = 0;
    }
  });

  it('serves the page with a fresh CSRF token, a strict CSP and nosniff', async () => {
    const page = await fetch(server.url);
    assert.equal(page.status, 200);
    assert.match(token, /^[\w-]{43}$/, 'a 256-bit token, base64url');
    assert.equal(page.headers.get('content-security-policy'), "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'");
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const asset = await fetch(new URL('/assets/app.js', server.url));
    assert.deepEqual([asset.status, asset.headers.get('content-type')], [200, 'text/javascript; charset=utf-8']);
  });

  it('never serves files outside assets/', async () => {
    for (const path of ['/assets/..%2Findex.html', '/assets/%2E%2E%2F%2E%2E%2Fpackage.json', '/assets/.hidden.js', '/assets/app.ts', '/package.json']) {
      assert.equal((await fetch(new URL(path, server.url))).status, 404, path);
    }
  });

  it('refuses a Host other than its own (DNS rebinding), on reads too', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1:1']) {
      const answer = await raw('/api/overview', { host });
      assert.equal(answer.status, 403, host);
      assert.match(answer.body, /is not this dashboard/);
    }
    assert.equal((await raw('/api/overview', { host: `localhost:${server.port}` })).status, 200);
  });

  it('reads views as JSON; an unknown one is a 404 with an ApiError', async () => {
    const overview = (await (await fetch(new URL('/api/overview', server.url))).json()) as { stage: string };
    assert.equal(overview.stage, 'test');
    const missing = await fetch(new URL('/api/services/nope', server.url));
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { ok: false, error: 'No view service:nope' });
  });

  it('acts only with the page’s token and its own Origin: 403 otherwise, and nothing is done', async () => {
    const before = acted.length;
    const cases: Record<string, string>[] = [{ 'x-csrf-token': '' }, { 'x-csrf-token': `${token.slice(0, -1)}x` }, { 'x-csrf-token': 'short' }, { origin: 'http://evil.example' }, { origin: `http://127.0.0.1:${server.port + 1}` }];
    for (const headers of cases) {
      const answer = await post('/api/services/web/approve', {}, headers);
      assert.equal(answer.status, 403, JSON.stringify(headers));
    }
    const noToken = await fetch(new URL('/api/services/web/approve', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noToken.status, 403);
    assert.equal(((await noToken.json()) as { error: string }).error, 'The request has no valid x-csrf-token header');
    assert.equal(acted.length, before, 'no action ran');

    const approved = await post('/api/services/web/approve', { deploymentId: 'web-1' }, { origin: `http://127.0.0.1:${server.port}` });
    assert.deepEqual([approved.status, await approved.json()], [200, { ok: true, message: 'approve done' }]);
    assert.equal(acted.at(-1), 'approve {"deploymentId":"web-1"}');
  });

  it('answers a malformed body with 400 naming the field, a huge one with 413, a form post with 415', async () => {
    const cases: { body: unknown; path?: string; field: string }[] = [
      { body: '{"deploymentId":', field: 'body' },
      { body: '[1]', field: 'body' },
      { body: { deploymentId: 7 }, field: 'deploymentId' },
      { body: { full: 'yes' }, path: '/api/services/web/promote', field: 'full' },
      { body: { full: true }, path: '/api/services/web/abort', field: 'full' },
      { body: { now: true }, path: '/api/schedules/nightly/run', field: 'now' },
    ];
    for (const { body, path, field } of cases) {
      const answer = await post(path ?? '/api/services/web/approve', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(((await answer.json()) as { field: string }).field, field);
    }
    assert.equal((await post('/api/services/web/approve', { deploymentId: 'x'.repeat(20_000) })).status, 413);
    assert.equal((await post('/api/services/web/approve', 'deploymentId=x', { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
    const promoted = await post('/api/services/web/promote', { full: true });
    assert.equal(promoted.status, 200);
    assert.equal(acted.at(-1), 'promote {"full":true}');
  });

  it('answers a refusal with 409 and its hint, an unknown service or action with 404', async () => {
    const refusal = await post('/api/services/web/rollback', {});
    assert.deepEqual([refusal.status, await refusal.json()], [409, { ok: false, error: 'No successful deployment to undo', hint: 'Deploy one first.' }]);
    assert.equal((await post('/api/services/nope/approve', {})).status, 404);
    assert.equal((await post('/api/services/web/explode', {})).status, 404);
    assert.equal((await post('/api/schedules/nightly/run', {})).status, 200);
    assert.equal(acted.at(-1), 'run nightly');
  });

  it('streams a view: one poll loop for all its followers, a snapshot at once and on change, failures without closing, and stops when nobody listens', async () => {
    // A service's page looks every interval (the overview at most every 5 s).
    const first = follow('service:web');
    const second = follow('service:web');
    try {
      await first.until((events) => events.some((event) => event.startsWith('event: snapshot')));
      await second.until((events) => events.some((event) => event.startsWith('event: snapshot')));
      assert.equal(server.streamLoops, 1, 'one loop for the view, whoever follows it');
      const readsBefore = state.reads;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(state.reads - readsBefore <= 8, `one read per interval for both followers, not one each (${state.reads - readsBefore} in 300 ms at 50 ms)`);
      assert.equal(first.events.filter((event) => event.startsWith('event: snapshot')).length, 1, 'no new snapshot while nothing changed');

      state.version = 2;
      await first.until((events) => events.some((event) => event.includes('"version":2')));
      state.failing = true;
      await first.until((events) => events.some((event) => event.startsWith('event: failure') && event.includes('AWS is away')));
      state.failing = false;
      await first.until((events) => events.at(-1)?.startsWith('event: snapshot') === true);
      await second.until((events) => events.some((event) => event.includes('"version":2')));
    } finally {
      first.stop();
      second.stop();
    }
    await eventually(() => server.streamLoops === 0);
    const stopped = state.reads;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(state.reads, stopped, 'no reads once nobody follows');
  });

  it('refuses a stream of an unknown view or service before opening it', async () => {
    assert.equal((await fetch(new URL('/api/stream?view=service:nope', server.url))).status, 404);
    assert.equal((await fetch(new URL('/api/stream?view=bogus', server.url))).status, 404);
    const unnamed = await fetch(new URL('/api/stream', server.url));
    assert.deepEqual([unnamed.status, ((await unnamed.json()) as { field: string }).field], [400, 'view']);
  });
});

/** An SSE follower: the events as received (blocks of lines), until stopped. */
function follow(view: string) {
  const controller = new AbortController();
  const events: string[] = [];
  let buffer = '';
  const reading = fetch(new URL(`/api/stream?view=${encodeURIComponent(view)}`, server.url), { signal: controller.signal }).then(async (response) => {
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      events.push(...blocks.filter((block) => block.startsWith('event:')));
    }
  });
  reading.catch(() => undefined);
  return {
    events,
    until: (condition: (events: string[]) => boolean) => eventually(() => condition(events)),
    stop: () => controller.abort(),
  };
}

async function eventually(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, 'timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
