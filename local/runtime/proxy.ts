/**
 * The local runtime: an HTTP proxy in front of moto that every SDK client (tests, our Lambda handlers,
 * `osls deploy`, moto's own Step Functions executor and EventBridge deliveries) talks to. It answers
 * Lambda Invoke from in-process handlers, serves JSONata for moto, injects faults, and emits the
 * events AWS would emit after ECS/ECR/CloudWatch calls; everything else streams through to moto.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluateJsonataRequest } from '../moto/jsonata.ts';
import { AwsEventEmitter } from './emitter.ts';
import { TaskLifecycle } from './ecs-tasks.ts';
import { EventSources } from './event-sources.ts';
import { FaultInjector } from './faults.ts';
import { functionUrlEvent, functionUrlReply, functionUrlTarget } from './function-urls.ts';
import { LambdaInvoker, type FunctionResolver, type InvocationRecord } from './lambda.ts';
import { CallObservers } from './observers.ts';
import { answerPage, joinUpstreamPages, pagedListing, readPageRequest, type PagedListing } from './paging.ts';
import { ServiceReconciler } from './reconcile.ts';
import { SyntheticMetrics } from './metrics.ts';
import { RunTaskAnswers } from './run-task.ts';
import { LocalClock } from './clock.ts';
import { LocalScheduler, type FireTimes } from './scheduler.ts';
import { InFlightTracker } from './tracker.ts';
import { createUpstreamClients } from './upstream.ts';
import {
  decodeRequest,
  header,
  identifyCall,
  invokedFunctionName,
  jsonError,
  parseJsonObject,
  type CallIdentity,
  type HttpReply,
} from './wire.ts';

export type { FunctionResolver, InvocationRecord, LambdaContextLike, LambdaHandler } from './lambda.ts';
export type { AwsEvent, EmittedEvent } from './emitter.ts';
export { AwsEventEmitter } from './emitter.ts';
export { FaultInjector } from './faults.ts';

export interface LocalRuntimeOptions {
  /** moto endpoint, e.g. http://127.0.0.1:5000 */
  upstream: string;
  /** Port to listen on (0/omitted: any free port). */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  functions: FunctionResolver;
  /** Bus the emitted AWS events go to; default: the default bus. */
  eventBusName?: string;
  /** Pause between async Lambda retries; default 50 ms. */
  asyncRetryDelayMs?: number;
  /** The next fire times of a schedule expression (functions/schedules/domain/fire-times.ts); without it no schedule fires. */
  fireTimes?: FireTimes;
}

export interface LocalRuntime {
  port: number;
  endpoint: string;
  /** Resolves when no async invocation, event emission or task lifecycle step is in flight (after a short settle period). */
  idle(timeoutMs?: number): Promise<void>;
  invocations: InvocationRecord[];
  faults: FaultInjector;
  /** Crashes every running task of the task definition now (exit code default 1); resolves with their ARNs once stopped. */
  crashRunningTasks(taskDefinitionArn: string, exitCode?: number): Promise<string[]>;
  emitter: AwsEventEmitter;
  /** Crashes a running task now (its essential container exits with `exitCode`), as a fault at a chosen moment. */
  crashTask(taskArn: string, exitCode?: number): Promise<void>;
  /** The local clock: advance it to fire schedules and pass deadlines without waiting (clock.ts). */
  clock: LocalClock;
  /** EventBridge Scheduler's firing on that clock (scheduler.ts); `scheduler.fires` lists the deliveries. */
  scheduler: LocalScheduler;
  /** Forgets runtime-side state (task registry, logs, faults, clock offset, fires); call alongside moto's reset. */
  reset(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect']);

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const upstream = new URL(options.upstream);
  const tracker = new InFlightTracker();
  const faults = new FaultInjector();
  const clients = createUpstreamClients(options.upstream);
  const emitter = new AwsEventEmitter({ upstream: options.upstream, eventBusName: options.eventBusName, tracker });
  const lifecycle = new TaskLifecycle({ ecs: clients.ecs, ecr: clients.ecr, emitter, tracker, faults });
  const reconciler = new ServiceReconciler({ ecs: clients.ecs, ec2: clients.ec2, emitter, lifecycle, faults });
  const invoker = new LambdaInvoker({ tracker, asyncRetryDelayMs: options.asyncRetryDelayMs });
  const eventSources = new EventSources({ upstream: options.upstream, functions: options.functions, invoker, tracker });
  const runTasks = new RunTaskAnswers(faults);
  const observers = new CallObservers({ emitter, lifecycle, reconciler, runTasks, cloudwatch: clients.cloudwatch, ecs: clients.ecs, eventSources });
  const clock = new LocalClock();
  const scheduler = new LocalScheduler({ scheduler: clients.scheduler, sfn: clients.sfn, clock, tracker, fireTimes: options.fireTimes ?? (() => []) });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const metrics = new SyntheticMetrics({ ecs: clients.ecs, elb: clients.elb, cloudwatch: clients.cloudwatch, lifecycle });
  const context: ProxyContext = { upstream, agent, tracker, faults, observers, invoker, metrics, functions: options.functions, eventSources };

  const server = http.createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => failRequest(res, error));
  });
  server.keepAliveTimeout = 60_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    endpoint: `http://${host}:${port}`,
    idle: (timeoutMs) => tracker.idle(timeoutMs),
    invocations: invoker.invocations,
    faults,
    crashRunningTasks: (taskDefinitionArn, exitCode = 1) => tracker.track(lifecycle.crashRunning(taskDefinitionArn, exitCode)),
    emitter,
    crashTask: (taskArn, exitCode = 1) => tracker.track(lifecycle.crash(taskArn, exitCode)),
    clock,
    scheduler,
    reset() {
      clock.reset();
      scheduler.reset();
      invoker.invocations.length = 0;
      emitter.clear();
      faults.clear();
      lifecycle.reset();
      reconciler.reset();
      eventSources.reset();
      runTasks.reset();
    },
    async stop() {
      scheduler.stop();
      await tracker.idle(5_000).catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
      emitter.destroy();
      eventSources.destroy();
      clients.destroy();
    },
  };
}

interface ProxyContext {
  upstream: URL;
  agent: http.Agent;
  tracker: InFlightTracker;
  faults: FaultInjector;
  observers: CallObservers;
  invoker: LambdaInvoker;
  metrics: SyntheticMetrics;
  functions: FunctionResolver;
  eventSources: EventSources;
}

async function handle(context: ProxyContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  if (method === 'POST' && path.split('?')[0] === '/_local/jsonata') {
    const reply = await evaluateJsonataRequest((await readBody(req)).toString('utf8'));
    return send(res, { status: reply.status, headers: { 'content-type': 'application/json' }, body: reply.body });
  }
  const functionUrl = method === 'OPTIONS' ? undefined : functionUrlTarget(path);
  if (functionUrl) return send(res, await invokeFunctionUrl(context, req, functionUrl));
  const identity = identifyCall(method, path, req.headers);
  if (changesEventSources(identity, path)) {
    // The mappings may change with this call (a stack, an event source mapping): read them again after it.
    context.eventSources.invalidate();
    res.once('finish', () => context.eventSources.invalidate());
  }
  const functionName = identity.operation === 'Invoke' ? invokedFunctionName(path) : undefined;
  const handler = functionName ? await context.functions.resolve(functionName) : undefined;
  const needsBody =
    handler !== undefined ||
    context.observers.wants(identity.service, identity.operation) ||
    (identity.protocol === 'query' && identity.service === 'monitoring') ||
    isGetMetricData(identity, identity.operation) ||
    (identity.protocol === 'json' && pagedListing(identity.service, identity.operation) !== undefined) ||
    context.faults.hasCallFaultFor(identity.service);
  if (!needsBody) return streamThrough(context, req, res);

  const body = await readBody(req);
  const { operation, input } = safeDecode(identity, body);
  if (context.faults.takeThrottle(identity.service, operation)) return send(res, throttleReply(identity));
  const failure = context.faults.takeCallFailure(identity.service, operation, body);
  if (failure) return send(res, errorReply(identity, failure));
  if (handler && functionName) {
    const invocationType = header(req.headers, 'x-amz-invocation-type') ?? 'RequestResponse';
    return send(res, await context.invoker.invoke(functionName, handler, invocationType, body));
  }
  // moto has no ALB metrics, percentiles, metric math or paging: the runtime answers (metrics.ts).
  if (isGetMetricData(identity, operation)) return send(res, await context.metrics.getMetricData(input));
  if (operation && context.observers.wants(identity.service, operation)) {
    return observedExchange(context, req, res, body, { service: identity.service, operation, input });
  }
  const listing = identity.protocol === 'json' ? pagedListing(identity.service, operation) : undefined;
  if (listing) return send(res, await pagedExchange(context, req, identity, listing, input));
  const reply = await exchange(context, req, body);
  send(res, reply);
}

/** A request to a function URL, answered by the function's handler (function-urls.ts); 404 for a function not deployed. */
async function invokeFunctionUrl(context: ProxyContext, req: IncomingMessage, target: { functionName: string; rawPath: string; rawQueryString: string }): Promise<HttpReply> {
  const handler = await context.functions.resolve(target.functionName);
  if (!handler) return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Message: `No function URL for ${target.functionName}` }) };
  const event = functionUrlEvent({ method: req.method ?? 'GET', headers: req.headers, body: await readBody(req), ...target, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' });
  return functionUrlReply(await context.invoker.invoke(target.functionName, handler, 'RequestResponse', Buffer.from(JSON.stringify(event))));
}

function isGetMetricData(identity: CallIdentity, operation: string | undefined): boolean {
  return identity.protocol === 'json' && identity.service === 'monitoring' && operation === 'GetMetricData';
}

function changesEventSources(identity: CallIdentity, path: string): boolean {
  return identity.service === 'cloudformation' || (identity.service === 'lambda' && path.includes('/event-source-mappings'));
}

/** A List call answered one page at a time at AWS's page size, from the whole listing moto returns (paging.ts). */
async function pagedExchange(context: ProxyContext, req: IncomingMessage, identity: CallIdentity, listing: PagedListing, input: Record<string, unknown>): Promise<HttpReply> {
  const request = readPageRequest(listing, input);
  if ('refused' in request) return jsonError(listing.invalid, request.refused, 400, jsonVersionOf(identity));
  let whole: Record<string, unknown> | undefined;
  let upstreamToken: unknown;
  for (;;) {
    const upstreamInput = upstreamToken === undefined ? request.upstreamInput : { ...request.upstreamInput, [listing.token]: upstreamToken };
    const reply = await exchange(context, req, Buffer.from(JSON.stringify(upstreamInput)));
    const page = reply.status >= 200 && reply.status < 300 ? safeJson(reply.body) : undefined;
    if (!page) return reply;
    whole = joinUpstreamPages(listing, whole, page);
    if (page[listing.token] !== undefined && page[listing.token] === upstreamToken) throw new Error(`moto repeated its ${listing.token} for ${identity.operation}`);
    upstreamToken = page[listing.token] ?? undefined;
    if (upstreamToken === undefined || upstreamToken === '') return { ...reply, body: JSON.stringify(answerPage(listing, request, whole)) };
  }
}

/** Forwards a call we react to: buffered both ways, reaction tracked so idle() waits for it. */
async function observedExchange(
  context: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  call: { service: string; operation: string; input: Record<string, unknown> },
): Promise<void> {
  const answered = context.observers.answer(call.service, call.operation, call.input);
  if (answered) return send(res, { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(answered) });
  const prepared = context.observers.prepare(call.service, call.operation, call.input);
  const forwarded = prepared && header(req.headers, 'x-amz-target') ? Buffer.from(JSON.stringify(prepared)) : body;
  const before = await context.observers.before(call.service, call.operation, call.input);
  const reply = await exchange(context, req, forwarded);
  const output = reply.status >= 200 && reply.status < 300 ? safeJson(reply.body) : undefined;
  if (output) {
    await context.observers.rewrite(call.service, call.operation, output, call.input);
    reply.body = JSON.stringify(output);
    // Registered before the response leaves, so a caller's idle() right after cannot miss it.
    const sent = new Promise<void>((resolve) => res.once('finish', resolve).once('close', resolve));
    void context.tracker
      .track(sent.then(() => context.observers.after({ ...call, output }, before)))
      .catch((error: unknown) => console.error(`[local-runtime] reacting to ${call.service}:${call.operation} failed:`, error));
  }
  send(res, reply);
}

/** The default path: method, path, headers and body streamed to moto and the answer streamed back. */
function streamThrough(context: ProxyContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstreamReq = http.request(forwardOptions(context, req), (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, endToEndHeaders(upstreamRes.headers));
      upstreamRes.pipe(res);
      upstreamRes.once('end', resolve).once('error', reject);
    });
    upstreamReq.once('error', reject);
    req.pipe(upstreamReq);
  });
}

/** Forwards a buffered request and buffers the answer. */
function exchange(context: ProxyContext, req: IncomingMessage, body: Buffer): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const options = forwardOptions(context, req, { 'content-length': String(body.length), 'transfer-encoding': undefined });
    const upstreamReq = http.request(options, (upstreamRes) => {
      readBody(upstreamRes)
        .then((answer) =>
          resolve({ status: upstreamRes.statusCode ?? 502, headers: flatHeaders(endToEndHeaders(upstreamRes.headers)), body: answer }),
        )
        .catch(reject);
    });
    upstreamReq.once('error', reject);
    upstreamReq.end(body);
  });
}

/** Same method, path and headers (Host included: moto derives S3 bucket addressing and URLs from it). */
function forwardOptions(
  context: ProxyContext,
  req: IncomingMessage,
  overrides: Record<string, string | undefined> = {},
): http.RequestOptions {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // Hop-by-hop headers belong to each connection (a streamed body keeps its chunked framing);
    // `expect: 100-continue` was already answered by Node's server.
    if (value !== undefined && (name === 'transfer-encoding' || !HOP_BY_HOP.has(name))) headers[name] = value;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return {
    protocol: context.upstream.protocol,
    hostname: context.upstream.hostname,
    port: context.upstream.port,
    method: req.method,
    path: req.url,
    headers,
    agent: context.agent,
  };
}

function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => value !== undefined && !HOP_BY_HOP.has(name)));
}

function flatHeaders(headers: http.OutgoingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
  );
}

function send(res: ServerResponse, reply: HttpReply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  const headers = { ...reply.headers, 'content-length': String(body.length) };
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** JSON services get the AWS JSON error; awsQuery callers (boto3) get the XML one. */
function throttleReply(identity: CallIdentity): HttpReply {
  if (identity.service === 'lambda') return jsonError('TooManyRequestsException', 'Rate Exceeded.', 429);
  if (identity.protocol === 'query') {
    return {
      status: 400,
      headers: { 'content-type': 'text/xml' },
      body:
        '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>' +
        '<RequestId>local-throttle</RequestId></ErrorResponse>',
    };
  }
  return jsonError('ThrottlingException', 'Rate exceeded', 400, jsonVersionOf(identity));
}

/** CloudWatch speaks AWS JSON 1.0; the other JSON services we serve speak 1.1. */
function jsonVersionOf(identity: CallIdentity): string {
  return identity.service === 'monitoring' ? '1.0' : '1.1';
}

/** An injected AWS error, in the protocol the caller speaks (see throttleReply). */
function errorReply(identity: CallIdentity, error: { code: string; message?: string; status?: number }): HttpReply {
  const status = error.status ?? 400;
  const message = error.message ?? `Injected ${error.code}`;
  if (identity.protocol === 'query') {
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body:
        `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${error.code}</Code><Message>${message}</Message></Error>` +
        '<RequestId>local-fault</RequestId></ErrorResponse>',
    };
  }
  return jsonError(error.code, message, status, jsonVersionOf(identity));
}

function safeDecode(identity: CallIdentity, body: Buffer): { operation?: string; input: Record<string, unknown> } {
  try {
    return decodeRequest(identity, body);
  } catch {
    return { operation: identity.operation, input: {} };
  }
}

function safeJson(body: string | Buffer): Record<string, unknown> | undefined {
  try {
    return parseJsonObject(body);
  } catch {
    return undefined;
  }
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function failRequest(res: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('[local-runtime] proxy error:', message);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, jsonError('LocalRuntimeProxyError', message, 502));
}
