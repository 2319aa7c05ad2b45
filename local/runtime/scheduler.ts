/**
 * EventBridge Scheduler's firing, which moto never does: moto stores schedules (groups, expressions, targets); this
 * fires them on the local clock. Each tick lists every group's ENABLED schedules (paging), computes the fire times in
 * (last tick, now] with the control plane's own next-fire-time function (functions/schedules/domain/fire-times.ts,
 * EventBridge's dialect and daylight-saving rules), and delivers each to its target with the target's Input, context
 * attributes substituted (`<aws.scheduler.scheduled-time>` …), as Scheduler does. Step Functions targets only (what
 * Harbormaster uses): StartExecution with a fresh name, as Scheduler's executions are named.
 */
import { randomUUID } from 'node:crypto';
import { GetScheduleCommand, ListScheduleGroupsCommand, ListSchedulesCommand, type GetScheduleCommandOutput, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { LocalClock } from './clock.ts';
import type { InFlightTracker } from './tracker.ts';

/** The signature of functions/schedules/domain/fire-times.ts `nextFireTimes` (injected: the runtime knows no capability). */
export type FireTimes = (expression: string, options: { timeZone: string; after: Date; count: number; startDate?: string; endDate?: string; rateAnchor?: Date }) => Date[];

/** One delivery of one fire. */
export interface ScheduleFireRecord {
  group: string;
  schedule: string;
  scheduledTime: string;
  targetArn: string;
  executionArn?: string;
  error?: string;
}

export interface LocalSchedulerDeps {
  scheduler: SchedulerClient;
  sfn: SFNClient;
  clock: LocalClock;
  tracker: InFlightTracker;
  fireTimes: FireTimes;
}

/** More fires than this in one tick (a clock moved a year on a per-minute schedule) are cut, oldest kept. */
const MAX_FIRES_PER_SCHEDULE_TICK = 100;

export class LocalScheduler {
  readonly #deps: LocalSchedulerDeps;
  #lastTick: Date;
  #ticking: Promise<ScheduleFireRecord[]> = Promise.resolve([]);
  #timer: NodeJS.Timeout | undefined;
  /** Every delivery since the last reset, oldest first. */
  readonly fires: ScheduleFireRecord[] = [];

  constructor(deps: LocalSchedulerDeps) {
    this.#deps = deps;
    this.#lastTick = deps.clock.now();
    deps.clock.onMove(() => this.tick());
  }

  /** Fires due up to this instant have been delivered. */
  get lastTick(): Date {
    return this.#lastTick;
  }

  /** Fires what fell due since the last tick; ticks never overlap (each starts after the one before). */
  tick(): Promise<ScheduleFireRecord[]> {
    const run = this.#ticking.then(() => this.#tick());
    this.#ticking = run.catch(() => []);
    return this.#deps.tracker.track(run);
  }

  /** Ticks every `intervalMs` of real time too (npm start), so schedules fire as time passes. */
  start(intervalMs = 1_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick().catch((error: unknown) => console.error('[local-runtime] scheduler tick failed:', error)), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Forgets deliveries and starts counting from now (the runtime's reset). */
  reset(): void {
    this.fires.length = 0;
    this.#lastTick = this.#deps.clock.now();
  }

  async #tick(): Promise<ScheduleFireRecord[]> {
    const after = this.#lastTick;
    const now = this.#deps.clock.now();
    if (now <= after) return [];
    this.#lastTick = now;
    const due: Array<{ group: string; schedule: GetScheduleCommandOutput; time: Date }> = [];
    for (const group of await this.#groups()) {
      for (const name of await this.#enabledSchedules(group)) {
        const schedule = await this.#deps.scheduler.send(new GetScheduleCommand({ GroupName: group, Name: name }));
        for (const time of this.#fireTimesOf(schedule, after, now)) due.push({ group, schedule, time });
      }
    }
    due.sort((a, b) => a.time.getTime() - b.time.getTime());
    const delivered = await Promise.all(due.map(({ group, schedule, time }) => this.#deliver(group, schedule, time)));
    this.fires.push(...delivered);
    return delivered;
  }

  #fireTimesOf(schedule: GetScheduleCommandOutput, after: Date, now: Date): Date[] {
    if (!schedule.ScheduleExpression) return [];
    try {
      return this.#deps
        .fireTimes(schedule.ScheduleExpression, {
          timeZone: schedule.ScheduleExpressionTimezone ?? 'UTC',
          after,
          count: MAX_FIRES_PER_SCHEDULE_TICK,
          ...(schedule.StartDate ? { startDate: schedule.StartDate.toISOString() } : {}),
          ...(schedule.EndDate ? { endDate: schedule.EndDate.toISOString() } : {}),
          ...(schedule.CreationDate ? { rateAnchor: schedule.CreationDate } : {}),
        })
        .filter((time) => time <= now);
    } catch (error) {
      // Scheduler would have refused the expression; moto stores anything.
      console.error(`[local-runtime] schedule ${schedule.Name} has an expression Scheduler would refuse (${schedule.ScheduleExpression}):`, error);
      return [];
    }
  }

  async #deliver(group: string, schedule: GetScheduleCommandOutput, time: Date): Promise<ScheduleFireRecord> {
    const targetArn = schedule.Target?.Arn ?? '';
    const record: ScheduleFireRecord = { group, schedule: schedule.Name ?? '', scheduledTime: schedulerTime(time), targetArn };
    if (!/^arn:aws[a-z-]*:states:[^:]+:\d{12}:stateMachine:/.test(targetArn)) return { ...record, error: `target ${targetArn} is not a Step Functions state machine (the local scheduler delivers only those)` };
    const input = contextAttributes(schedule.Target?.Input ?? '{}', { scheduleArn: schedule.Arn ?? '', scheduledTime: record.scheduledTime });
    try {
      const { executionArn } = await this.#deps.sfn.send(new StartExecutionCommand({ stateMachineArn: targetArn, name: randomUUID(), input }));
      return { ...record, ...(executionArn ? { executionArn } : {}) };
    } catch (error) {
      return { ...record, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async #groups(): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#deps.scheduler.send(new ListScheduleGroupsCommand({ NextToken }));
      names.push(...(page.ScheduleGroups ?? []).flatMap((group) => (group.Name ? [group.Name] : [])));
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return names;
  }

  async #enabledSchedules(group: string): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#deps.scheduler.send(new ListSchedulesCommand({ GroupName: group, State: 'ENABLED', NextToken }));
      names.push(...(page.Schedules ?? []).flatMap((schedule) => (schedule.Name ? [schedule.Name] : [])));
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return names;
  }
}

/** Scheduler's `<aws.scheduler.scheduled-time>`: ISO 8601 to the second, UTC — the docs' example is 2022-03-22T18:59:43Z. */
export function schedulerTime(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}

/**
 * Scheduler's context attributes in a target's Input (docs.aws.amazon.com/scheduler/latest/UserGuide/
 * managing-schedule-context-attributes.html): schedule ARN, scheduled time, execution id, attempt number.
 */
export function contextAttributes(input: string, fire: { scheduleArn: string; scheduledTime: string; executionId?: string; attempt?: number }): string {
  return input
    .replaceAll('<aws.scheduler.schedule-arn>', fire.scheduleArn)
    .replaceAll('<aws.scheduler.scheduled-time>', fire.scheduledTime)
    .replaceAll('<aws.scheduler.execution-id>', fire.executionId ?? randomUUID())
    .replaceAll('<aws.scheduler.attempt-number>', String(fire.attempt ?? 1));
}
