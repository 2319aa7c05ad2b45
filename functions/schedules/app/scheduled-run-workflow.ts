import type { TaskTokens } from '../../deploy/index.ts';
import { describeFailure } from '../../deploy/domain/deployment.ts';
import type { RunExecutions } from '../adapters/run-executions.ts';
import type { RunStore, StoredRun } from '../adapters/run-store.ts';
import type { ScheduledTasks } from '../adapters/scheduled-tasks.ts';
import { scheduleRunNotification } from '../domain/run-notifications.ts';
import type { Schedule, ScheduleFire, ScheduleRunOutcome } from '../domain/schedule.ts';
import {
  containerResults,
  decideOverlap,
  decideRetry,
  decideRunning,
  decideStartFailure,
  durationSeconds,
  isTerminal,
  lateBy,
  runIdOf,
  runsBeyondHistory,
  runTaskClientToken,
  skipReason,
  stoppedOutcome,
  type RunContext,
} from '../domain/scheduled-run.ts';

/**
 * The steps of functions/schedules/scheduled-task-run.asl.json (docs/decisions/0018): each reads what it needs, asks
 * domain/scheduled-run.ts, writes one guarded record, and tells the machine where to go (`next`). Every step can run
 * twice (a retried Lambda, a redelivered fire) and ends in the same state.
 */

/** What a stop event did: resumed the waiting run, found none waiting, or found its wait already over. */
export type ResumeOutcome = 'resumed' | 'no-waiter' | 'already-moved-on' | 'resume-failed';

export interface RunWorkflowDependencies {
  store: RunStore;
  tasks: ScheduledTasks;
  executions: RunExecutions;
  tokens: TaskTokens;
  now: () => Date;
}

export class ScheduledRunWorkflow {
  private readonly deps: RunWorkflowDependencies;

  constructor(deps: RunWorkflowDependencies) {
    this.deps = deps;
  }

  /** Claims the fire's first attempt unless it is a redelivery, the schedule is gone or suspended, late, or overlaps (Forbid). */
  async begin(fire: ScheduleFire, executionArn: string): Promise<RunContext> {
    const runId = runIdOf(fire);
    const context: RunContext = { fire, runId, attempt: 1, dueAt: fire.scheduledTime, startFailures: 0, next: 'start', waitSeconds: 0 };
    const claimed = await this.deps.store.getRun(fire.schedule, fire.scheduledTime, 1);
    if (claimed) return this.resumeClaimed(context, claimed, executionArn);

    const schedule = await this.deps.store.getSchedule(fire.schedule);
    const base: StoredRun = { schedule: fire.schedule, runId, attempt: 1, trigger: fire.trigger, scheduledTime: fire.scheduledTime, outcome: 'STARTING', containers: [], executionArn };
    const skipped = skipReason(schedule, fire);
    if (skipped || !schedule) {
      // A suspended or removed schedule's fire is recorded, not announced: nobody is waiting for it.
      await this.deps.store.recordEnded({ ...base, outcome: 'SKIPPED', reason: skipped ?? 'no schedule', stoppedAt: this.at() }, undefined);
      return { ...context, next: 'end' };
    }
    // A manual run's scheduled time is its request time: it cannot arrive late.
    const late = fire.trigger === 'schedule' ? lateBy(fire.scheduledTime, this.deps.now(), schedule.startingDeadlineSeconds) : undefined;
    if (late !== undefined) return this.endUnstarted(context, schedule, { ...base, cluster: schedule.cluster }, 'MISSED', `the fire arrived ${late} s after its scheduled time (startingDeadlineSeconds ${schedule.startingDeadlineSeconds})`);

    const holder = schedule.concurrencyPolicy === 'Allow' ? undefined : await this.deps.store.activeRun(schedule.name);
    const holderRun = holder ? await this.deps.store.runAt(schedule.name, holder.runSk) : undefined;
    const holderActive = holder ? (holderRun !== undefined && !isTerminal(holderRun.outcome)) || (await this.deps.executions.isRunning(holder.executionArn)) : false;
    const overlap = decideOverlap(schedule.concurrencyPolicy, runId, holder, holderActive);
    if (overlap.kind === 'skip') return this.endUnstarted(context, schedule, { ...base, cluster: schedule.cluster }, 'SKIPPED', overlap.reason);
    if (overlap.replaces && holderRun && !isTerminal(holderRun.outcome)) await this.replace(holderRun, runId);

    const taskDefinitionArn = await this.deps.tasks.resolveTaskDefinition(schedule);
    const run: StoredRun = { ...base, cluster: schedule.cluster, taskDefinitionArn };
    const lock = schedule.concurrencyPolicy === 'Allow' ? undefined : { ...(overlap.takeOverFrom ? { takeOverFrom: overlap.takeOverFrom } : {}) };
    const answer = await this.deps.store.claimAttempt(run, lock);
    if (answer === 'exists') {
      const winner = await this.deps.store.getRun(fire.schedule, fire.scheduledTime, 1);
      return winner ? this.resumeClaimed(context, winner, executionArn) : { ...context, next: 'end' };
    }
    // A concurrent fire of this schedule took the lock first: decide again against it.
    if (answer === 'lock-held') return this.begin(fire, executionArn);
    return { ...context, taskDefinitionArn };
  }

  /** RunTask for the current attempt (claiming it first when it is a retry); a failed start is retried within the deadline. */
  async start(context: RunContext, executionArn: string): Promise<RunContext> {
    const { fire } = context;
    const schedule = await this.deps.store.getSchedule(fire.schedule);
    let run = await this.deps.store.getRun(fire.schedule, fire.scheduledTime, context.attempt);
    if (!run) {
      if (!schedule) return { ...context, next: 'finish' };
      const fresh: StoredRun = {
        schedule: fire.schedule,
        runId: context.runId,
        attempt: context.attempt,
        trigger: fire.trigger,
        scheduledTime: fire.scheduledTime,
        outcome: 'STARTING',
        containers: [],
        executionArn,
        cluster: schedule.cluster,
        ...(context.taskDefinitionArn ? { taskDefinitionArn: context.taskDefinitionArn } : {}),
      };
      const answer = await this.deps.store.claimAttempt(fresh, schedule.concurrencyPolicy === 'Allow' ? undefined : {});
      // Replaced between attempts: the run that holds the lock now is the schedule's run.
      if (answer === 'lock-held') return { ...context, next: 'finish' };
      run = answer === 'claimed' ? fresh : await this.deps.store.getRun(fire.schedule, fire.scheduledTime, context.attempt);
    }
    if (!run || run.executionArn !== executionArn || isTerminal(run.outcome)) return { ...context, next: 'finish' };
    if (run.outcome === 'RUNNING' && run.taskArn) return { ...context, taskArn: run.taskArn, next: 'await', waitSeconds: 1 };
    if (!schedule) return this.endAttempt(context, undefined, run, 'SKIPPED', `schedule ${fire.schedule} is not configured (any more)`);

    const taskDefinitionArn = run.taskDefinitionArn ?? (await this.deps.tasks.resolveTaskDefinition(schedule));
    const now = this.deps.now();
    const answer = await this.deps.tasks.start(schedule, taskDefinitionArn, runTaskClientToken(context.runId, context.attempt, context.startFailures), now);
    if ('started' in answer) {
      const startedAt = answer.started.startedAt.toISOString();
      const running: StoredRun = { ...run, taskDefinitionArn, outcome: 'RUNNING', taskArn: answer.started.taskArn, startedAt };
      const written = await this.deps.store.update(running, { lockTask: schedule.concurrencyPolicy !== 'Allow' });
      if (written === 'ended') return { ...context, next: 'finish' };
      const first = decideRunning({ startedAt, now, ...(schedule.timeoutSeconds !== undefined ? { timeoutSeconds: schedule.timeoutSeconds } : {}), stopRequested: false });
      return { ...context, taskDefinitionArn, taskArn: answer.started.taskArn, next: 'await', waitSeconds: first.kind === 'wait' ? first.waitSeconds : 1 };
    }
    const decision = decideStartFailure(answer.failure, { dueAt: context.dueAt, now, startingDeadlineSeconds: schedule.startingDeadlineSeconds, startFailures: context.startFailures });
    if (decision.kind === 'retry') return { ...context, taskDefinitionArn, startFailures: context.startFailures + 1, lastStartFailure: answer.failure.reason, next: 'wait', waitSeconds: decision.waitSeconds };
    return this.endAttempt({ ...context, taskDefinitionArn }, schedule, { ...run, taskDefinitionArn }, decision.kind === 'missed' ? 'MISSED' : 'FAILED', decision.reason);
  }

  /** Parks on the task token: registers it for the task's stop event, then looks once (a stop before the registration counts). */
  async awaitStop(context: RunContext, taskToken: string): Promise<{ resumedNow: boolean }> {
    const { fire, taskArn } = context;
    const run = await this.deps.store.getRun(fire.schedule, fire.scheduledTime, context.attempt);
    if (!taskArn || !run || isTerminal(run.outcome)) return { resumedNow: (await this.deps.tokens.succeed(taskToken, {})) === 'resumed' };
    const now = this.deps.now();
    const wakeAt = new Date(now.getTime() + context.waitSeconds * 1000).toISOString();
    await this.deps.store.registerWaiter(taskArn, taskToken, { schedule: fire.schedule, runId: context.runId, at: now.toISOString(), wakeAt });
    const task = await this.deps.tasks.describe(run.cluster ?? 'default', taskArn);
    if (task && task.lastStatus !== 'STOPPED') return { resumedNow: false };
    const claimed = await this.deps.store.claimWaiter(taskArn);
    return { resumedNow: claimed !== undefined && (await this.deps.tokens.succeed(claimed, {})) === 'resumed' };
  }

  /** The task stopped (record its end, maybe retry), or still runs (stop it at its timeout, else wait again). */
  async check(context: RunContext, executionArn: string): Promise<RunContext> {
    const { fire } = context;
    const run = await this.deps.store.getRun(fire.schedule, fire.scheduledTime, context.attempt);
    if (!run || run.executionArn !== executionArn || isTerminal(run.outcome) || !run.taskArn) return { ...context, next: 'finish' };
    const schedule = await this.deps.store.getSchedule(fire.schedule);
    const cluster = run.cluster ?? schedule?.cluster ?? 'default';
    const task = await this.deps.tasks.describe(cluster, run.taskArn);
    const now = this.deps.now();
    if (!task) return this.endAttempt(context, schedule, run, 'FAILED', `ECS no longer knows task ${run.taskArn}`);
    if (task.lastStatus === 'STOPPED') {
      const definitions = run.taskDefinitionArn ? await this.deps.tasks.containers(run.taskDefinitionArn) : [];
      const { outcome, reason } = stoppedOutcome(task, definitions, run.timedOut === true);
      const stoppedAt = (task.stoppedAt ?? now).toISOString();
      const ended: StoredRun = {
        ...run,
        outcome,
        stoppedAt,
        ...(durationSeconds(run.startedAt, stoppedAt) !== undefined ? { durationSeconds: durationSeconds(run.startedAt, stoppedAt) } : {}),
        ...(task.stopCode ? { stopCode: task.stopCode } : {}),
        ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
        ...(reason ? { reason } : {}),
        containers: containerResults(task, definitions, run.taskArn),
      };
      return this.recordEnd(context, schedule, ended);
    }
    const running = decideRunning({
      startedAt: run.startedAt ?? now.toISOString(),
      now,
      ...(schedule?.timeoutSeconds !== undefined ? { timeoutSeconds: schedule.timeoutSeconds } : {}),
      stopRequested: run.stopRequestedAt !== undefined,
    });
    if (running.kind === 'wait') return { ...context, taskArn: run.taskArn, next: 'await', waitSeconds: running.waitSeconds };
    await this.deps.tasks.stop(cluster, run.taskArn, running.reason);
    await this.deps.store.update({ ...run, timedOut: true, stopRequestedAt: now.toISOString(), stopReason: running.reason });
    return { ...context, taskArn: run.taskArn, next: 'await', waitSeconds: 1 };
  }

  /** Releases the lock (if this run holds it) and deletes run records beyond the history limits. */
  async finish(context: RunContext): Promise<Record<string, never>> {
    const { fire } = context;
    await this.deps.store.releaseLock(fire.schedule, context.runId);
    const schedule = await this.deps.store.getSchedule(fire.schedule);
    if (schedule) await this.deps.store.deleteRuns(runsBeyondHistory(await this.deps.store.runs(fire.schedule), schedule.history));
    return {};
  }

  /**
   * A step failed for good (the machine's catch-all): the current attempt is recorded FAILED and announced, its task
   * stopped (nothing would watch it any more), the lock released.
   */
  async abandon(fire: ScheduleFire, context: RunContext | undefined, failure: { Error?: string; Cause?: string }, executionArn: string): Promise<Record<string, never>> {
    const reason = `the run failed: ${describeFailure(failure)}`;
    await this.endActiveRuns(fire, executionArn, reason);
    const attempt = context?.attempt ?? 1;
    const run = await this.deps.store.getRun(fire.schedule, fire.scheduledTime, attempt);
    if (!run) {
      const schedule = await this.deps.store.getSchedule(fire.schedule);
      const failed: StoredRun = { schedule: fire.schedule, runId: runIdOf(fire), attempt, trigger: fire.trigger, scheduledTime: fire.scheduledTime, outcome: 'FAILED', reason, containers: [], executionArn, stoppedAt: this.at() };
      await this.deps.store.recordEnded(failed, scheduleRunNotification(failed, schedule?.cluster, this.at()));
    }
    await this.deps.store.releaseLock(fire.schedule, runIdOf(fire));
    return {};
  }

  /**
   * Ends what an execution left active (a stop by hand, a timeout, a failure past the catch-all): each of its attempts
   * still STARTING or RUNNING is recorded FAILED with why, and its task stopped; the lock is released. Idempotent.
   */
  async endActiveRuns(fire: ScheduleFire, executionArn: string, reason: string): Promise<number> {
    const schedule = await this.deps.store.getSchedule(fire.schedule);
    const active = (await this.deps.store.runs(fire.schedule, fire.scheduledTime)).filter((run) => run.executionArn === executionArn && !isTerminal(run.outcome));
    for (const run of active) {
      if (run.taskArn) await this.deps.tasks.stop(run.cluster ?? schedule?.cluster ?? 'default', run.taskArn, reason).catch(() => undefined);
      const ended: StoredRun = { ...run, outcome: 'FAILED', reason, stoppedAt: this.at(), ...(durationSeconds(run.startedAt, this.at()) !== undefined ? { durationSeconds: durationSeconds(run.startedAt, this.at()) } : {}) };
      await this.deps.store.update(ended, { notification: scheduleRunNotification(ended, run.cluster, this.at()) });
    }
    if (active.length > 0) await this.deps.store.releaseLock(fire.schedule, runIdOf(fire));
    return active.length;
  }

  /** A scheduled task stopped (its ECS Task State Change): the run waiting for it looks at once. Redeliveries resume nothing twice. */
  async onTaskStopped(taskArn: string): Promise<ResumeOutcome> {
    const taskToken = await this.deps.store.claimWaiter(taskArn);
    return taskToken === undefined ? 'no-waiter' : this.deps.tokens.succeed(taskToken, {});
  }

  /**
   * A run execution ended FAILED, TIMED_OUT or ABORTED (stopped by hand): whatever it left STARTING or RUNNING is ended
   * (docs/decisions/0018; the deploy reconciler's pattern, functions/deploy/app/execution-reconciler.ts). The status
   * that counts is the execution's now: a late or repeated event for an execution redriven since changes nothing.
   */
  async onExecutionEnded(executionArn: string): Promise<{ ended: number; why?: string }> {
    const execution = await this.deps.executions.describe(executionArn);
    if (!execution) return { ended: 0, why: `${executionArn} does not exist` };
    if (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE' || execution.status === 'SUCCEEDED') return { ended: 0, why: `${executionArn} is ${execution.status}` };
    const fire = fireOf(execution.input);
    if (!fire) return { ended: 0, why: `${executionArn} has no schedule fire as its input` };
    return { ended: await this.endActiveRuns(fire, executionArn, `the run's execution ended ${execution.status} before the run did`) };
  }

  private async resumeClaimed(context: RunContext, claimed: StoredRun, executionArn: string): Promise<RunContext> {
    // Another execution claimed this fire (Scheduler delivers at least once): it runs it, this one ends.
    if (claimed.executionArn !== executionArn) return { ...context, next: 'end' };
    if (isTerminal(claimed.outcome)) return { ...context, next: 'finish' };
    return { ...context, ...(claimed.taskDefinitionArn ? { taskDefinitionArn: claimed.taskDefinitionArn } : {}), next: 'start' };
  }

  /** A fire that starts no task (missed on arrival, skipped for overlap): recorded and announced once. */
  private async endUnstarted(context: RunContext, schedule: Schedule, run: StoredRun, outcome: ScheduleRunOutcome, reason: string): Promise<RunContext> {
    const ended: StoredRun = { ...run, outcome, reason, stoppedAt: this.at() };
    await this.deps.store.recordEnded(ended, scheduleRunNotification(ended, schedule.cluster, this.at()));
    return { ...context, next: 'end' };
  }

  private endAttempt(context: RunContext, schedule: Schedule | undefined, run: StoredRun, outcome: ScheduleRunOutcome, reason: string): Promise<RunContext> {
    return this.recordEnd(context, schedule, { ...run, outcome, reason, stoppedAt: this.at() });
  }

  /** Records the attempt's end with its announcement, then retries a failure while the policy allows. */
  private async recordEnd(context: RunContext, schedule: Schedule | undefined, ended: StoredRun): Promise<RunContext> {
    const written = await this.deps.store.update(ended, { notification: scheduleRunNotification(ended, ended.cluster, this.at()) });
    if (written === 'ended' || !schedule) return { ...context, next: 'finish' };
    const retry = decideRetry(ended.outcome, context.attempt, schedule.retries);
    if (retry.kind === 'done') return { ...context, next: 'finish' };
    const dueAt = new Date(this.deps.now().getTime() + retry.waitSeconds * 1000).toISOString();
    const { taskArn: _previous, lastStartFailure: _failure, ...rest } = context;
    return { ...rest, attempt: context.attempt + 1, dueAt, startFailures: 0, next: 'wait', waitSeconds: retry.waitSeconds };
  }

  /** Replace: the holder's task is stopped and its attempt recorded REPLACED (its own machine then finds it ended). */
  private async replace(holder: StoredRun, byRunId: string): Promise<void> {
    const reason = `replaced by run ${byRunId} (concurrencyPolicy Replace)`;
    if (holder.taskArn) await this.deps.tasks.stop(holder.cluster ?? 'default', holder.taskArn, reason);
    const at = this.at();
    await this.deps.store.update({ ...holder, outcome: 'REPLACED', reason, stoppedAt: at, ...(durationSeconds(holder.startedAt, at) !== undefined ? { durationSeconds: durationSeconds(holder.startedAt, at) } : {}) }, { anyExecution: true });
  }

  private at(): string {
    return this.deps.now().toISOString();
  }
}

function fireOf(input: Record<string, unknown>): ScheduleFire | undefined {
  const { schedule, scheduledTime, trigger } = input;
  if (typeof schedule !== 'string' || typeof scheduledTime !== 'string') return undefined;
  return { schedule, scheduledTime, trigger: trigger === 'manual' ? 'manual' : 'schedule' };
}
