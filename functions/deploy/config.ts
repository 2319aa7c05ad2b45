import { z } from 'zod';
import { analysisConfigSchema } from '../analysis/config.ts';
import { planDeployFor, plannedMeasurements } from './domain/deploy-plan.ts';

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
const MAX_SLACK_APPROVERS = 100;
/** Each measurement costs 3 state transitions and ~9 history events (docs/decisions/0013); 25,000 events are allowed. */
const MAX_MEASUREMENTS_PER_DEPLOY = 500;

const minutes = z.number().min(0, 'must be 0 or more minutes').max(MAX_BAKE_MINUTES, `must be at most ${MAX_BAKE_MINUTES} minutes (24 h)`);
const percent = z.number().int('must be a whole percentage').min(1, 'must be at least 1').max(99, 'must be at most 99');
const elbArn = (kind: 'listener' | 'listener-rule' | 'targetgroup') =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:${kind}/.+$`), `must be an ELBv2 ${kind} ARN`);

export const deployStrategySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all-at-once') }).strict().meta({ description: 'All production traffic moves to green in one step.' }),
  z
    .object({
      type: z.literal('canary'),
      percent: percent.meta({ description: 'Share of production traffic green gets first, in percent.' }),
      bakeMinutes: minutes.meta({ description: 'How long green serves that share before the rest of the traffic moves, in minutes.' }),
    })
    .strict()
    .meta({ description: 'A share of production traffic moves to green, bakes, then the rest follows.' }),
  z
    .object({
      type: z.literal('linear'),
      stepPercent: percent.meta({ description: 'Production traffic moved to green at each step, in percent (green gets stepPercent, twice that, … then 100).' }),
      intervalMinutes: minutes.meta({ description: 'Bake between two steps, in minutes.' }),
    })
    .strict()
    .meta({ description: 'Production traffic moves to green in equal steps, with a bake after each.' }),
]);
export type DeployStrategy = z.infer<typeof deployStrategySchema>;

const trafficRouteSchema = z
  .object({
    listenerArn: elbArn('listener').meta({ description: 'The ALB listener; its default forward action carries the weights unless ruleArn names one of its rules.' }),
    ruleArn: z.optional(elbArn('listener-rule')).meta({ description: 'A rule of that listener whose forward action carries the weights instead.' }),
  })
  .strict();
export type TrafficRoute = z.infer<typeof trafficRouteSchema>;

const preTrafficHookSchema = z.union([
  z
    .object({
      lambda: z
        .string()
        .regex(/^harbormaster-hook-[A-Za-z0-9_-]{1,46}$/, 'must be a Lambda function name starting with harbormaster-hook- (the only ones Harbormaster may invoke)')
        .meta({ description: 'Name of the Lambda function; it must start with harbormaster-hook-, the only functions Harbormaster may invoke.' }),
    })
    .strict()
    .meta({ description: 'Invoke a Lambda function with the deployment id, cluster, service, green task set ARN and test listener; it fails the check by failing or by answering `{"passed": false}`.' }),
  z
    .object({ url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).meta({ description: 'An https:// URL.' }) })
    .strict()
    .meta({ description: 'GET an HTTPS URL; an answer other than 2xx, or none within 10 s, fails the check.' }),
]);

export const deployConfigSchema = z
  .object({
    image: z
      .object({
        repository: z
          .string()
          .max(256, 'must be at most 256 characters (ECR)')
          .regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/, 'must be an ECR repository name')
          .meta({ description: 'The ECR repository (its name, not its URI) whose pushes deploy the service.' }),
        tagPattern: z
          .string()
          .regex(/^[A-Za-z0-9_.*-]{1,128}$/, 'must be 1–128 tag characters or *')
          .default('*')
          .meta({ description: 'Tags whose pushes deploy: `*` matches any run of characters (`v*`, `release-*`); the default, every tag.' }),
        containers: z
          .array(z.string().min(1).max(255))
          .min(1, 'must name at least one container')
          .max(MAX_CONTAINERS, `must name at most ${MAX_CONTAINERS} containers (a task definition has no more)`)
          .meta({ description: 'Containers whose image the push replaces; every other field of the task definition is kept.' }),
      })
      .strict()
      .meta({ description: 'Which pushes deploy this service, and which containers get the pushed image (pinned by digest).' }),
    strategy: deployStrategySchema.meta({ description: 'How production traffic moves from blue to green, chosen by `type`.' }),
    finalBakeMinutes: minutes.default(0).meta({ description: 'Bake after green became the primary task set, before blue is deleted, in minutes.' }),
    greenStableTimeoutMinutes: z
      .number()
      .positive('must be more than 0 minutes')
      .max(MAX_GREEN_STABLE_MINUTES, `must be at most ${MAX_GREEN_STABLE_MINUTES} minutes (4 h)`)
      .default(10)
      .meta({ description: 'How long green may take to have all its tasks running before the deploy rolls back, in minutes.' }),
    checkIntervalSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(1, 'must be at least 1 second')
      .max(300, 'must be at most 300 seconds (5 min)')
      .default(15)
      .meta({ description: 'While green comes up, how often the deploy checks it on its own; green’s task events resume it sooner.' }),
    bakeCheckMinutes: z
      .number()
      .positive('must be more than 0 minutes')
      .max(MAX_BAKE_CHECK_MINUTES, `must be at most ${MAX_BAKE_CHECK_MINUTES} minutes (a day)`)
      .default(120)
      .meta({
        description:
          'While a bake waits, how often the deploy checks on its own in case an event was lost: a rollback alarm going to ALARM, a green task stopping, an abort or a fast-track resume it at once. Each check costs 3 state transitions, so a 24-hour bake at the default costs 12 of them.',
      }),
    loadBalancer: z
      .object({
        production: trafficRouteSchema.meta({ description: 'Where production traffic is weighted between blue and green.' }),
        test: z
          .optional(trafficRouteSchema)
          .meta({ description: 'A test listener (or rule), routed to green before production traffic moves, so the pre-traffic hook can test green.' }),
        targetGroupArns: z
          .tuple([elbArn('targetgroup'), elbArn('targetgroup')])
          .meta({ description: 'The service’s two (different) target groups: blue serves today, and each deploy brings green up on whichever of the two is idle.' }),
      })
      .strict()
      .refine((lb) => lb.targetGroupArns[0] !== lb.targetGroupArns[1], { message: 'targetGroupArns must name two different target groups', path: ['targetGroupArns'] })
      .meta({ description: 'The ALB listeners whose forward actions shift traffic, and the two target groups blue and green take turns on.' }),
    rollbackAlarms: z
      .array(z.string().min(1).max(255))
      .max(MAX_ROLLBACK_ALARMS, `must name at most ${MAX_ROLLBACK_ALARMS} alarms (each wait registers for all of them in one transaction)`)
      .default([])
      .meta({ description: 'CloudWatch alarm names (metric or composite); any of them in ALARM during a deploy rolls it back. A name that matches no alarm counts as ALARM.' }),
    analysis: z
      .optional(analysisConfigSchema)
      .meta({
        description:
          'Canary analysis: metrics measured on green (and blue as the baseline) in explicit analysis steps and in the background through bakes; a failed analysis rolls back at once, an inconclusive one waits for approval (docs/decisions/0019).',
      }),
    preTrafficHook: z
      .optional(preTrafficHookSchema)
      .meta({ description: 'A check run against green (through the test listener, if any) before production traffic moves: a Lambda to invoke or an HTTPS URL to GET. A failed check rolls the deploy back.' }),
    manualApproval: z.boolean().default(false).meta({ description: 'Pause before production traffic moves until an operator approves (or aborts).' }),
    approvalTimeoutMinutes: z
      .number()
      .positive('must be more than 0 minutes')
      .max(MAX_APPROVAL_TIMEOUT_MINUTES, `must be at most ${MAX_APPROVAL_TIMEOUT_MINUTES} minutes (7 days)`)
      .default(24 * 60)
      .meta({ description: 'How long the approval gate waits, in minutes; the service stays locked meanwhile, so the wait is bounded.' }),
    approvalTimeoutAction: z.enum(['rollback', 'proceed']).default('rollback').meta({ description: 'What an approval timeout does: roll the deploy back, or proceed as if approved.' }),
    approvers: z
      .optional(
        z
          .object({
            slackUsers: z
              .array(z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id (U… or W…, as shown in a Slack profile under “Copy member ID”)'))
              .max(MAX_SLACK_APPROVERS, `must name at most ${MAX_SLACK_APPROVERS} users`)
              .meta({ description: 'Slack user ids who may approve, abort or fast-track this service’s deploys from an approval card (README.md, Approvals from Slack).' }),
          })
          .strict(),
      )
      .meta({ description: 'Who may decide at the approval gate from outside the CLI; without it, nobody can from Slack.' }),
    notify: z
      .array(z.string().min(1).max(255))
      .max(MAX_NOTIFY_ROUTES, `must name at most ${MAX_NOTIFY_ROUTES} routes`)
      .default([])
      .meta({ description: 'Channels (names under notifications.channels) that get this service’s deploy announcements, whatever their routes say; empty: the channels whose routes match.' }),
  })
  .strict()
  .superRefine((deploy, context) => {
    if (!deploy.analysis) return;
    const planned = planDeployFor({ ...deploy, analysis: undefined }).map((step) => step.name);
    deploy.analysis.afterSteps.forEach((name, index) => {
      if (!planned.includes(name)) context.addIssue({ code: 'custom', path: ['analysis', 'afterSteps', index], message: `${name} is not a step of this deploy (its steps: ${planned.join(', ')})` });
    });
    const measurements = plannedMeasurements(planDeployFor(deploy), deploy.analysis);
    if (measurements > MAX_MEASUREMENTS_PER_DEPLOY) {
      context.addIssue({
        code: 'custom',
        path: ['analysis', 'intervalMinutes'],
        message: `the deploy would take ${measurements} measurements (at most ${MAX_MEASUREMENTS_PER_DEPLOY}: each costs 3 state transitions); measure less often or bake less`,
      });
    }
  });

export type DeployConfig = z.infer<typeof deployConfigSchema>;
