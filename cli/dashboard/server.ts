import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../errors.ts';
import type { ActionRequest, ApiError } from './api.ts';
import { SERVICE_ACTIONS, type DashboardActions, type ServiceAction } from './actions.ts';
import { badRequest, DashboardError, notFound } from './errors.ts';
import { ViewStreams } from './streams.ts';
import { lookInterval, serviceOfView, STAGE_VIEWS, type DashboardViews } from './views.ts';

/**
 * `harbormaster dashboard`'s HTTP server (routes in api.ts): the page, its assets, the views as JSON and as
 * server-sent events, and the actions. It holds the operator's AWS session; the page only ever sees what the views
 * return. Loopback only, and guarded against other sites the browser visits: a Host other than its own is refused (DNS
 * rebinding), actions need the page's per-process CSRF token and, when the browser sends one, the dashboard's Origin.
 */

export const PUBLIC_DIRECTORY = fileURLToPath(new URL('./public/', import.meta.url));
const TOKEN_PLACEHOLDER = '__CSRF_TOKEN__';
/** Action bodies are a deployment id at most. */
const MAX_BODY_BYTES = 16 * 1024;
const HEARTBEAT_MS = 15_000;
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
const SECURITY_HEADERS = {
  // No inline script or style element, nothing from elsewhere, never in a frame.
  'content-security-policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

export interface DashboardServerOptions {
  views: Pick<DashboardViews, 'view' | 'knownService'>;
  actions: Pick<DashboardActions, 'service' | 'runSchedule'>;
  /** 0: any free port. */
  port: number;
  /** How often a followed view is looked at again. */
  intervalMs: number;
}

export interface DashboardServer {
  url: string;
  port: number;
  /** Poll loops running (one per followed view), for tests. */
  readonly streamLoops: number;
  close(): Promise<void>;
}

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const token = randomBytes(32).toString('base64url');
  // A page's first GET and its stream's first look read the same view at once: they share one read.
  const inFlight = new Map<string, Promise<unknown>>();
  const readView = (view: string): Promise<unknown> => {
    let reading = inFlight.get(view);
    if (!reading) {
      reading = options.views.view(view).finally(() => inFlight.delete(view));
      inFlight.set(view, reading);
    }
    return reading;
  };
  const streams = new ViewStreams({ read: readView, intervalMs: (view) => lookInterval(view, options.intervalMs), describeFailure: (error) => apiError(error).body });
  const openStreams = new Set<ServerResponse>();
  let port = 0;
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => answerError(response, error));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (!ownHosts(port).includes(request.headers.host ?? '')) {
      throw new DashboardError(403, `Host ${request.headers.host ?? '(none)'} is not this dashboard`, { hint: `Open http://127.0.0.1:${port}/.` });
    }
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname.split('/').slice(1).map((part) => decodeURIComponent(part));
    if (request.method === 'POST') return act(request, response, path);
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new DashboardError(405, `${request.method ?? ''} is not answered here`, { hint: 'Read with GET, act with POST.' });
    if (url.pathname === '/' || url.pathname === '/index.html') return page(response);
    if (path[0] === 'assets' && path.length === 2 && path[1]) return asset(response, path[1]);
    if (path[0] !== 'api') throw notFound(`Nothing at ${url.pathname}`, 'Open / for the dashboard.');
    if (path[1] === 'stream' && path.length === 2) return stream(request, response, url.searchParams.get('view') ?? '');
    return json(response, 200, await readView(viewOf(path)));
  }

  async function page(response: ServerResponse): Promise<void> {
    const html = await readFile(join(PUBLIC_DIRECTORY, 'index.html'), 'utf8').catch(() => {
      throw new DashboardError(500, `The dashboard's page is missing from ${PUBLIC_DIRECTORY}`, { hint: 'Build it with `npm run build:dashboard`.' });
    });
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(html.replaceAll(TOKEN_PLACEHOLDER, token));
  }

  async function asset(response: ServerResponse, name: string): Promise<void> {
    const type = CONTENT_TYPES[extname(name)];
    // basename keeps a request inside public/: `..` and separators never reach the file system; only asset types are served.
    if (!type || basename(name) !== name || name.startsWith('.')) throw notFound(`No asset ${name}`);
    const body = await readFile(join(PUBLIC_DIRECTORY, name)).catch(() => {
      throw notFound(`No asset ${name}`, 'Build the page with `npm run build:dashboard`.');
    });
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    response.end(body);
  }

  async function stream(request: IncomingMessage, response: ServerResponse, view: string): Promise<void> {
    if (!view) throw badRequest('Name the view to follow: ?view=overview, service:<name>, schedules or notifications', 'view');
    // An unknown service is a 404 now, not a stream of failures.
    const service = serviceOfView(view);
    if (service !== undefined) await options.views.knownService(service);
    else if (!(STAGE_VIEWS as readonly string[]).includes(view)) throw notFound(`No view ${view}`, 'Follow overview, service:<name>, schedules or notifications.');
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(`retry: ${Math.max(1000, options.intervalMs)}\n\n`);
    openStreams.add(response);
    const stop = streams.follow(view, ({ event, data }) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      clearInterval(heartbeat);
      stop();
      openStreams.delete(response);
    });
  }

  async function act(request: IncomingMessage, response: ServerResponse, path: string[]): Promise<void> {
    checkActionRequest(request, token, port);
    const body = await readBody(request);
    const [api, kind, name, action, ...rest] = path;
    if (api !== 'api' || !name || rest.length > 0) throw notFound(`No action at /${path.join('/')}`);
    if (kind === 'schedules' && action === 'run') {
      fieldsOnly(body, []);
      return json(response, 200, await options.actions.runSchedule(name));
    }
    if (kind !== 'services' || !SERVICE_ACTIONS.includes(action as ServiceAction)) throw notFound(`No action at /${path.join('/')}`, `Actions: ${SERVICE_ACTIONS.join(', ')} on /api/services/<name>/, run on /api/schedules/<name>/.`);
    return json(response, 200, await options.actions.service(name, action as ServiceAction, actionRequest(body, action === 'promote')));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get streamLoops() {
      return streams.running;
    },
    async close() {
      streams.close();
      for (const response of openStreams) response.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** The API path's view: /api/overview, /api/services/<name>, /api/schedules, /api/notifications. */
function viewOf(path: string[]): string {
  const [, kind, name, ...rest] = path;
  if (rest.length === 0) {
    if (kind === 'services' && name) return `service:${name}`;
    if (kind !== undefined && (STAGE_VIEWS as readonly string[]).includes(kind) && name === undefined) return kind;
  }
  throw notFound(`Nothing at /${path.join('/')}`, 'GET /api/overview, /api/services/<name>, /api/schedules or /api/notifications.');
}

/** Another site can make the browser POST here, but cannot read the page's token nor send our Origin. */
export function checkActionRequest(request: Pick<IncomingMessage, 'headers'>, token: string, port: number): void {
  const origin = request.headers.origin;
  if (origin !== undefined && !ownHosts(port).some((host) => origin === `http://${host}`)) {
    throw new DashboardError(403, `Origin ${origin} may not act on this dashboard`, { hint: `Act from the dashboard's own page, http://127.0.0.1:${port}/.` });
  }
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !sameSecret(sent, token)) {
    throw new DashboardError(403, 'The request has no valid x-csrf-token header', { hint: "Reload the dashboard's page (each dashboard process has its own token) and act from there." });
  }
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new DashboardError(415, 'Actions take a JSON body', { hint: 'Send content-type: application/json.', field: 'content-type' });
}

/** Constant-time, whatever the lengths: both sides are hashed to the same size first. */
function sameSecret(sent: string, token: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(token));
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new DashboardError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`, { field: 'body' });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The body is not JSON: ${(error as Error).message}`, 'body');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('The body must be a JSON object', 'body');
  return parsed as Record<string, unknown>;
}

function fieldsOnly(body: Record<string, unknown>, allowed: string[]): void {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw badRequest(`Unknown field ${unknown}${allowed.length > 0 ? `: this action takes ${allowed.join(', ')}` : ': this action takes none'}`, unknown);
}

/** ActionRequest (api.ts), with `full` for promote. */
export function actionRequest(body: Record<string, unknown>, promote: boolean): ActionRequest & { full?: boolean } {
  fieldsOnly(body, promote ? ['deploymentId', 'full'] : ['deploymentId']);
  const { deploymentId, full } = body;
  if (deploymentId !== undefined && (typeof deploymentId !== 'string' || deploymentId === '')) throw badRequest('deploymentId must be a deployment id, e.g. web-0123456789abcdef', 'deploymentId');
  if (full !== undefined && typeof full !== 'boolean') throw badRequest('full must be true or false', 'full');
  return { ...(deploymentId === undefined ? {} : { deploymentId }), ...(full === undefined ? {} : { full }) };
}

/** The ApiError of a failure: ours keep their status; an AWS failure is the upstream's (502), with the CLI's hint. */
export function apiError(error: unknown): { status: number; body: ApiError } {
  if (error instanceof DashboardError) return { status: error.status, body: { ok: false, error: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.field ? { field: error.field } : {}) } };
  if (error instanceof CliError) return { status: 502, body: { ok: false, error: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
  return { status: 500, body: { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), hint: 'An unexpected failure: the dashboard’s terminal shows the details.' } };
}

function answerError(response: ServerResponse, error: unknown): void {
  const { status, body } = apiError(error);
  if (status >= 500 && !(error instanceof CliError)) console.error(error);
  if (response.headersSent) {
    response.end();
    return;
  }
  json(response, status, body);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
