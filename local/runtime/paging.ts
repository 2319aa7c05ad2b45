/**
 * List answers cut at AWS's page sizes. moto answers ListTasks (and the other ECS listings, and DescribeAlarms) with
 * every item and no token, which hides code that reads one page: a green task set of 120 tasks looks like 120 tasks
 * here and like 100 in AWS. The proxy asks moto for the whole listing (following moto's own tokens where it pages) and
 * answers one page of it at a time, with a token, as AWS does.
 *
 * Tokens are stateless: each one carries the offset of the next page, the key of the last item answered, and a hash
 * of the request, so a token is refused for another request (as AWS refuses it), and a page resumes after the last
 * item answered even when items before it came or went between pages (e.g. a task stopped).
 */
import { createHash } from 'node:crypto';
import { isRecord } from './wire.ts';

export interface PagedListing {
  /** Answer members holding the listed items, in answer order (DescribeAlarms pages over both of its lists). */
  lists: readonly string[];
  /** Request member of the page size, and AWS's page size when it is omitted and the most it may be. */
  limit: string;
  defaultSize: number;
  maxSize: number;
  /** Request and answer member of the token. */
  token: string;
  /** Member naming an object item (string items are their own key). */
  key?: string;
  /** The error code AWS answers a bad token or page size with. */
  invalid: string;
}

const ECS_LISTING = { limit: 'maxResults', maxSize: 100, token: 'nextToken', invalid: 'InvalidParameterException' } as const;
const EVENTS_LISTING = { limit: 'Limit', defaultSize: 100, maxSize: 100, token: 'NextToken', invalid: 'ValidationException' } as const;

/**
 * AWS's page sizes, from the API references (AmazonECS/latest/APIReference, AmazonCloudWatch/latest/APIReference,
 * eventbridge/latest/APIReference), checked 2026-12. Not cut here: EventBridge Scheduler ListSchedules (REST; moto
 * already pages it, 50 a page, within AWS's documented 1–100) and GetMetricData (pages by datapoints, 100,800 by
 * default: no test comes near).
 */
const LISTINGS: Record<string, PagedListing> = {
  // "This value can be between 1 and 100. If this parameter isn't used, then ListTasks returns up to 100 results".
  'ecs:ListTasks': { ...ECS_LISTING, lists: ['taskArns'], defaultSize: 100 },
  // "between 1 and 100. If this parameter isn't used, then ListServices returns up to 10 results".
  'ecs:ListServices': { ...ECS_LISTING, lists: ['serviceArns'], defaultSize: 10 },
  // ListClusters, ListTaskDefinitions, ListTaskDefinitionFamilies: "between 1 and 100 … returns up to 100 results".
  'ecs:ListClusters': { ...ECS_LISTING, lists: ['clusterArns'], defaultSize: 100 },
  'ecs:ListTaskDefinitions': { ...ECS_LISTING, lists: ['taskDefinitionArns'], defaultSize: 100 },
  'ecs:ListTaskDefinitionFamilies': { ...ECS_LISTING, lists: ['families'], defaultSize: 100 },
  // MaxRecords: "Minimum value of 1. Maximum value of 100"; AWS documents no default: 50 (below the maximum, so a
  // caller that reads one page of a long listing fails here as it would in AWS).
  'monitoring:DescribeAlarms': {
    lists: ['MetricAlarms', 'CompositeAlarms'],
    limit: 'MaxRecords',
    defaultSize: 50,
    maxSize: 100,
    token: 'NextToken',
    key: 'AlarmArn',
    invalid: 'InvalidNextToken',
  },
  // ListRules: "The maximum number of results per page for requests is 100"; Limit 1–100 for all three (moto: 50).
  'events:ListRules': { ...EVENTS_LISTING, lists: ['Rules'], key: 'Arn' },
  'events:ListTargetsByRule': { ...EVENTS_LISTING, lists: ['Targets'], key: 'Id' },
  'events:ListEventBuses': { ...EVENTS_LISTING, lists: ['EventBuses'], key: 'Arn' },
};

export function pagedListing(service: string, operation: string | undefined): PagedListing | undefined {
  return operation === undefined ? undefined : LISTINGS[`${service}:${operation}`];
}

export interface PageRequest {
  /** What moto is asked: the caller's request without token and page size. */
  upstreamInput: Record<string, unknown>;
  size: number;
  /** Where the page starts: nothing (first page) or the caller's token, decoded. */
  cursor?: Cursor;
  requestHash: string;
}

interface Cursor {
  offset: number;
  after: string;
}

/** The caller's page request, or why AWS would refuse it. */
export function readPageRequest(listing: PagedListing, input: Record<string, unknown>): PageRequest | { refused: string } {
  const { [listing.token]: token, [listing.limit]: limit, ...upstreamInput } = input;
  const requestHash = hashOf(upstreamInput);
  let size = listing.defaultSize;
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > listing.maxSize) {
      return { refused: `${listing.limit} must be between 1 and ${listing.maxSize}` };
    }
    size = limit;
  }
  if (token === undefined || token === null || token === '') return { upstreamInput, size, requestHash };
  const cursor = typeof token === 'string' ? decodeToken(token, requestHash) : undefined;
  return cursor ? { upstreamInput, size, cursor, requestHash } : { refused: `The ${listing.token} is not valid for this request` };
}

/** moto's answer so far plus its next page (moto pages EventBridge listings itself), lists joined in order. */
export function joinUpstreamPages(listing: PagedListing, whole: Record<string, unknown> | undefined, page: Record<string, unknown>): Record<string, unknown> {
  if (!whole) return page;
  const joined: Record<string, unknown> = { ...page };
  for (const list of listing.lists) joined[list] = [...itemsOf(whole[list]), ...itemsOf(page[list])];
  return joined;
}

/** One page of the whole answer: its lists cut to the page, and a token when more items follow. */
export function answerPage(listing: PagedListing, request: PageRequest, whole: Record<string, unknown>): Record<string, unknown> {
  const items = listing.lists.flatMap((list) => itemsOf(whole[list]).map((item) => ({ list, item })));
  const start = startOf(request.cursor, items.map(({ item }) => keyOf(listing, item)));
  const page = items.slice(start, start + request.size);
  const answer: Record<string, unknown> = { ...whole };
  for (const list of listing.lists) if (list in whole) answer[list] = page.filter((entry) => entry.list === list).map(({ item }) => item);
  delete answer[listing.token];
  const last = page.at(-1);
  if (last && start + page.length < items.length) {
    answer[listing.token] = encodeToken({ offset: start + page.length, after: keyOf(listing, last.item) }, request.requestHash);
  }
  return answer;
}

/** After the last item answered if it is still there; else at the offset the listing had reached. */
function startOf(cursor: Cursor | undefined, keys: string[]): number {
  if (!cursor) return 0;
  const index = keys.indexOf(cursor.after);
  return index >= 0 ? index + 1 : Math.min(cursor.offset, keys.length);
}

function keyOf(listing: PagedListing, item: unknown): string {
  if (typeof item === 'string') return item;
  const key = listing.key && isRecord(item) ? item[listing.key] : undefined;
  return typeof key === 'string' ? key : JSON.stringify(item);
}

function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function encodeToken(cursor: Cursor, requestHash: string): string {
  return Buffer.from(JSON.stringify({ o: cursor.offset, a: cursor.after, h: requestHash })).toString('base64url');
}

function decodeToken(token: string, requestHash: string): Cursor | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!isRecord(decoded) || decoded['h'] !== requestHash) return undefined;
    const { o: offset, a: after } = decoded;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 && typeof after === 'string' ? { offset, after } : undefined;
  } catch {
    return undefined;
  }
}

/** The same request gives the same hash whatever the order of its members. */
function hashOf(input: Record<string, unknown>): string {
  return createHash('sha256').update(stableJson(input)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value)
      .sort()
      .filter((name) => value[name] !== undefined)
      .map((name) => `${JSON.stringify(name)}:${stableJson(value[name])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
