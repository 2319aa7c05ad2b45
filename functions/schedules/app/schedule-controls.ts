import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ScheduleItems, StoredSchedule } from '../adapters/schedule-items.ts';
import type { SchedulerSchedules } from '../adapters/scheduler-schedules.ts';
import { nextFireTimes } from '../domain/fire-times.ts';
import {
  effectivelySuspended,
  manualRunExecutionName,
  overrideFor,
  schedulerScheduleOf,
  type OperatorOverride,
  type ScheduleDeployment,
} from '../domain/scheduler-schedule.ts';
import type { ScheduleFire, ScheduleRun } from '../domain/schedule.ts';

/**
 * What `harbormaster schedules` does: list schedules with their next fire times and last run, start a run now,
 * suspend or resume, read run history. Every mutation has a dry run that checks what the real one checks.
 */

export class ScheduleNotFoundError extends Error {
  override readonly name = 'ScheduleNotFoundError';
}

export interface ScheduleOverview {
  name: string;
  expression: string;
  timeZone: string;
  /** The effective state (the override's while there is one). */
  suspended: boolean;
  override?: OperatorOverride;
  nextFireTimes: string[];
  lastRun?: Pick<ScheduleRun, 'runId' | 'attempt' | 'trigger' | 'scheduledTime' | 'outcome' | 'startedAt' | 'stoppedAt' | 'reason'>;
}

export interface ManualRun {
  executionName: string;
  executionArn: string;
  input: ScheduleFire;
  /** False when the same request had already started it (the name is deterministic). */
  started: boolean;
}

export interface ScheduleControlsDependencies {
  items: ScheduleItems;
  scheduler: SchedulerSchedules;
  sfn: SFNClient;
  deployment: ScheduleDeployment;
}

export class ScheduleControls {
  private readonly dependencies: ScheduleControlsDependencies;

  constructor(dependencies: ScheduleControlsDependencies) {
    this.dependencies = dependencies;
  }

  async list(now: Date, fireCount = 5): Promise<ScheduleOverview[]> {
    const stored = await this.dependencies.items.list();
    return Promise.all(stored.map((entry) => this.overview(entry, now, fireCount)));
  }

  async overview(entry: StoredSchedule, now: Date, fireCount = 5): Promise<ScheduleOverview> {
    const { schedule, override } = entry;
    const suspended = effectivelySuspended(schedule, override);
    const fires = nextFireTimes(schedule.expression, {
      timeZone: schedule.timeZone,
      after: now,
      count: fireCount,
      ...(schedule.startDate ? { startDate: schedule.startDate } : {}),
      ...(schedule.endDate ? { endDate: schedule.endDate } : {}),
      rateAnchor: new Date(entry.updatedAt),
    });
    const [last] = await this.dependencies.items.runs(schedule.name, 1);
    return {
      name: schedule.name,
      expression: schedule.expression,
      timeZone: schedule.timeZone,
      suspended,
      ...(override ? { override } : {}),
      nextFireTimes: fires.map((fire) => fire.toISOString()),
      ...(last
        ? {
            lastRun: {
              runId: last.runId,
              attempt: last.attempt,
              trigger: last.trigger,
              scheduledTime: last.scheduledTime,
              outcome: last.outcome,
              ...(last.startedAt ? { startedAt: last.startedAt } : {}),
              ...(last.stoppedAt ? { stoppedAt: last.stoppedAt } : {}),
              ...(last.reason ? { reason: last.reason } : {}),
            },
          }
        : {}),
    };
  }

  async history(name: string, limit: number): Promise<ScheduleRun[]> {
    await this.require(name);
    return this.dependencies.items.runs(name, limit);
  }

  /** Starts the run state machine now with a manual fire; the same request (name and second) starts it once. */
  async run(name: string, requestedAt: Date, options: { dryRun: boolean }): Promise<ManualRun> {
    await this.require(name);
    const scheduledTime = new Date(Math.floor(requestedAt.getTime() / 1000) * 1000).toISOString();
    const input: ScheduleFire = { schedule: name, scheduledTime, trigger: 'manual' };
    const executionName = manualRunExecutionName(name, requestedAt);
    const executionArn = `${this.dependencies.deployment.targetArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    if (options.dryRun) return { executionName, executionArn, input, started: false };
    try {
      const started = await this.dependencies.sfn.send(new StartExecutionCommand({ stateMachineArn: this.dependencies.deployment.targetArn, name: executionName, input: JSON.stringify(input) }));
      return { executionName, executionArn: started.executionArn ?? executionArn, input, started: true };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return { executionName, executionArn, input, started: false };
      throw error;
    }
  }

  /** The execution's status (RUNNING until it ends). */
  async executionStatus(executionArn: string): Promise<string> {
    const { status } = await this.dependencies.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return status ?? 'RUNNING';
  }

  /**
   * Suspends (true) or resumes (false): records the operator's override on the item while it disagrees with the file,
   * then sets the Scheduler schedule's state. Answers the override left (none when the file already says so).
   */
  async setSuspended(name: string, suspended: boolean, at: Date, options: { dryRun: boolean }): Promise<{ before: boolean; after: boolean; override?: OperatorOverride }> {
    const entry = await this.require(name);
    const override = overrideFor(entry.schedule, suspended, at);
    const result = { before: effectivelySuspended(entry.schedule, entry.override), after: suspended, ...(override ? { override } : {}) };
    if (options.dryRun) return result;
    await this.dependencies.items.setOverride(name, entry.revision, entry.override, override);
    await this.dependencies.scheduler.upsert(schedulerScheduleOf(entry.schedule, this.dependencies.deployment, suspended));
    return result;
  }

  private async require(name: string): Promise<StoredSchedule> {
    const entry = await this.dependencies.items.get(name);
    if (!entry) throw new ScheduleNotFoundError(`No schedule ${name} is configured in this stage (declare it under schedules: in harbormaster.yml and apply)`);
    return entry;
  }
}
