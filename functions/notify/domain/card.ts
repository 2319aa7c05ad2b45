import type { Severity } from '../config.ts';
import type { Announcement } from './announcement.ts';
import { kindEntry } from './catalog.ts';

/**
 * What a person reads of an announcement, whatever the channel: title, severity, one line, and named facts. Facts are
 * read from the detail fields capabilities use (image, strategy, step, weights, duration, outcome, reason…); a kind the
 * catalog does not know shows its subject and its details as facts, so a new kind renders before it has an entry.
 */

export interface Fact {
  label: string;
  value: string;
}

export interface Card {
  title: string;
  severity: Severity;
  subject: string;
  facts: Fact[];
  /** Set for deploy announcements: what identifies the deployment (approval buttons, Slack threads). */
  deployment?: { cluster: string; service: string; deploymentId: string };
}

/** Slack allows 10 fields per section; a generic card shows at most as many details. */
export const MAX_FACTS = 10;
const MAX_FACT_CHARS = 300;

type Details = Record<string, unknown>;
type FactReader = { label: string; read: (details: Details, announcement: Announcement) => string | undefined };

const FACT_READERS: FactReader[] = [
  { label: 'Service', read: (_, a) => (a.service === undefined ? undefined : a.cluster === undefined ? a.service : `${a.cluster}/${a.service}`) },
  { label: 'Image', read: (d) => describeImage(d['image']) },
  { label: 'Strategy', read: (d) => describeStrategy(d['strategy']) },
  { label: 'Step', read: (d) => describeStep(d['step'], d) },
  { label: 'Weights', read: (d) => describeWeights(d['weights']) },
  { label: 'Duration', read: (d, a) => describeDuration(d, a.createdAt) },
  { label: 'Outcome', read: (d) => text(d['outcome']) },
  { label: 'Reason', read: (d) => text(d['reason']) ?? text(d['error']) },
  { label: 'Failing value', read: (d) => scalar(d['failingValue']) },
  { label: 'Stop code', read: (d) => text(d['stopCode']) },
  { label: 'Exit codes', read: (d) => describeExitCodes(d['exitCodes']) },
  { label: 'Alarm', read: (d) => text(d['alarmName']) },
  { label: 'Capacity', read: (d) => describeCapacity(d) },
  { label: 'Metric', read: (d) => (typeof d['metric'] === 'number' && typeof d['threshold'] === 'number' ? `${d['metric']} (threshold ${d['threshold']})` : undefined) },
  { label: 'Revisions', read: (d) => describeCleanupTotals(d['totals']) },
  { label: 'Task sets', read: (d) => (Array.isArray(d['taskSetArns']) ? d['taskSetArns'].map((arn) => String(arn).split('/').pop()).join(', ') : undefined) },
];

export function cardOf(announcement: Announcement): Card {
  const entry = kindEntry(announcement.kind);
  const facts = entry.known ? knownFacts(announcement) : genericFacts(announcement);
  const card: Card = { title: entry.title, severity: entry.severity, subject: announcement.subject, facts: facts.slice(0, MAX_FACTS).map(bounded) };
  const deploymentId = text(announcement.details['deploymentId']);
  if (deploymentId && announcement.cluster && announcement.service) card.deployment = { cluster: announcement.cluster, service: announcement.service, deploymentId };
  return card;
}

function knownFacts(announcement: Announcement): Fact[] {
  return FACT_READERS.flatMap(({ label, read }) => {
    const value = read(announcement.details, announcement);
    return value === undefined || value === '' ? [] : [{ label, value }];
  });
}

/** Subject aside, every detail that reads as a line: scalars as they are, lists and objects as compact JSON. */
function genericFacts(announcement: Announcement): Fact[] {
  const service = FACT_READERS[0]?.read(announcement.details, announcement);
  const details = Object.entries(announcement.details).flatMap(([key, value]) => {
    if (value === null || value === undefined || key === 'routes') return [];
    return [{ label: key, value: typeof value === 'object' ? JSON.stringify(value) : String(value) }];
  });
  return [...(service ? [{ label: 'Service', value: service }] : []), ...details];
}

function bounded(fact: Fact): Fact {
  return fact.value.length > MAX_FACT_CHARS ? { ...fact, value: `${fact.value.slice(0, MAX_FACT_CHARS - 1)}…` } : fact;
}

/** `shop:v2@sha256:0123…` → `v2 @ sha256:0123456789ab` (tag, short digest). */
export function describeImage(value: unknown): string | undefined {
  const image = text(value);
  if (!image) return undefined;
  const [reference = image, digest] = image.split('@');
  const tagAt = reference.lastIndexOf(':');
  const tag = tagAt > reference.lastIndexOf('/') && tagAt >= 0 ? reference.slice(tagAt + 1) : undefined;
  const shortDigest = digest?.startsWith('sha256:') ? digest.slice(0, 'sha256:'.length + 12) : digest;
  return [tag, shortDigest].filter((part) => part !== undefined && part !== '').join(' @ ') || image;
}

function describeStrategy(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || typeof value['type'] !== 'string') return undefined;
  if (value['type'] === 'canary') return `canary ${String(value['percent'])}%, bake ${String(value['bakeMinutes'])} min`;
  if (value['type'] === 'linear') return `linear ${String(value['stepPercent'])}% every ${String(value['intervalMinutes'])} min`;
  return value['type'];
}

function describeStep(value: unknown, details: Details): string | undefined {
  const index = details['stepIndex'];
  const count = details['stepCount'];
  const position = typeof index === 'number' && typeof count === 'number' ? ` (${index + 1}/${count})` : '';
  if (typeof value === 'string') return `${value}${position}`;
  if (isRecord(value) && typeof value['name'] === 'string') return `${value['name']}${position}`;
  return undefined;
}

function describeWeights(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const parts = ['blue', 'green'].flatMap((side) => (typeof value[side] === 'number' ? [`${side} ${value[side]}%`] : []));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function describeDuration(details: Details, createdAt: string): string | undefined {
  const seconds =
    typeof details['durationSeconds'] === 'number'
      ? details['durationSeconds']
      : typeof details['durationMs'] === 'number'
        ? details['durationMs'] / 1000
        : typeof details['startedAt'] === 'string'
          ? (Date.parse(text(details['finishedAt']) ?? text(details['endedAt']) ?? createdAt) - Date.parse(details['startedAt'])) / 1000
          : undefined;
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  return minutes < 60 ? `${minutes}m ${whole % 60}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function describeExitCodes(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const codes = Object.entries(value).map(([container, code]) => `${container}: ${String(code)}`);
  return codes.length > 0 ? codes.join(', ') : undefined;
}

function describeCapacity(details: Details): string | undefined {
  const from = details['fromCapacity'];
  const to = details['toCapacity'];
  if (typeof from !== 'number') return undefined;
  return typeof to === 'number' ? `${from} → ${to}` : `${from}`;
}

function describeCleanupTotals(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  return `${String(value['deregistered'] ?? 0)} deregistered, ${String(value['deleted'] ?? 0)} deleted, ${String(value['kept'] ?? 0)} kept in ${String(value['families'] ?? 0)} families`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : text(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
