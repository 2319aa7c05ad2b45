/**
 * Lambda function URLs on loopback: moto keeps the URL configs (fix 22 gives them the address
 * http://127.0.0.1:<runtime port>/_local/function-url/<name>/), and these requests are answered the way the function
 * URL service does: the HTTP request becomes a payload-format-2.0 event, the handler's answer becomes the HTTP response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { header, isRecord, type HttpReply } from './wire.ts';

export const FUNCTION_URL_PATH = /^\/_local\/function-url\/([^/?]+)(\/[^?]*)?(?:\?(.*))?$/;

/** The function a request to a local function URL addresses, or undefined for any other path. */
export function functionUrlTarget(path: string): { functionName: string; rawPath: string; rawQueryString: string } | undefined {
  const match = FUNCTION_URL_PATH.exec(path);
  if (!match?.[1]) return undefined;
  return { functionName: decodeURIComponent(match[1]), rawPath: match[2] ?? '/', rawQueryString: match[3] ?? '' };
}

/** Bodies the function URL service hands over as text; every other content type arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript)\b)/;

/**
 * The event Lambda passes for a function URL request (payload format 2.0, AWS's sample in the Lambda developer guide,
 * "Invoking Lambda function URLs"; the same shape as Powertools' LambdaFunctionUrlSchema).
 */
export function functionUrlEvent(request: { method: string; headers: IncomingHttpHeaders; body: Buffer; rawPath: string; rawQueryString: string; sourceIp: string }): Record<string, unknown> {
  const now = new Date();
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name.toLowerCase(), Array.isArray(value) ? value.join(',') : value]])),
  );
  const contentType = header(request.headers, 'content-type') ?? '';
  const asText = TEXT_TYPES.test(contentType);
  const urlId = 'local';
  const query = new URLSearchParams(request.rawQueryString);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers,
    ...(request.rawQueryString ? { queryStringParameters: Object.fromEntries(query) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: urlId,
      domainName: `${urlId}.lambda-url.us-east-1.on.aws`,
      domainPrefix: urlId,
      http: { method: request.method, path: request.rawPath, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length > 0 ? { body: asText ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: request.body.length > 0 && !asText,
  };
}

/**
 * The HTTP response for the function's answer (the invoker's RequestResponse reply): a `{statusCode, headers, body}`
 * object as given; any other value as JSON with 200; a function error as the service's 502.
 */
export function functionUrlReply(invoked: HttpReply): HttpReply {
  if (invoked.headers['x-amz-function-error']) {
    return { status: 502, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Message: 'Internal Server Error' }) };
  }
  const result: unknown = JSON.parse(typeof invoked.body === 'string' ? invoked.body : invoked.body.toString('utf8'));
  if (!isRecord(result) || typeof result['statusCode'] !== 'number') {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  }
  const headers = isRecord(result['headers']) ? Object.fromEntries(Object.entries(result['headers']).map(([name, value]) => [name, String(value)])) : {};
  const body = typeof result['body'] === 'string' ? result['body'] : '';
  return { status: result['statusCode'], headers, body: result['isBase64Encoded'] === true ? Buffer.from(body, 'base64') : body };
}
