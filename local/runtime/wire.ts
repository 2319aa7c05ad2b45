/**
 * Recognises which AWS call an HTTP request is and decodes its input/output, for the protocols our
 * clients use against moto: JSON 1.0/1.1 (`X-Amz-Target`), awsQuery forms (boto3 inside moto's Step
 * Functions executor), and REST paths for Lambda Invoke.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface CallIdentity {
  /** AWS signing name (`ecs`, `ecr`, `monitoring`, `lambda`…), or '' when unknown. */
  service: string;
  /** Operation name when it is visible without reading the body. */
  operation?: string;
  protocol: 'json' | 'query' | 'other';
}

/** X-Amz-Target prefixes → signing names, for unsigned requests. */
const TARGET_PREFIXES: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  GraniteServiceVersion20100801: 'monitoring',
  AWSEvents: 'events',
  AWSStepFunctions: 'states',
  DynamoDB_20120810: 'dynamodb',
  Logs_20140328: 'logs',
  AnyScaleFrontendService: 'application-autoscaling',
  AmazonSQS: 'sqs',
};

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

export function identifyCall(method: string, path: string, headers: IncomingHttpHeaders): CallIdentity {
  const target = header(headers, 'x-amz-target');
  const signed = signingService(header(headers, 'authorization'));
  if (target) {
    const [prefix = '', operation] = target.split('.');
    return { service: signed ?? TARGET_PREFIXES[prefix] ?? '', operation, protocol: 'json' };
  }
  if (method === 'POST' && INVOKE_PATH.test(path.split('?')[0] ?? '')) {
    return { service: 'lambda', operation: 'Invoke', protocol: 'other' };
  }
  const contentType = header(headers, 'content-type') ?? '';
  if (method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    return { service: signed ?? '', protocol: 'query' };
  }
  return { service: signed ?? '', protocol: 'other' };
}

/** `Credential=AKID/20240101/us-east-1/ecs/aws4_request` → `ecs`. */
export function signingService(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/);
  return match?.[1];
}

/** The function name from an Invoke path: name, `name:qualifier`, partial or full ARN, URL-encoded. */
export function invokedFunctionName(path: string): string | undefined {
  const match = INVOKE_PATH.exec(path.split('?')[0] ?? '');
  if (!match?.[1]) return undefined;
  return normaliseFunctionName(decodeURIComponent(match[1]));
}

export function normaliseFunctionName(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const functionIndex = parts.indexOf('function');
  // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] or ACCOUNT:function:NAME[:QUALIFIER]
  if (functionIndex >= 0) return parts[functionIndex + 1] ?? nameOrArn;
  // NAME:QUALIFIER
  return parts[0] ?? nameOrArn;
}

/** Decodes a request body into `{operation, input}` for the JSON and query protocols. */
export function decodeRequest(identity: CallIdentity, body: Buffer): { operation?: string; input: Record<string, unknown> } {
  if (identity.protocol === 'json') return { operation: identity.operation, input: parseJsonObject(body) };
  if (identity.protocol === 'query') {
    const input: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const action = typeof input['Action'] === 'string' ? input['Action'] : undefined;
    return { operation: action, input };
  }
  return { operation: identity.operation, input: {} };
}

export function parseJsonObject(body: Buffer | string): Record<string, unknown> {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  return isRecord(value) ? value : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** AWS JSON-protocol error body plus the header the SDK reads the error code from. */
export function jsonError(code: string, message: string, status: number, jsonVersion = '1.1'): HttpReply {
  return {
    status,
    // AWS answers every request with a request id; moto's Step Functions executor reads it from error responses.
    headers: { 'content-type': `application/x-amz-json-${jsonVersion}`, 'x-amzn-errortype': code, 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({ __type: code, message }),
  };
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
