import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The only way the notifier reaches the network (docs/decisions/0015). A destination comes from configuration that
 * names a secret, so whoever can write that secret could point the notifier anywhere: at the instance metadata
 * service, at the VPC, at the Lambda runtime API. Hence: https only; every address a name resolves to is checked when
 * the connection is made (the custom `lookup`, so a name that answers differently the second time — DNS rebinding —
 * connects only to an address that was checked); literal addresses are checked too; redirects are never followed;
 * bodies are bounded both ways; one timeout covers the whole exchange. Local mode (the local runtime) also allows
 * plain http, to loopback only.
 */

/** Reasons a destination is refused before anything is sent: the delivery fails at once (retrying cannot help). */
export class RefusedDestinationError extends Error {
  override readonly name = 'RefusedDestinationError';
}

export interface SafeHttpOptions {
  /** Plain http, and loopback addresses, for the local receivers of `npm start` and the tests. */
  localMode: boolean;
  /** Whole exchange, connect to last byte; at most 15 s. */
  timeoutMs?: number;
  maxRequestBytes?: number;
  maxResponseBytes?: number;
  /** Name resolution (tests answer with chosen addresses). */
  lookup?: typeof dnsLookup;
}

export interface SafeResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  /** The first maxResponseBytes of the body. */
  body: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 15_000;
/** Slack's message limit is 40,000 characters of text; a webhook body is the announcement, a few KB. */
export const MAX_REQUEST_BYTES = 256 * 1024;
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Private, shared, loopback, link-local (metadata: 169.254.169.254, fd00:ec2::254), multicast and reserved ranges. */
const REFUSED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) REFUSED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  REFUSED.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopback(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why an address may not be connected to, or undefined when it may. */
export function refusalOf(address: string, localMode: boolean): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  // ::ffff:10.0.0.1 is 10.0.0.1.
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  const [checked, type] = mapped ? [mapped, 'ipv4' as const] : [address, family === 4 ? ('ipv4' as const) : ('ipv6' as const)];
  if (localMode && LOOPBACK.check(checked, type)) return undefined;
  if (REFUSED.check(checked, type)) return `${address} is a private, loopback, link-local or reserved address`;
  return undefined;
}

export async function safePost(url: string, request: { headers: Record<string, string>; body: string }, options: SafeHttpOptions): Promise<SafeResponse> {
  const target = parseDestination(url, options.localMode);
  const body = Buffer.from(request.body, 'utf8');
  const maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  if (body.length > maxRequestBytes) throw new RefusedDestinationError(`the request body is ${body.length} bytes; at most ${maxRequestBytes} are sent`);
  // URL keeps IPv6 literals in brackets; net wants them bare.
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(hostname) !== 0;
  if (literal) {
    const refusal = refusalOf(hostname, options.localMode);
    if (refusal) throw new RefusedDestinationError(`refused to connect: ${refusal}`);
  }
  // Plain http is for loopback only (local mode).
  const loopbackOnly = target.protocol === 'http:';
  if (literal && loopbackOnly && !isLoopback(hostname)) throw new RefusedDestinationError(`refused to connect: ${hostname} is not a loopback address (plain http is for loopback only)`);
  const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const transport = target.protocol === 'https:' ? https : http;
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return new Promise<SafeResponse>((resolve, reject) => {
    const req = transport.request(
      {
        protocol: target.protocol,
        hostname,
        port: target.port === '' ? undefined : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(body.length) },
        lookup: checkingLookup(options.lookup ?? dnsLookup, { localMode: options.localMode, loopbackOnly }),
        // Agent-less: a pooled socket was checked for another destination, and keeps nothing we need.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          if (received < maxResponseBytes) chunks.push(chunk.subarray(0, maxResponseBytes - received));
          received += chunk.length;
          // Enough read to judge the answer; the rest is not worth waiting for.
          if (received >= maxResponseBytes) res.destroy();
        });
        const finish = () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.once('end', finish);
        res.once('close', finish);
        res.once('error', (error) => (received >= maxResponseBytes ? finish() : reject(error)));
      },
    );
    req.once('error', (error: Error) => reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`no answer within ${timeoutMs} ms`) : error));
    req.end(body);
  });
}

function parseDestination(url: string, localMode: boolean): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new RefusedDestinationError('the destination is not a URL');
  }
  if (target.protocol !== 'https:' && !(localMode && target.protocol === 'http:')) {
    throw new RefusedDestinationError(`the destination must be https:// (it is ${target.protocol.replace(/:$/, '')})`);
  }
  if (target.username !== '' || target.password !== '') throw new RefusedDestinationError('the destination may not carry credentials in its URL');
  return target;
}

/** Resolves a name and checks every address it has (all of them: any one might be the one connected to). */
function checkedAddresses(hostname: string, lookup: typeof dnsLookup, rules: { localMode: boolean; loopbackOnly: boolean }): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all: true }, (error, addresses) => {
      if (error) return reject(error);
      const list = addresses as unknown as LookupAddress[];
      if (list.length === 0) return reject(new Error(`${hostname} resolves to no address`));
      for (const { address } of list) {
        const refusal = rules.loopbackOnly ? (isLoopback(address) ? undefined : `${address} is not a loopback address (plain http is for loopback only)`) : refusalOf(address, rules.localMode);
        if (refusal) return reject(new RefusedDestinationError(`refused to connect to ${hostname}: ${refusal}`));
      }
      resolve(list);
    });
  });
}

/** The lookup the socket connects with: it only ever hands back addresses that passed the check. */
function checkingLookup(lookup: typeof dnsLookup, rules: { localMode: boolean; loopbackOnly: boolean }): LookupFunction {
  return (hostname, options, callback) => {
    checkedAddresses(hostname, lookup, rules).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((address) => address.family === options.family) : addresses;
        const usable = wanted.length > 0 ? wanted : addresses;
        if (options.all) callback(null, usable);
        else callback(null, usable[0]?.address ?? '', usable[0]?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}
