/**
 * EventBridge Scheduler's schedule expressions and their fire times, as pure functions.
 *
 * Sources (AWS documentation):
 * - EventBridge Scheduler User Guide, "Schedule types on EventBridge Scheduler": `rate(value unit)`, `cron(fields)`,
 *   `at(yyyy-mm-ddThh:mm:ss)`, time zones, and daylight saving time ("when time shifts forward … if a cron expression
 *   falls on a non-existent date and time, your schedule invocation is skipped. When time shifts backwards … your
 *   schedule runs only once"); rate schedules count elapsed time ("days" are 24 hours).
 * - EventBridge User Guide, "Cron expressions reference": six fields `minutes hours day-of-month month day-of-week
 *   year`, values and wildcards per field (table below), `?` in exactly one of day-of-month / day-of-week, one `#`
 *   expression only, day-of-week 1-7 = SUN-SAT, years 1970-2199.
 *
 * croner (Quartz weekday numbering, a year field) enumerates the wall-clock times a cron expression matches; it is run
 * in UTC so that it never applies its own daylight-saving rules (it follows Vixie cron: a fixed time in a spring-forward
 * gap runs after the gap, an interval job runs twice in a repeated hour — both unlike Scheduler). Each wall-clock
 * time is then placed in the schedule's zone here: a time that does not exist is skipped, a time that occurs twice
 * fires at its first occurrence only. Which of the two occurrences Scheduler uses is not documented; the first is our
 * reading (docs/decisions/0017-schedules.md).
 */
import { Cron } from 'croner';

export type RateUnit = 'minutes' | 'hours' | 'days';

export type ScheduleExpression =
  | { kind: 'cron'; expression: string; /** The six fields, as written. */ fields: string[]; /** croner's 7-part pattern (seconds first). */ pattern: string }
  | { kind: 'rate'; expression: string; value: number; unit: RateUnit; intervalMs: number }
  | { kind: 'at'; expression: string; /** Wall-clock time in the schedule's zone, yyyy-mm-ddThh:mm:ss. */ localTime: string };

export type ParsedScheduleExpression = { ok: true; value: ScheduleExpression } | { ok: false; error: string };

const MINUTE_MS = 60_000;
const RATE_UNITS: Record<string, { unit: RateUnit; ms: number; singular: boolean }> = {
  minute: { unit: 'minutes', ms: MINUTE_MS, singular: true },
  minutes: { unit: 'minutes', ms: MINUTE_MS, singular: false },
  hour: { unit: 'hours', ms: 60 * MINUTE_MS, singular: true },
  hours: { unit: 'hours', ms: 60 * MINUTE_MS, singular: false },
  day: { unit: 'days', ms: 24 * 60 * MINUTE_MS, singular: true },
  days: { unit: 'days', ms: 24 * 60 * MINUTE_MS, singular: false },
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names for min, min+1, … (months, week days). */
  names?: string[];
  /** The wildcards the reference allows beyond `,` `-` `*`. */
  step: boolean;
  question: boolean;
  last: boolean;
  weekday: boolean;
  nth: boolean;
}

const FIELDS: CronField[] = [
  { name: 'minutes', min: 0, max: 59, step: true, question: false, last: false, weekday: false, nth: false },
  { name: 'hours', min: 0, max: 23, step: true, question: false, last: false, weekday: false, nth: false },
  { name: 'day-of-month', min: 1, max: 31, step: true, question: true, last: true, weekday: true, nth: false },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, step: true, question: false, last: false, weekday: false, nth: false },
  { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, step: false, question: true, last: true, weekday: false, nth: true },
  { name: 'year', min: 1970, max: 2199, step: true, question: false, last: false, weekday: false, nth: false },
];

function describeRange(field: CronField): string {
  const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
  return `${field.min}-${field.max}${names}`;
}

/** A value (number or name) of a field, or a reason it is not one. */
function fieldValue(field: CronField, text: string): number | string {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) return `'${text}' is not a value of ${field.name} (${describeRange(field)})`;
  const value = Number(text);
  if (value < field.min || value > field.max) return `'${text}' is outside ${describeRange(field)}`;
  return value;
}

/** One comma-separated element of a field, translated for croner, or a reason it is wrong. */
function cronElement(field: CronField, element: string): { ok: true; croner: string } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error: `${field.name}: ${error}` });
  if (element === '*') return { ok: true, croner: '*' };
  if (field.last && element === 'L') return { ok: true, croner: field.name === 'day-of-week' ? '7' : 'L' }; // last day of the week = SAT
  if (field.weekday && /W$/i.test(element)) {
    const day = fieldValue(field, element.slice(0, -1));
    return typeof day === 'string' ? fail(`'${element}': W needs a day of the month before it (e.g. 15W); ${day}`) : { ok: true, croner: `${day}W` };
  }
  if (field.last && field.name === 'day-of-week' && /L$/i.test(element)) {
    const day = fieldValue(field, element.slice(0, -1));
    return typeof day === 'string' ? fail(`'${element}': ${day}`) : { ok: true, croner: `${day}#L` };
  }
  if (field.nth && element.includes('#')) {
    const [dayText = '', nthText = ''] = element.split('#');
    const day = fieldValue(field, dayText);
    if (typeof day === 'string') return fail(`'${element}': ${day}`);
    if (!/^[1-5]$/.test(nthText)) return fail(`'${element}': the occurrence after # must be 1-5`);
    return { ok: true, croner: `${day}#${nthText}` };
  }
  const [rangeText = '', stepText, ...rest] = element.split('/');
  if (rest.length > 0) return fail(`'${element}' has more than one /`);
  if (stepText !== undefined) {
    if (!field.step) return fail(`'${element}': / is not allowed in ${field.name}`);
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return fail(`'${element}': the increment after / must be a positive number`);
  }
  let range: string;
  if (rangeText === '*') range = '*';
  else {
    const bounds = rangeText.split('-');
    if (bounds.length > 2) return fail(`'${element}' is not a value, range or increment`);
    const values = bounds.map((bound) => fieldValue(field, bound));
    const problem = values.find((value) => typeof value === 'string');
    if (problem !== undefined) return fail(problem as string);
    const [from = field.min, to] = values as number[];
    if (to !== undefined && to < from) return fail(`range '${rangeText}' runs backwards`);
    // Quartz's `start/step` means start-max/step; croner wants the range spelled out.
    range = to !== undefined ? `${from}-${to}` : stepText !== undefined ? `${from}-${field.max}` : `${from}`;
  }
  return { ok: true, croner: stepText !== undefined ? `${range}/${stepText}` : range };
}

function parseCron(expression: string, body: string): ParsedScheduleExpression {
  const fields = body.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 6) {
    return { ok: false, error: `${expression}: cron needs six fields (minutes hours day-of-month month day-of-week year), got ${fields.length}` };
  }
  const fail = (error: string): ParsedScheduleExpression => ({ ok: false, error: `${expression}: ${error}` });
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return fail('use ? in exactly one of day-of-month and day-of-week (e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *))');
  }
  const croner: string[] = ['0'];
  for (const [index, field] of FIELDS.entries()) {
    const text = fields[index] ?? '';
    if (text === '?') {
      if (!field.question) return fail(`${field.name}: ? is only allowed in day-of-month or day-of-week`);
      croner.push('*');
      continue;
    }
    const elements = text.split(',');
    if (field.nth && text.includes('#') && elements.length > 1) return fail(`${field.name}: '${text}': a # expression must be the only one in the field`);
    const translated: string[] = [];
    for (const element of elements) {
      const result = cronElement(field, element);
      if (!result.ok) return fail(result.error);
      translated.push(result.croner);
    }
    croner.push(translated.join(','));
  }
  const pattern = croner.join(' ');
  try {
    cronFor(pattern);
  } catch (error) {
    return fail((error as Error).message);
  }
  return { ok: true, value: { kind: 'cron', expression, fields, pattern } };
}

function parseRate(expression: string, body: string): ParsedScheduleExpression {
  const match = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(body);
  if (!match) return { ok: false, error: `${expression}: rate needs a positive whole number and a unit, e.g. rate(5 minutes)` };
  const [, valueText = '', unitText = ''] = match;
  const value = Number(valueText);
  const unit = RATE_UNITS[unitText];
  if (!unit) return { ok: false, error: `${expression}: the unit must be minute(s), hour(s) or day(s), got '${unitText}'` };
  if (value < 1) return { ok: false, error: `${expression}: the value must be at least 1` };
  if ((value === 1) !== unit.singular) {
    return { ok: false, error: `${expression}: use the singular unit for 1 and the plural otherwise (rate(1 ${unit.unit.slice(0, -1)}), rate(${Math.max(value, 2)} ${unit.unit}))` };
  }
  return { ok: true, value: { kind: 'rate', expression, value, unit: unit.unit, intervalMs: value * unit.ms } };
}

function parseAt(expression: string, body: string): ParsedScheduleExpression {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  if (!match) return { ok: false, error: `${expression}: at needs a local date and time yyyy-mm-ddThh:mm:ss (no zone; the schedule's timeZone applies)` };
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, error: `${expression}: ${body.trim()} is not a real date and time` };
  }
  return { ok: true, value: { kind: 'at', expression, localTime: body.trim() } };
}

/** Parses a Scheduler schedule expression; the error names the part that is wrong. */
export function parseScheduleExpression(expression: string): ParsedScheduleExpression {
  const match = /^(cron|rate|at)\((.*)\)$/s.exec(expression.trim());
  if (!match) return { ok: false, error: `'${expression}' is not cron(…), rate(…) or at(…)` };
  const [, kind, body = ''] = match;
  if (kind === 'cron') return parseCron(expression, body);
  if (kind === 'rate') return parseRate(expression, body);
  return parseAt(expression, body);
}

/** Whether the runtime knows the IANA zone (as Scheduler's ScheduleExpressionTimezone needs). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function cronFor(pattern: string): Cron {
  // UTC: croner enumerates wall-clock times only; zones are placed by localToInstant.
  return new Cron(pattern, { timezone: 'UTC', mode: '7-part', alternativeWeekdays: true, domAndDow: true, paused: true });
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at an instant, in ms (wall clock − UTC). */
function offsetAt(instantMs: number, timeZone: string): number {
  const parts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) if (part.type in parts) parts[part.type as keyof typeof parts] = Number(part.value);
  const wallClock = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wallClock - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time (given as ms with the wall clock read as UTC) has in a zone: the first of two when the
 * time occurs twice, undefined when it does not exist. Offsets a day either side cover any single transition.
 */
function localToInstant(wallClockMs: number, timeZone: string): number | undefined {
  const before = offsetAt(wallClockMs - 86_400_000, timeZone);
  const after = offsetAt(wallClockMs + 86_400_000, timeZone);
  const candidates = (before === after ? [before] : [before, after]).map((offset) => wallClockMs - offset).filter((instant) => wallClockMs - offsetAt(instant, timeZone) === instant);
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}

/** The wall-clock time of an instant in a zone, as ms with the wall clock read as UTC. */
function instantToLocal(instantMs: number, timeZone: string): number {
  return instantMs + offsetAt(instantMs, timeZone);
}

/** When an `at(…)` schedule fires, or undefined when its time does not exist in the zone (a spring-forward gap). */
export function atInstant(localTime: string, timeZone: string): Date | undefined {
  const instant = localToInstant(Date.parse(`${localTime}Z`), timeZone);
  return instant === undefined ? undefined : new Date(instant);
}

export interface FireTimeOptions {
  timeZone: string;
  /** Fire times strictly after this instant. */
  after: Date;
  count: number;
  /** ISO 8601 instants: no fire before startDate or after endDate. */
  startDate?: string;
  endDate?: string;
  /**
   * When a rate schedule started counting (Scheduler: its StartDate, else when it was created). Without a startDate or
   * an anchor, the rate is counted from `after`.
   */
  rateAnchor?: Date;
}

/** Guards against an expression whose remaining matches all fall in gaps or outside the dates. */
const MAX_CANDIDATES = 100_000;

/** The next `count` times a schedule fires, as Scheduler fires them (minute precision, its daylight-saving rules). */
export function nextFireTimes(expression: string, options: FireTimeOptions): Date[] {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) throw new Error(parsed.error);
  if (!isKnownTimeZone(options.timeZone)) throw new Error(`unknown time zone '${options.timeZone}'`);
  const afterMs = options.after.getTime();
  const startMs = options.startDate ? Date.parse(options.startDate) : undefined;
  const endMs = options.endDate ? Date.parse(options.endDate) : Number.POSITIVE_INFINITY;
  const inWindow = (instant: number) => instant > afterMs && (startMs === undefined || instant >= startMs) && instant <= endMs;
  const expressionValue = parsed.value;
  const times: Date[] = [];
  if (options.count <= 0) return times;

  if (expressionValue.kind === 'at') {
    const instant = atInstant(expressionValue.localTime, options.timeZone)?.getTime();
    return instant !== undefined && inWindow(instant) ? [new Date(instant)] : [];
  }

  if (expressionValue.kind === 'rate') {
    const anchor = startMs ?? options.rateAnchor?.getTime() ?? afterMs;
    const interval = expressionValue.intervalMs;
    const steps = anchor > afterMs ? 0 : Math.floor((afterMs - anchor) / interval) + 1;
    for (let instant = anchor + steps * interval; times.length < options.count && instant <= endMs; instant += interval) times.push(new Date(instant));
    return times;
  }

  const cron = cronFor(expressionValue.pattern);
  // Start a little before `after`'s wall clock so a repeated hour's first pass is not missed; inWindow drops the rest.
  const lowerMs = Math.max(afterMs, startMs ?? afterMs);
  let cursor: Date | null = new Date(instantToLocal(lowerMs, options.timeZone) - 3 * 3_600_000);
  const endLocal = endMs === Number.POSITIVE_INFINITY ? endMs : instantToLocal(endMs, options.timeZone) + 3 * 3_600_000;
  for (let candidates = 0; times.length < options.count && candidates < MAX_CANDIDATES; candidates++) {
    cursor = cron.nextRun(cursor);
    if (!cursor || cursor.getTime() > endLocal) break;
    const instant = localToInstant(cursor.getTime(), options.timeZone);
    if (instant !== undefined && inWindow(instant)) times.push(new Date(instant));
  }
  return times;
}
