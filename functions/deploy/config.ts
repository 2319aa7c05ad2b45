import { z } from 'zod';

/**
 * The `deploy` section of a service configuration (docs/decisions/0007): blue/green deploys on image push with
 * ECS task sets (EXTERNAL deployment controller) behind ALB weighted target groups. Durations are minutes, and
 * fractions are allowed (0.5 = 30 s), so the same schema serves production and second-long tests.
 */

/**
 * Upper bounds, so a typo (a 1e9-minute bake) is refused with the limit instead of holding a deploy, and the service's
 * lock, for ever. A bake is at most a day; green gets at most 4 h to have all its tasks running.
 */
const MAX_BAKE_MINUTES = 1440;
const MAX_GREEN_STABLE_MINUTES = 240;
/** ECS: at most 10 containers per task definition. */
const MAX_CONTAINERS = 10;
/** Each wait registers for every rollback alarm in one transaction (docs/decisions/0013-deploy-waits.md). */
const MAX_ROLLBACK_ALARMS = 20;
const MAX_BAKE_CHECK_MINUTES = 24 * 60;
const MAX_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;
const MAX_NOTIFY_ROUTES = 20;

const minutes = z.number().min(0, 'must be 0 or more minutes').max(MAX_BAKE_MINUTES, `must be at most ${MAX_BAKE_MINUTES} minutes (24 h)`);
const percent = z.number().int('must be a whole percentage').min(1, 'must be at least 1').max(99, 'must be at most 99');
const elbArn = (kind: 'listener' | 'listener-rule' | 'targetgroup') =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:${kind}/.+$`), `must be an ELBv2 ${kind} ARN`);

export const deployStrategySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all-at-once') }).strict(),
  z.object({ type: z.literal('canary'), percent, bakeMinutes: minutes }).strict(),
  z.object({ type: z.literal('linear'), stepPercent: percent, intervalMinutes: minutes }).strict(),
]);
export type DeployStrategy = z.infer<typeof deployStrategySchema>;

/** A listener, or one rule of it, whose forward action carries the weights. */
const trafficRouteSchema = z
  .object({ listenerArn: elbArn('listener'), ruleArn: z.optional(elbArn('listener-rule')) })
  .strict();
export type TrafficRoute = z.infer<typeof trafficRouteSchema>;

/** Run against the test listener before production traffic moves: a Lambda to invoke or an HTTPS URL to GET. */
const preTrafficHookSchema = z.union([
  z
    .object({
      lambda: z
        .string()
        .regex(/^harbormaster-hook-[A-Za-z0-9_-]{1,46}$/, 'must be a Lambda function name starting with harbormaster-hook- (the only ones Harbormaster may invoke)'),
    })
    .strict(),
  z.object({ url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }) }).strict(),
]);

export const deployConfigSchema = z
  .object({
    /** Which pushes deploy this service: an ECR repository and a tag pattern (`*` matches any run of characters). */
    image: z
      .object({
        repository: z.string().max(256, 'must be at most 256 characters (ECR)').regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/, 'must be an ECR repository name'),
        tagPattern: z.string().regex(/^[A-Za-z0-9_.*-]{1,128}$/, 'must be 1–128 tag characters or *').default('*'),
        /** Containers whose image the push replaces; every other field of the task definition is kept. */
        containers: z.array(z.string().min(1).max(255)).min(1, 'must name at least one container').max(MAX_CONTAINERS, `must name at most ${MAX_CONTAINERS} containers (a task definition has no more)`),
      })
      .strict(),
    strategy: deployStrategySchema,
    /** Bake after green became primary, before blue is deleted. */
    finalBakeMinutes: minutes.default(0),
    /** How long green may take to have all its tasks running before the deploy rolls back. */
    greenStableTimeoutMinutes: z
      .number()
      .positive('must be more than 0 minutes')
      .max(MAX_GREEN_STABLE_MINUTES, `must be at most ${MAX_GREEN_STABLE_MINUTES} minutes (4 h)`)
      .default(10),
    /**
     * While green comes up, how often the machine checks it on its own; green's task events resume it sooner
     * (docs/decisions/0013-deploy-waits.md).
     */
    checkIntervalSeconds: z.number().int('must be a whole number of seconds').min(1, 'must be at least 1 second').max(300, 'must be at most 300 seconds (5 min)').default(15),
    /**
     * While a bake waits, how often the machine checks on its own in case an event was lost: the rollback alarm going
     * to ALARM, a green task stopping, an abort or a fast-track resume it at once. Each such check costs 3 state
     * transitions, so a 24-hour bake at the default costs 12 of them (docs/decisions/0013-deploy-waits.md).
     */
    bakeCheckMinutes: z.number().positive('must be more than 0 minutes').max(MAX_BAKE_CHECK_MINUTES, `must be at most ${MAX_BAKE_CHECK_MINUTES} minutes (a day)`).default(120),
    loadBalancer: z
      .object({
        production: trafficRouteSchema,
        test: z.optional(trafficRouteSchema),
        /** Blue serves today; each deploy brings green up on whichever of the two is idle. */
        targetGroupArns: z.tuple([elbArn('targetgroup'), elbArn('targetgroup')]),
      })
      .strict()
      .refine((lb) => lb.targetGroupArns[0] !== lb.targetGroupArns[1], { message: 'targetGroupArns must name two different target groups', path: ['targetGroupArns'] }),
    /** CloudWatch alarm names; any of them in ALARM during a deploy rolls it back. */
    rollbackAlarms: z
      .array(z.string().min(1).max(255))
      .max(MAX_ROLLBACK_ALARMS, `must name at most ${MAX_ROLLBACK_ALARMS} alarms (each wait registers for all of them in one transaction)`)
      .default([]),
    preTrafficHook: z.optional(preTrafficHookSchema),
    /** Pause before production traffic moves until an operator approves (or aborts). */
    manualApproval: z.boolean().default(false),
    /** How long the approval gate waits; the service stays locked meanwhile, so the wait is bounded (7 days at most). */
    approvalTimeoutMinutes: z
      .number()
      .positive('must be more than 0 minutes')
      .max(MAX_APPROVAL_TIMEOUT_MINUTES, `must be at most ${MAX_APPROVAL_TIMEOUT_MINUTES} minutes (7 days)`)
      .default(24 * 60),
    /** What an approval timeout does: roll the deploy back (default) or proceed as if approved. */
    approvalTimeoutAction: z.enum(['rollback', 'proceed']).default('rollback'),
    /** Notification routes (names the notifier resolves to Slack channels / webhooks); empty = the default route. */
    notify: z.array(z.string().min(1).max(255)).max(MAX_NOTIFY_ROUTES, `must name at most ${MAX_NOTIFY_ROUTES} routes`).default([]),
  })
  .strict();

export type DeployConfig = z.infer<typeof deployConfigSchema>;
