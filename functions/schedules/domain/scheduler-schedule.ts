import { isDeepStrictEqual } from 'node:util';
import type { Schedule, ScheduleFire } from './schedule.ts';

/**
 * The EventBridge Scheduler schedule a `Schedule` deploys as, and how a deployed one differs from it (plan's drift).
 * Shapes are CreateSchedule's (EventBridge Scheduler API reference: CreateSchedule, Target, RetryPolicy,
 * DeadLetterConfig, FlexibleTimeWindow), written out here so the domain needs no SDK.
 */

/** What the stack provides every schedule of a stage (functions/schedules/resources.yml, infra/queues.yml). */
export interface ScheduleDeployment {
  groupName: string;
  /** The run state machine. */
  targetArn: string;
  /** The role Scheduler assumes to StartExecution on it and to send to the dead-letter queue. */
  roleArn: string;
  deadLetterQueueArn: string;
}

export interface SchedulerSchedule {
  Name: string;
  GroupName: string;
  Description: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  StartDate?: Date;
  EndDate?: Date;
  State: 'ENABLED' | 'DISABLED';
  FlexibleTimeWindow: { Mode: 'OFF' } | { Mode: 'FLEXIBLE'; MaximumWindowInMinutes: number };
  /** at() schedules stay after their fire; prune (or the file) removes them. */
  ActionAfterCompletion: 'NONE';
  Target: {
    Arn: string;
    RoleArn: string;
    Input: string;
    RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
    DeadLetterConfig: { Arn: string };
  };
}

/** Scheduler substitutes this in the target input with the fire's scheduled time (ISO 8601). */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/** Scheduler's most attempts; its event-age bounds are 60 s to 24 h. */
const MAX_RETRY_ATTEMPTS = 185;
const MIN_EVENT_AGE_SECONDS = 60;
const MAX_EVENT_AGE_SECONDS = 86_400;

/**
 * Scheduler retries a StartExecution that failed (throttling, a service error) for as long as the fire is still worth
 * running: the schedule's starting deadline, after which the run would only be recorded MISSED. Then the fire goes to
 * the dead-letter queue, where it is visible (docs/decisions/0017).
 */
export function retryPolicyOf(schedule: Pick<Schedule, 'startingDeadlineSeconds'>): SchedulerSchedule['Target']['RetryPolicy'] {
  const age = Math.min(MAX_EVENT_AGE_SECONDS, Math.max(MIN_EVENT_AGE_SECONDS, schedule.startingDeadlineSeconds));
  return { MaximumRetryAttempts: MAX_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: age };
}

/** The fire a schedule's target passes to the run state machine, with Scheduler's placeholder for the time. */
export function scheduledFireInput(name: string): string {
  const fire: ScheduleFire = { schedule: name, scheduledTime: SCHEDULED_TIME, trigger: 'schedule' };
  return JSON.stringify(fire);
}

/** The schedule to deploy; `suspended` is the effective state (the file's, or an operator's override). */
export function schedulerScheduleOf(schedule: Schedule, deployment: ScheduleDeployment, suspended: boolean): SchedulerSchedule {
  return {
    Name: schedule.name,
    GroupName: deployment.groupName,
    Description: `Harbormaster schedule ${schedule.name} (harbormaster.yml); changed by harbormaster apply`,
    ScheduleExpression: schedule.expression,
    ScheduleExpressionTimezone: schedule.timeZone,
    ...(schedule.startDate === undefined ? {} : { StartDate: new Date(schedule.startDate) }),
    ...(schedule.endDate === undefined ? {} : { EndDate: new Date(schedule.endDate) }),
    State: suspended ? 'DISABLED' : 'ENABLED',
    FlexibleTimeWindow: schedule.flexibleWindowMinutes > 0 ? { Mode: 'FLEXIBLE', MaximumWindowInMinutes: schedule.flexibleWindowMinutes } : { Mode: 'OFF' },
    ActionAfterCompletion: 'NONE',
    Target: {
      Arn: deployment.targetArn,
      RoleArn: deployment.roleArn,
      Input: scheduledFireInput(schedule.name),
      RetryPolicy: retryPolicyOf(schedule),
      DeadLetterConfig: { Arn: deployment.deadLetterQueueArn },
    },
  };
}

/** A deployed schedule as GetSchedule returns it (the fields compared). */
export interface DeployedSchedule {
  ScheduleExpression?: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: Date;
  EndDate?: Date;
  State?: string;
  FlexibleTimeWindow?: { Mode?: string; MaximumWindowInMinutes?: number };
  Target?: {
    Arn?: string;
    RoleArn?: string;
    Input?: string;
    RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    DeadLetterConfig?: { Arn?: string };
  };
}

/** The fields of the deployed schedule that differ from the desired one (empty: in sync). */
export function schedulerDrift(desired: SchedulerSchedule, deployed: DeployedSchedule): string[] {
  const time = (date: Date | undefined) => date?.getTime();
  const json = (text: string | undefined) => {
    try {
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return text;
    }
  };
  const window = (value: DeployedSchedule['FlexibleTimeWindow']) => (value?.Mode === 'FLEXIBLE' ? `FLEXIBLE ${value.MaximumWindowInMinutes}` : (value?.Mode ?? 'OFF'));
  const comparisons: Array<[string, unknown, unknown]> = [
    ['ScheduleExpression', desired.ScheduleExpression, deployed.ScheduleExpression],
    ['ScheduleExpressionTimezone', desired.ScheduleExpressionTimezone, deployed.ScheduleExpressionTimezone ?? 'UTC'],
    ['StartDate', time(desired.StartDate), time(deployed.StartDate)],
    ['EndDate', time(desired.EndDate), time(deployed.EndDate)],
    ['State', desired.State, deployed.State],
    ['FlexibleTimeWindow', window(desired.FlexibleTimeWindow), window(deployed.FlexibleTimeWindow)],
    ['Target.Arn', desired.Target.Arn, deployed.Target?.Arn],
    ['Target.RoleArn', desired.Target.RoleArn, deployed.Target?.RoleArn],
    ['Target.Input', json(desired.Target.Input), json(deployed.Target?.Input)],
    ['Target.RetryPolicy', desired.Target.RetryPolicy, { MaximumRetryAttempts: deployed.Target?.RetryPolicy?.MaximumRetryAttempts, MaximumEventAgeInSeconds: deployed.Target?.RetryPolicy?.MaximumEventAgeInSeconds }],
    ['Target.DeadLetterConfig', desired.Target.DeadLetterConfig.Arn, deployed.Target?.DeadLetterConfig?.Arn],
  ];
  return comparisons.filter(([, want, have]) => !isDeepStrictEqual(want, have)).map(([field]) => field);
}

/**
 * An operator's `schedules suspend|resume`, kept on the configuration item while it disagrees with the file's
 * `suspended` (docs/decisions/0017): apply keeps it, plan reports it, the file catching up ends it.
 */
export interface OperatorOverride {
  suspended: boolean;
  at: string;
}

/** Whether Scheduler should fire the schedule: the override while there is one, else the file. */
export function effectivelySuspended(schedule: Pick<Schedule, 'suspended'>, override: OperatorOverride | undefined): boolean {
  return override?.suspended ?? schedule.suspended;
}

/** The override to keep after the file says `suspended`: none once they agree. */
export function overrideAfterFile(schedule: Pick<Schedule, 'suspended'>, override: OperatorOverride | undefined): OperatorOverride | undefined {
  return override !== undefined && override.suspended !== schedule.suspended ? override : undefined;
}

/** The override `suspend` (true) or `resume` (false) leaves: none when the file already says so. */
export function overrideFor(schedule: Pick<Schedule, 'suspended'>, suspended: boolean, at: Date): OperatorOverride | undefined {
  return suspended === schedule.suspended ? undefined : { suspended, at: at.toISOString() };
}

/** What plan says about an override. */
export function overrideNote(name: string, override: OperatorOverride): string {
  const verb = override.suspended ? 'suspended' : 'resumed';
  const undo = override.suspended ? 'resume' : 'suspend';
  return `${verb} by \`harbormaster schedules ${override.suspended ? 'suspend' : 'resume'}\` at ${override.at}, while the file says suspended: ${!override.suspended}; apply keeps this until the file agrees or \`harbormaster schedules ${undo} ${name}\` ends it`;
}

/** A deterministic execution name for a manual run (names: 1-80 of letters, digits, `-`, `_`). */
export function manualRunExecutionName(name: string, requestedAt: Date): string {
  const stamp = requestedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 56)}-manual-${stamp}`;
}
