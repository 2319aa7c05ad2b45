import { z } from 'zod';
import { InvalidConfigError, issueMessages } from '../kernel/config-errors.ts';
import type { ConfigSection } from '../kernel/config-sections.ts';
import { atInstant, isKnownTimeZone, parseScheduleExpression } from './domain/fire-times.ts';
import type { Schedule } from './domain/schedule.ts';

/**
 * The `schedules` section of harbormaster.yml (docs/decisions/0017): scheduled ECS tasks keyed by name, validated here
 * before anything is deployed and stored as exactly `Schedule` (domain/schedule.ts), defaults applied. What only AWS
 * can say (does the family have an ACTIVE revision?) is checked by `plan` and `apply`, not here.
 */

/** EventBridge Scheduler's schedule names: 1-64 of letters, digits, `.`, `-`, `_`. */
const scheduleName = z.string().regex(/^[0-9A-Za-z._-]{1,64}$/, 'must be 1–64 letters, digits, dots, hyphens or underscores (an EventBridge Scheduler schedule name)');
const ecsName = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1–255 letters, digits, hyphens or underscores');
const clusterReference = z
  .string()
  .regex(/^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255})$/, 'must be an ECS cluster name or cluster ARN');
const revisionReference = z
  .string()
  .regex(/^([A-Za-z0-9_-]{1,255}:\d+|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+)$/, 'must be family:revision or a task-definition ARN with its revision');
const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time with a zone, e.g. 2027-01-01T00:00:00Z' });

/** Bounds: run records and retries are per fire, so they are kept small. */
export const SCHEDULE_LIMITS = {
  historyMax: 100,
  retriesMax: 10,
  backoffSecondsMax: 3600,
  startingDeadlineSecondsMin: 60,
  startingDeadlineSecondsMax: 86_400,
  timeoutSecondsMax: 7 * 86_400,
  flexibleWindowMinutesMax: 1440,
  containersMax: 10,
  subnetsMax: 16,
  securityGroupsMax: 5,
} as const;

const containerOverride = z
  .object({
    name: z.string().min(1, 'must name a container of the task definition').max(255),
    command: z.array(z.string()).max(100).optional().meta({ description: 'Replaces the container’s command.' }),
    environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()).optional().meta({ description: 'Added to (or replacing) the container’s environment.' }),
    cpu: z.int('must be a whole number of CPU units').min(0).max(16_384).optional(),
    memory: z.int('must be a whole number of MiB').min(6, 'must be at least 6 MiB').max(245_760).optional(),
  })
  .strict();

const taskDefinition = z
  .object({
    family: ecsName.optional().meta({ description: 'The family’s latest ACTIVE revision at each fire.' }),
    revision: revisionReference.optional().meta({ description: 'A pinned revision: family:revision or its ARN.' }),
    followService: ecsName.optional().meta({ description: 'The revision the named service (under `services`) runs at each fire, so a deploy moves the job with it.' }),
  })
  .strict()
  .superRefine((value, context) => {
    const given = (['family', 'revision', 'followService'] as const).filter((key) => value[key] !== undefined);
    if (given.length !== 1) {
      context.addIssue({ code: 'custom', message: `must give exactly one of family, revision or followService${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}` });
    }
  })
  .transform((value): Schedule['taskDefinition'] => {
    if (value.family !== undefined) return { family: value.family };
    if (value.revision !== undefined) return { revision: value.revision };
    return { followService: value.followService ?? '' };
  });

const scheduleEntry = z
  .object({
    expression: z
      .string()
      .superRefine((expression, context) => {
        const parsed = parseScheduleExpression(expression);
        if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error });
      })
      .meta({ description: 'When it fires, in EventBridge Scheduler’s dialect: `cron(minutes hours day-of-month month day-of-week year)`, `rate(5 minutes)` or `at(2027-01-01T09:00:00)`.' }),
    timeZone: z
      .string()
      .refine(isKnownTimeZone, { message: 'must be an IANA time zone, e.g. Europe/London or America/New_York' })
      .default('UTC')
      .meta({ description: 'The IANA time zone the expression is read in; daylight saving follows EventBridge Scheduler (a time skipped by spring-forward does not fire, a repeated time fires once).' }),
    startDate: isoInstant.optional().meta({ description: 'No fire before this instant (cron and rate).' }),
    endDate: isoInstant.optional().meta({ description: 'No fire after this instant (cron and rate).' }),
    flexibleWindowMinutes: z
      .int('must be a whole number of minutes')
      .min(0)
      .max(SCHEDULE_LIMITS.flexibleWindowMinutesMax, `must be at most ${SCHEDULE_LIMITS.flexibleWindowMinutesMax}`)
      .default(0)
      .meta({ description: 'EventBridge Scheduler may fire up to this many minutes late, to spread load (0 = on time).' }),
    cluster: clusterReference.meta({ description: 'The cluster the task runs in (name or ARN).' }),
    taskDefinition: taskDefinition.meta({ description: 'Exactly one of `family`, `revision` or `followService`.' }),
    overrides: z
      .object({ containers: z.array(containerOverride).min(1).max(SCHEDULE_LIMITS.containersMax) })
      .strict()
      .optional()
      .meta({ description: 'Container overrides for the run: command, environment, cpu, memory.' }),
    launchType: z.enum(['FARGATE', 'EC2', 'EXTERNAL']).optional().meta({ description: 'Launch type; or give capacityProviderStrategy (not both). Neither: the cluster’s default strategy.' }),
    capacityProviderStrategy: z
      .array(
        z
          .object({
            capacityProvider: z.string().min(1).max(255),
            weight: z.int().min(0).max(1000).optional(),
            base: z.int().min(0).max(100_000).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(20)
      .optional(),
    network: z
      .object({
        subnets: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id (subnet-…)')).min(1, 'must list at least one subnet').max(SCHEDULE_LIMITS.subnetsMax),
        securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id (sg-…)')).max(SCHEDULE_LIMITS.securityGroupsMax).optional(),
        assignPublicIp: z.boolean().optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'awsvpc networking: required for Fargate.' }),
    concurrencyPolicy: z
      .enum(['Allow', 'Forbid', 'Replace'])
      .default('Forbid')
      .meta({ description: 'When a fire finds a run still active: Forbid skips the new one (recorded SKIPPED), Replace stops the old one, Allow runs both.' }),
    startingDeadlineSeconds: z
      .int('must be a whole number of seconds')
      .min(SCHEDULE_LIMITS.startingDeadlineSecondsMin, `must be at least ${SCHEDULE_LIMITS.startingDeadlineSecondsMin} (Scheduler fires within a minute)`)
      .max(SCHEDULE_LIMITS.startingDeadlineSecondsMax, `must be at most ${SCHEDULE_LIMITS.startingDeadlineSecondsMax} (a day)`)
      .default(300)
      .meta({ description: 'A run that cannot start (capacity, throttling) within this many seconds of its scheduled time is recorded MISSED and announced.' }),
    timeoutSeconds: z
      .int('must be a whole number of seconds')
      .min(60, 'must be at least 60')
      .max(SCHEDULE_LIMITS.timeoutSecondsMax, `must be at most ${SCHEDULE_LIMITS.timeoutSecondsMax} (7 days)`)
      .optional()
      .meta({ description: 'The task is stopped (StopTask) and the run recorded TIMED_OUT after running this long. Absent: no limit.' }),
    retries: z
      .object({
        limit: z.int().min(0).max(SCHEDULE_LIMITS.retriesMax, `must be at most ${SCHEDULE_LIMITS.retriesMax}`).default(0),
        backoffSeconds: z.int().min(1).max(SCHEDULE_LIMITS.backoffSecondsMax, `must be at most ${SCHEDULE_LIMITS.backoffSecondsMax}`).default(30),
      })
      .strict()
      .default({ limit: 0, backoffSeconds: 30 })
      .meta({ description: 'Further attempts after a failed run (an essential container exited non-zero), waiting backoffSeconds, then doubling.' }),
    history: z
      .object({
        successful: z.int().min(0).max(SCHEDULE_LIMITS.historyMax, `must be at most ${SCHEDULE_LIMITS.historyMax}`).default(10),
        failed: z.int().min(0).max(SCHEDULE_LIMITS.historyMax, `must be at most ${SCHEDULE_LIMITS.historyMax}`).default(10),
      })
      .strict()
      .default({ successful: 10, failed: 10 })
      .meta({ description: 'Run records kept per outcome; older ones are deleted.' }),
    suspended: z.boolean().default(false).meta({ description: 'No fires while true (the Scheduler schedule is DISABLED); `harbormaster schedules suspend|resume` overrides it until the file agrees.' }),
  })
  .strict()
  .superRefine((entry, context) => {
    const parsed = parseScheduleExpression(entry.expression);
    if (parsed.ok && parsed.value.kind === 'at') {
      if (entry.startDate !== undefined || entry.endDate !== undefined) {
        context.addIssue({ code: 'custom', path: [entry.startDate !== undefined ? 'startDate' : 'endDate'], message: 'applies to cron and rate schedules only; an at() schedule fires once' });
      }
      if (isKnownTimeZone(entry.timeZone) && atInstant(parsed.value.localTime, entry.timeZone) === undefined) {
        context.addIssue({ code: 'custom', path: ['expression'], message: `${parsed.value.localTime} does not exist in ${entry.timeZone} (clocks spring forward over it), so it would never fire` });
      }
    }
    if (entry.startDate !== undefined && entry.endDate !== undefined && Date.parse(entry.startDate) >= Date.parse(entry.endDate)) {
      context.addIssue({ code: 'custom', path: ['endDate'], message: `must be after startDate (${entry.startDate})` });
    }
    if (entry.launchType !== undefined && entry.capacityProviderStrategy !== undefined) {
      context.addIssue({ code: 'custom', path: ['capacityProviderStrategy'], message: 'give launchType or capacityProviderStrategy, not both (RunTask refuses both)' });
    }
    const fargate = entry.launchType === 'FARGATE' || entry.capacityProviderStrategy?.some(({ capacityProvider }) => capacityProvider.startsWith('FARGATE'));
    if (fargate && entry.network === undefined) {
      context.addIssue({ code: 'custom', path: ['network'], message: 'Fargate tasks use awsvpc networking: give network.subnets (and usually securityGroups)' });
    }
    if (entry.network !== undefined && entry.launchType === 'EXTERNAL') {
      context.addIssue({ code: 'custom', path: ['network'], message: 'EXTERNAL (ECS Anywhere) tasks take no awsvpc network configuration' });
    }
  });

type ScheduleEntry = z.infer<typeof scheduleEntry>;

/** Types the section against the shared contract: a schema change that drifts from `Schedule` fails to compile. */
function toSchedule(name: string, entry: ScheduleEntry): Schedule {
  return { name, ...entry };
}

export const schedulesConfigSchema = z
  .record(z.string(), scheduleEntry)
  .superRefine((schedules, context) => {
    // Checked here rather than as the record's key schema, whose message would only say "Invalid key in record".
    for (const name of Object.keys(schedules)) {
      const result = scheduleName.safeParse(name);
      if (!result.success) context.addIssue({ code: 'custom', path: [name], message: result.error.issues[0]?.message ?? 'is not a schedule name' });
    }
  })
  .optional()
  .meta({ description: 'Scheduled ECS tasks, keyed by name (also their EventBridge Scheduler schedule name in the stage’s group), with overlap control, deadlines, retries and run history.' });

export const schedulesSection: ConfigSection = {
  key: 'schedules',
  schema: schedulesConfigSchema,
  entries: (value) =>
    Object.entries((value ?? {}) as Record<string, ScheduleEntry>).map(([name, entry]) => ({ id: name, label: name, path: ['schedules', name], value: toSchedule(name, entry) })),
  crossCheck: (value, file) => {
    const services = new Set(Object.keys((file['services'] ?? {}) as Record<string, unknown>));
    return Object.entries((value ?? {}) as Record<string, ScheduleEntry>).flatMap(([name, entry]) =>
      // Runs only on a file whose sections are valid, but reads defensively all the same.
      typeof entry?.taskDefinition === 'object' && 'followService' in entry.taskDefinition && !services.has(entry.taskDefinition.followService)
        ? [{ path: ['schedules', name, 'taskDefinition', 'followService'], message: `names no service of this file's services section (${[...services].join(', ') || 'none declared'})` }]
        : [],
    );
  },
};

/** A stored schedule read back (the run state machine and the CLI): validated again, so a hand-edited item fails loudly. */
export function parseSchedule(input: unknown): Schedule {
  const name = scheduleName.safeParse((input as { name?: unknown } | undefined)?.name);
  if (!name.success) throw new InvalidConfigError('a schedule', ['name: must be a schedule name']);
  const { name: _name, ...entry } = input as Record<string, unknown>;
  const result = scheduleEntry.safeParse(entry);
  if (!result.success) throw new InvalidConfigError(`schedule ${name.data}`, issueMessages(result.error));
  return toSchedule(name.data, result.data);
}
