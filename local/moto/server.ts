/**
 * Start and stop moto (via local/moto/launch.py, which applies the start-up fixes) from Node.
 *
 * moto's Step Functions executor and EventBridge deliveries call the local runtime proxy on
 * `callbackPort` (MOTO_PORT); JSONata is evaluated at `http://127.0.0.1:<callbackPort>/_local/jsonata`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pythonToolchain } from '../python-env.ts';
import { PIP_REQUIREMENTS } from '../python-env-plan.ts';

export interface MotoServer {
  port: number;
  endpoint: string;
  reset(): Promise<void>;
  /**
   * Seeds moto's random generator: the identifiers it generates from here on (the random parts of ELB, ECS and
   * other ARNs) follow from the seed and the order of the calls that create them.
   */
  seed(value: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** moto's own port; a free one is picked when omitted. */
  port?: number;
  /** Port of the local runtime proxy (Lambda Invoke, JSONata, everything else forwarded to moto). */
  callbackPort: number;
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** Forward moto's stderr to this process' stderr (default: env HARBORMASTER_MOTO_VERBOSE=1). */
  verbose?: boolean;
  /** Start-up timeout in ms (default 20 000). */
  timeoutMs?: number;
}

const LAUNCHER = fileURLToPath(new URL('./launch.py', import.meta.url));
const STDERR_TAIL_BYTES = 16 * 1024;
const ECS_MANUAL_TRANSITION = { model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } };
const SFN_EXECUTION_ON = { stepfunctions: { execute_state_machine: true } };

export async function findFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

/** Whether nothing listens on the port of 127.0.0.1 (another process may take it right after). */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** moto starting ahead of the local runtime that will listen on `runtimePort` and forward to `upstream`. */
export interface MotoAhead {
  runtimePort: number;
  upstream: string;
  server: Promise<MotoServer>;
}

/**
 * Starts moto for a runtime that is not listening yet: moto takes seconds to start, which can overlap with loading
 * the runtime (npm start). The caller awaits `server` (local-aws.ts startLocalAws).
 */
export async function startMotoAhead(runtimePort: number): Promise<MotoAhead> {
  const port = await findFreePort();
  const server = startMoto({ port, callbackPort: runtimePort });
  // Awaited by whoever starts the runtime; until then a failure must not end the process as an unhandled rejection.
  server.catch(() => undefined);
  return { runtimePort, upstream: `http://127.0.0.1:${port}`, server };
}

const RESET_TIMEOUT_MS = 120_000;

async function request(endpoint: string, path: string, method: 'GET' | 'POST', body?: unknown, timeoutMs = 10_000): Promise<Response> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(timeoutMs) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  return fetch(`${endpoint}${path}`, init);
}

async function post(endpoint: string, path: string, body?: unknown, timeoutMs?: number): Promise<void> {
  const response = await request(endpoint, path, 'POST', body, timeoutMs);
  const text = await response.text();
  if (!response.ok) throw new Error(`moto ${path} answered ${response.status}: ${text.slice(0, 500)}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the launcher runs in its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export async function startMoto(options: StartMotoOptions): Promise<MotoServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await findFreePort());
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const verbose = options.verbose ?? process.env.HARBORMASTER_MOTO_VERBOSE === '1';
  const timeoutMs = options.timeoutMs ?? 20_000;
  const { python } = await pythonToolchain();

  const child = spawn(python, [LAUNCHER, '-H', host, '-p', String(port)], {
    env: {
      ...process.env,
      MOTO_PORT: String(options.callbackPort),
      HARBORMASTER_JSONATA_URL: `http://127.0.0.1:${options.callbackPort}/_local/jsonata`,
      HARBORMASTER_PARENT_PID: String(process.pid),
      PYTHONUNBUFFERED: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });

  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    if (verbose) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  // Never leave moto running when this process exits (normal exit or uncaught error).
  const onExit = (): void => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));

  const describe = (why: string): Error =>
    new Error(`moto failed to start on ${endpoint}: ${why}\n--- moto stderr (tail) ---\n${stderrTail.trim().split('\n').slice(-30).join('\n')}`);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) throw describe(`could not spawn ${python}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // let stderr drain
      const hint = child.exitCode === 2 ? ` (${python} cannot import moto's server: pip install ${PIP_REQUIREMENTS.join(' ')})` : '';
      throw describe(`launcher exited with ${child.exitCode ?? child.signalCode}${hint}`);
    }
    try {
      const response = await request(endpoint, '/moto-api/data.json', 'GET');
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw describe(`not ready after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const configure = async (): Promise<void> => {
    // Reset keeps moto's config today, but re-applying is cheap and survives a future change.
    await post(endpoint, '/moto-api/config', SFN_EXECUTION_ON);
    await post(endpoint, '/moto-api/state-manager/set-transition', ECS_MANUAL_TRANSITION);
  };
  try {
    await configure();
  } catch (error) {
    killGroup(child, 'SIGKILL');
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    endpoint,
    async reset() {
      // Freeing a big state takes seconds (measured ~3 s after 5,000 ingested task events, more on a busy machine).
      await post(endpoint, '/moto-api/reset', undefined, RESET_TIMEOUT_MS);
      await configure();
    },
    async seed(value) {
      await post(endpoint, `/moto-api/seed?a=${value}`);
    },
    stop() {
      stopping ??= (async () => {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 2_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
