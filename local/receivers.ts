/**
 * Receivers on loopback for what the notifier sends, for `npm start` and the tests: a Slack-compatible one (incoming
 * webhooks, chat.postMessage, chat.update) and a Standard Webhooks one that verifies every request with the official
 * verifier (the `standardwebhooks` package). Both keep what they got (headers and body), in memory and, when given a
 * directory, one JSON file per request under it (npm start: .local/received/<receiver>/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
  /** What the receiver answered. */
  status: number;
  /** Webhook receiver: whether the signature verified, and why not. */
  verified?: boolean;
  error?: string;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** The next `count` requests are answered with `status` (and headers), whatever they are. */
  answerNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Stops listening (connections are refused) until `up()`, on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

type Answer = { status: number; headers: Record<string, string>; body: string; verified?: boolean; error?: string };

async function startReceiver(name: string, answer: (request: { path: string; headers: Record<string, string>; body: string }) => Answer, directory?: string): Promise<Receiver> {
  const received: Received[] = [];
  const forced: Array<{ status: number; headers: Record<string, string> }> = [];
  if (directory) mkdirSync(join(directory, name), { recursive: true });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { path: req.url ?? '/', headers: flat(req.headers), body: Buffer.concat(chunks).toString('utf8') };
    const force = forced.shift();
    const reply: Answer = force ? { ...force, body: force.status >= 400 ? 'unavailable' : 'ok' } : answer(request);
    const record: Received = { ...request, receivedAt: new Date().toISOString(), status: reply.status, ...(reply.verified === undefined ? {} : { verified: reply.verified }), ...(reply.error ? { error: reply.error } : {}) };
    received.push(record);
    if (directory) writeFileSync(join(directory, name, `${record.receivedAt.replace(/[:.]/g, '-')}-${received.length}.json`), `${JSON.stringify(record, null, 2)}\n`);
    res.writeHead(reply.status, reply.headers).end(reply.body);
  };
  let server = http.createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    answerNext(count, status, headers = {}) {
      for (let index = 0; index < count; index += 1) forced.push({ status, headers });
    },
    down: close,
    async up() {
      server = http.createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
      await listen(port);
    },
    stop: close,
  };
}

/**
 * Slack's shapes: an incoming webhook answers 200 `ok` (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks);
 * chat.postMessage and chat.update answer `{ ok, channel, ts, message }` (https://docs.slack.dev/reference/methods/chat.postMessage).
 * Webhook URLs are `<url>/webhook/<anything>`, the Web API is `<url>/api`.
 */
export function startSlackReceiver(options: { directory?: string } = {}): Promise<Receiver> {
  let sequence = 0;
  return startReceiver(
    'slack',
    ({ path, body }): Answer => {
      if (path.startsWith('/webhook/')) return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      const method = /^\/api\/(chat\.postMessage|chat\.update)$/.exec(path)?.[1];
      if (!method) return { status: 404, headers: {}, body: 'no_service' };
      const message = JSON.parse(body || '{}') as { channel?: string; ts?: string; text?: string };
      sequence += 1;
      const ts = method === 'chat.update' ? (message.ts ?? '') : `${Math.floor(Date.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
      const channel = message.channel?.startsWith('#') ? 'C0LOCAL0001' : message.channel;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true, channel, ts, ...(method === 'chat.update' ? { text: message.text } : { message: { text: message.text, ts } }) }) };
    },
    options.directory,
  );
}

/** Verifies with every secret it is given (a rotation: either may sign); 204 when one verifies, 400 when none does. */
export function startWebhookReceiver(options: { secrets: string[]; directory?: string }): Promise<Receiver> {
  return startReceiver(
    'webhooks',
    ({ headers, body }): Answer => {
      let error = 'no secret verified it';
      for (const secret of options.secrets) {
        try {
          new Webhook(secret).verify(body, headers);
          return { status: 204, headers: {}, body: '', verified: true };
        } catch (failure) {
          error = failure instanceof Error ? failure.message : String(failure);
        }
      }
      return { status: 400, headers: { 'content-type': 'text/plain' }, body: error, verified: false, error };
    },
    options.directory,
  );
}

function flat(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
}
