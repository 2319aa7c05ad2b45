import { useEffect, useState } from 'preact/hooks';
import type { ActionResult, ApiError } from '../api.ts';
import { streamUrl } from './routes.ts';

/** The page's only I/O: GETs, the live stream, and POSTs carrying the CSRF token. The page holds no AWS credentials. */

export interface Live<T> {
  data?: T;
  /** Why the first read failed, when nothing could be shown. */
  error?: ApiError;
  /** A later look failed or the stream dropped: the last snapshot stays on screen under a banner. */
  interruption?: string;
}

/**
 * A view's data: painted first from its GET (fast first paint), then replaced by each `snapshot` the stream sends.
 * EventSource reconnects by itself; until it does, a banner says updates are interrupted.
 */
export function useLive<T>(path: string, view: string): Live<T> {
  const [live, setLive] = useState<Live<T>>({});
  useEffect(() => {
    let closed = false;
    setLive({});
    getJson<T>(path).then(
      (data) => !closed && setLive((previous) => (previous.data ? previous : { data })),
      (error: ApiError) => !closed && setLive((previous) => (previous.data ? previous : { error })),
    );
    const source = new EventSource(streamUrl(view));
    source.addEventListener('snapshot', (event) => setLive({ data: JSON.parse((event as MessageEvent<string>).data) as T }));
    source.addEventListener('failure', (event) => {
      const failure = JSON.parse((event as MessageEvent<string>).data) as ApiError;
      setLive((previous) => ({ ...previous, interruption: `The last look failed: ${failure.error}${failure.hint ? ` ${failure.hint}` : ''}` }));
    });
    source.addEventListener('error', () => setLive((previous) => ({ ...previous, interruption: 'Live updates are interrupted; reconnecting…' })));
    return () => {
      closed = true;
      source.close();
    };
  }, [path, view]);
  return live;
}

async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch {
    throw unreachable();
  }
  const body = (await response.json().catch(() => undefined)) as T | ApiError | undefined;
  if (!response.ok || body === undefined) throw errorOf(body, response.status);
  return body as T;
}

/** An action's POST: the token from <meta name="csrf-token">, which the server checks. */
export async function postAction(path: string, body: object): Promise<ActionResult | ApiError> {
  const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: JSON.stringify(body) });
  } catch {
    return unreachable();
  }
  const answer = (await response.json().catch(() => undefined)) as ActionResult | ApiError | undefined;
  return response.ok && answer?.ok ? answer : errorOf(answer, response.status);
}

function errorOf(body: unknown, status: number): ApiError {
  if (body && typeof body === 'object' && (body as ApiError).ok === false) return body as ApiError;
  return { ok: false, error: `The dashboard answered HTTP ${status}.`, hint: 'Look at the terminal running `harbormaster dashboard` for the cause.' };
}

function unreachable(): ApiError {
  return { ok: false, error: 'The dashboard server cannot be reached.', hint: 'Is `harbormaster dashboard` still running? Start it again and reload.' };
}

/** The clock, ticking each second, so ages and bakes count down between snapshots. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The current hash route's text, following navigation without reloads. */
export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const follow = () => setHash(location.hash);
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return hash;
}
