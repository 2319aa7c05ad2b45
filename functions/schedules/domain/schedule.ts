/**
 * A scheduled ECS task as stored after `harbormaster apply` (the `schedules` section of harbormaster.yml, keyed by
 * name). The section's zod schema (functions/schedules/config.ts) validates the file and yields exactly this shape,
 * defaults applied; the run state machine reads it back from the state table at fire time, so a schedule changed by
 * `apply` takes effect on its next fire.
 *
 * Stored like the other configuration items: pk `CONFIG`, sk `SCHEDULE#<name>`, kind `schedule-config`, the fields
 * below at the top level beside `revision` (see functions/config/adapters/config-store.ts).
 */
export interface Schedule {
  /** The key in harbormaster.yml; also the EventBridge Scheduler schedule name (within the stage's group). */
  name: string;
  /** `cron(…)` (EventBridge's six-field dialect), `rate(…)` or `at(…)`, as EventBridge Scheduler takes it. */
  expression: string;
  /** IANA time zone the expression is read in (default UTC). */
  timeZone: string;
  /** ISO 8601; no fire before / after. */
  startDate?: string;
  endDate?: string;
  /** Scheduler's flexible time window, in minutes (0 = off). */
  flexibleWindowMinutes: number;
  /** Cluster name or ARN the task runs in. */
  cluster: string;
  /** Exactly one of family (latest ACTIVE revision), revision (pinned ARN or family:revision) or followService. */
  taskDefinition: { family: string } | { revision: string } | { followService: string };
  overrides?: {
    containers: Array<{
      name: string;
      command?: string[];
      environment?: Record<string, string>;
      cpu?: number;
      memory?: number;
    }>;
  };
  launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  capacityProviderStrategy?: Array<{ capacityProvider: string; weight?: number; base?: number }>;
  network?: { subnets: string[]; securityGroups?: string[]; assignPublicIp?: boolean };
  /** Allow: runs may overlap; Forbid (default): skip while a run is active; Replace: stop the active run, start the new. */
  concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  /** A run that cannot start within this many seconds of its scheduled time is recorded missed. */
  startingDeadlineSeconds: number;
  /** StopTask when a run has been running this long (absent: no limit). */
  timeoutSeconds?: number;
  /** Further attempts after a failed run, with exponential backoff from backoffSeconds. */
  retries: { limit: number; backoffSeconds: number };
  /** Run records kept per outcome; older ones are deleted. */
  history: { successful: number; failed: number };
  suspended: boolean;
}

/** What the Scheduler target (and `harbormaster schedules run`) passes to the run state machine. */
export interface ScheduleFire {
  schedule: string;
  /** ISO 8601: `<aws.scheduler.scheduled-time>` for a fire, the request time for a manual run. */
  scheduledTime: string;
  trigger: 'schedule' | 'manual';
}

/** How a run attempt ended (RUNNING while its task has not stopped). */
export type ScheduleRunOutcome = 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'SKIPPED' | 'MISSED' | 'REPLACED';

/**
 * One attempt of one fire, written by the run state machine and read by `harbormaster schedules history`.
 * Stored at pk `SCHEDULE#<name>`, sk `RUN#<scheduledTime>#<attempt, two digits>` (scheduleRunKey), kind `schedule-run`.
 */
export interface ScheduleRun {
  schedule: string;
  /** Deterministic per fire: `<name>@<scheduledTime>`; also the RunTask client token's basis. */
  runId: string;
  attempt: number;
  trigger: ScheduleFire['trigger'];
  scheduledTime: string;
  startedAt?: string;
  stoppedAt?: string;
  durationSeconds?: number;
  outcome: ScheduleRunOutcome;
  taskArn?: string;
  taskDefinitionArn?: string;
  stopCode?: string;
  stoppedReason?: string;
  /** Why it was skipped, missed, failed or timed out, for people. */
  reason?: string;
  containers: Array<{ name: string; exitCode?: number; reason?: string; logGroup?: string; logStream?: string }>;
}

export function scheduleRunKey(schedule: string, scheduledTime: string, attempt: number): { pk: string; sk: string } {
  return { pk: `SCHEDULE#${schedule}`, sk: `RUN#${scheduledTime}#${String(attempt).padStart(2, '0')}` };
}
