/**
 * JSONata evaluation endpoint for moto's Step Functions executor (launcher fix 4).
 *
 * Contract (mounted by the local runtime proxy at `POST /_local/jsonata`):
 *   request  {"expression": string, "bindings"?: {name-without-$: value}}
 *   response 200 {"result": value} | 200 {"undefined": true} | 400 {"error": message}
 */
import jsonata from 'jsonata';

export interface JsonataHttpResponse {
  status: number;
  body: string;
}

interface JsonataRequest {
  expression: string;
  bindings: Record<string, unknown>;
}

function reply(status: number, payload: unknown): JsonataHttpResponse {
  return { status, body: JSON.stringify(payload) };
}

function parseRequest(body: string): JsonataRequest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return `request body is not JSON: ${(error as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null) return 'request body must be a JSON object';
  const { expression, bindings } = parsed as { expression?: unknown; bindings?: unknown };
  if (typeof expression !== 'string') return '"expression" must be a string';
  if (bindings !== undefined && bindings !== null && (typeof bindings !== 'object' || Array.isArray(bindings))) {
    return '"bindings" must be an object';
  }
  return { expression, bindings: (bindings ?? {}) as Record<string, unknown> };
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, message, position, token } = error as { code?: unknown; message?: unknown; position?: unknown; token?: unknown };
    const parts = [typeof message === 'string' ? message : String(error)];
    if (typeof code === 'string') parts.unshift(`${code}:`);
    if (typeof position === 'number') parts.push(`(position ${position}${token !== undefined ? `, token ${String(token)}` : ''})`);
    return parts.join(' ');
  }
  return String(error);
}

/** Evaluates one JSONata request; never throws. */
export async function evaluateJsonataRequest(body: string): Promise<JsonataHttpResponse> {
  const request = parseRequest(body);
  if (typeof request === 'string') return reply(400, { error: request });
  try {
    const expression = jsonata(request.expression);
    const result: unknown = await expression.evaluate(undefined, request.bindings);
    if (result === undefined) return reply(200, { undefined: true });
    // JSON round trip drops JSONata's internal sequence markers and functions.
    const json = JSON.stringify(result);
    if (json === undefined) return reply(200, { undefined: true });
    return { status: 200, body: `{"result":${json}}` };
  } catch (error) {
    return reply(400, { error: describeError(error) });
  }
}
