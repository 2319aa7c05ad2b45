import { Document, isMap, isScalar, LineCounter, parseDocument, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { z } from 'zod';
import type { deployConfigSchema } from '../../deploy/config.ts';
import type { scalingConfigSchema } from '../../scaling/config.ts';

/**
 * `harbormaster init`: a commented harbormaster.yml starter for an existing ECS service, from what ECS and ELB say of
 * it. This module decides (which repository, containers, routes and target groups) and renders; the reading is
 * adapters/service-facts.ts. Whatever could not be decided is written as a TODO that `harbormaster validate` refuses,
 * never as a guess that would validate and deploy wrongly.
 */

export interface ServiceFacts {
  cluster: string;
  service: string;
  /** `arn:aws:ecs:<region>:<account>:service/…`: where pushes must happen for Harbormaster to see them. */
  serviceArn: string;
  /** ECS, CODE_DEPLOY or EXTERNAL; Harbormaster deploys only EXTERNAL services (task sets). */
  deploymentController: string;
  desiredCount: number;
  /** The primary task set's task definition (EXTERNAL), or the service's. */
  taskDefinitionArn: string;
  containers: ContainerFact[];
  /** Target groups ECS registers the service's tasks with, the primary task set's first. */
  loadBalancers: LoadBalancerFact[];
  /** Every listener default action and rule of the target groups' load balancers that forwards somewhere. */
  routes: RouteFact[];
}

export interface ContainerFact {
  name: string;
  image: string;
  essential: boolean;
}

export interface LoadBalancerFact {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
}

export interface RouteFact {
  listenerArn: string;
  protocol?: string;
  port?: number;
  /** Absent: the listener's default action. */
  rule?: { arn: string; priority: string; conditions: string[] };
  /** The target groups of its forward action. */
  forwardsTo: string[];
}

/** What the operator must do (a TODO, also written as a comment on its field) or should check. */
export interface StarterNote {
  kind: 'todo' | 'warning';
  message: string;
  /** The field a TODO is about, below the service entry (`deploy.image.repository`). */
  path?: string;
}

/** The starter as values and comments, before it is rendered. */
export interface ServiceStarter {
  /** Its key under `services`: the ECS service name. */
  name: string;
  cluster: string;
  service: string;
  value: { cluster: string; deploy: z.input<typeof deployConfigSchema> };
  /** Comments before keys, by path below the service entry (`deploy.image.repository`); `''` is the entry's key. */
  comments: Map<string, string>;
  /** Commented-out lines after the entry: the scaling example. */
  trailing: string;
  notes: StarterNote[];
}

/** A field the facts could not fill: `harbormaster validate` refuses it, pointing at its line. */
const TODO = 'TODO';

const DEFAULT_STRATEGY = { type: 'canary', percent: 10, bakeMinutes: 5 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Images

export type ImageReference =
  | { kind: 'ecr'; image: string; account: string; region: string; repository: string; tag?: string; digest?: string }
  | { kind: 'other'; image: string };

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:<tag>][@sha256:<digest>]`. */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export function parseImageReference(image: string): ImageReference {
  const match = ECR_IMAGE.exec(image);
  if (!match) return { kind: 'other', image };
  const [, account = '', region = '', repository = '', tag, digest] = match;
  return { kind: 'ecr', image, account, region, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

interface ImageChoice {
  repository?: string;
  /** The container whose image named the repository. */
  source?: ContainerFact;
  containers: string[];
  /** Containers left out, with why. */
  skipped: Array<{ container: ContainerFact; reason: string }>;
  notes: StarterNote[];
}

/**
 * The repository is the image of the container the load balancer sends traffic to (else the first essential one in
 * ECR); the containers are every one running an image of that repository. One repository per service: a sidecar from
 * another repository is left to its own pushes.
 */
export function chooseImage(facts: Pick<ServiceFacts, 'containers' | 'loadBalancers' | 'serviceArn'>): ImageChoice {
  const parsed = facts.containers.map((container) => ({ container, image: parseImageReference(container.image) }));
  const inEcr = parsed.filter((entry) => entry.image.kind === 'ecr');
  const served = facts.loadBalancers.find((lb) => lb.containerName)?.containerName;
  const source = inEcr.find((entry) => entry.container.name === served) ?? inEcr.find((entry) => entry.container.essential) ?? inEcr[0];
  if (!source || source.image.kind !== 'ecr') {
    return {
      containers: [],
      skipped: parsed.map(({ container }) => ({ container, reason: 'not an ECR image' })),
      notes: [
        {
          kind: 'todo',
          path: 'deploy.image.repository',
          message: `no container runs an image from ECR (${parsed.map(({ container }) => `${container.name}: ${container.image}`).join(', ') || 'the task definition has none'}): push the image to an ECR repository, point the task definition at it, and set deploy.image.repository and deploy.image.containers`,
        },
      ],
    };
  }
  const chosen = source.image;
  const sameRepository = (image: ImageReference) => image.kind === 'ecr' && image.account === chosen.account && image.region === chosen.region && image.repository === chosen.repository;
  const notes: StarterNote[] = [];
  const [region, account] = arnParts(facts.serviceArn);
  if (account && region && (chosen.account !== account || chosen.region !== region)) {
    notes.push({
      kind: 'warning',
      message: `${source.container.name}'s image is in the ECR of account ${chosen.account}, region ${chosen.region}, not the service's (${account}, ${region}): its pushes reach Harbormaster only if their ECR events are forwarded to this account's default event bus in ${region}`,
    });
  }
  return {
    repository: chosen.repository,
    source: source.container,
    containers: parsed.filter((entry) => sameRepository(entry.image)).map((entry) => entry.container.name),
    skipped: parsed
      .filter((entry) => !sameRepository(entry.image))
      .map(({ container, image }) => ({ container, reason: image.kind === 'ecr' ? `an image of the ECR repository ${image.repository}` : 'not an ECR image' })),
    notes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Routes and target groups

export interface RouteChoice {
  production?: RouteFact;
  test?: RouteFact;
  /** Routes that forward to the service's target groups too, and that Harbormaster would not shift. */
  unshifted: RouteFact[];
  /** [blue, green]; one or none when the facts have fewer. */
  targetGroupArns: string[];
  notes: StarterNote[];
}

/**
 * Production is the route on the HTTPS 443 (else HTTP 80, else the lowest port) listener that forwards to the
 * service's target groups, a rule before the default action (a rule is specific to the service, a default action
 * often a catch-all). A second listener on another port that forwards there too is the test listener. Blue is the
 * target group the primary task set is registered with; green is the other one production forwards to.
 */
export function chooseRoutes(facts: Pick<ServiceFacts, 'loadBalancers' | 'routes'>): RouteChoice {
  const serviceGroups = unique(facts.loadBalancers.map((lb) => lb.targetGroupArn));
  const forwarding = facts.routes.filter((route) => route.forwardsTo.some((arn) => serviceGroups.includes(arn)));
  const listeners = unique(forwarding.map((route) => route.listenerArn))
    .map((listenerArn) => forwarding.filter((route) => route.listenerArn === listenerArn).sort(byRouteSpecificity))
    .sort((a, b) => byListenerRank(a[0], b[0]));
  const production = listeners[0]?.[0];
  const testListener = listeners.slice(1).find((routes) => !isStandardPort(routes[0]?.port));
  const test = testListener?.[0];
  const unshifted = forwarding.filter((route) => route !== production && route !== test);
  const notes: StarterNote[] = [];
  if (serviceGroups.length === 0) {
    notes.push({
      kind: 'todo',
      path: 'deploy.loadBalancer.production',
      message: 'the service has no load balancer: blue/green needs an ALB listener forwarding to two target groups; set deploy.loadBalancer.production and deploy.loadBalancer.targetGroupArns',
    });
  } else if (!production) {
    notes.push({
      kind: 'todo',
      path: 'deploy.loadBalancer.production',
      message: `no listener or rule forwards to ${serviceGroups.map(resourceName).join(', ')}: set deploy.loadBalancer.production to the listener (and rule) that serves the service`,
    });
  }
  for (const route of unshifted) {
    notes.push({
      kind: 'warning',
      message: `${describeRoute(route)} also forwards to the service's target groups, but a deploy shifts only the production and test routes: it would keep sending traffic to the target group blue leaves, which has no tasks once the deploy deletes blue`,
    });
  }

  const blue = serviceGroups.find((arn) => production?.forwardsTo.includes(arn)) ?? serviceGroups[0];
  const greenCandidates = unique([...(production?.forwardsTo ?? []), ...serviceGroups, ...(test?.forwardsTo ?? [])]).filter((arn) => arn !== blue);
  const green = greenCandidates[0];
  if (blue && !green) {
    notes.push({
      kind: 'todo',
      path: 'deploy.loadBalancer.targetGroupArns',
      message: `blue/green needs a second, idle target group: create one like ${resourceName(blue)} (same protocol, port, VPC and health check), add it with weight 0 to the production route's forward action (ECS registers tasks only with a target group a load balancer uses), and add its ARN to deploy.loadBalancer.targetGroupArns`,
    });
  }
  if (greenCandidates.length > 1) {
    notes.push({ kind: 'warning', message: `several target groups could be green (${greenCandidates.map(resourceName).join(', ')}): the starter names ${resourceName(greenCandidates[0] ?? '')}; check it is the idle twin of ${resourceName(blue ?? '')}` });
  }
  return { ...(production ? { production } : {}), ...(test ? { test } : {}), unshifted, targetGroupArns: [blue, green].filter((arn): arn is string => arn !== undefined), notes };
}

function byRouteSpecificity(a: RouteFact, b: RouteFact): number {
  if (!a.rule || !b.rule) return (a.rule ? 0 : 1) - (b.rule ? 0 : 1);
  return Number(a.rule.priority) - Number(b.rule.priority);
}

function byListenerRank(a: RouteFact | undefined, b: RouteFact | undefined): number {
  const rank = (route: RouteFact | undefined) => (route?.protocol === 'HTTPS' && route.port === 443 ? 0 : route?.protocol === 'HTTP' && route.port === 80 ? 1 : 2);
  return rank(a) - rank(b) || (a?.port ?? Infinity) - (b?.port ?? Infinity);
}

/** Listeners on 80 and 443 serve production traffic; one of them is never taken for the test listener. */
function isStandardPort(port: number | undefined): boolean {
  return port === 80 || port === 443;
}

function describeRoute(route: RouteFact): string {
  const listener = `the ${[route.protocol, route.port].filter((part) => part !== undefined).join(':') || 'listener'} listener of ${loadBalancerName(route.listenerArn)}`;
  if (!route.rule) return `${listener} (its default action)`;
  return `rule ${route.rule.priority} of ${listener} (${route.rule.conditions.join('; ') || 'no conditions'})`;
}

// ---------------------------------------------------------------------------------------------------------------
// The starter

export function planStarter(facts: ServiceFacts): ServiceStarter {
  const image = chooseImage(facts);
  const routes = chooseRoutes(facts);
  const notes: StarterNote[] = [
    ...(facts.deploymentController === 'EXTERNAL' ? [] : [{ kind: 'todo' as const, path: 'deploy', message: controllerAdvice(facts) }]),
    ...image.notes,
    ...routes.notes,
  ];
  const [blue, green] = routes.targetGroupArns;
  const explanations: Array<[string, string | undefined]> = [
    ['', `${facts.cluster}/${facts.service}, as \`harbormaster init\` read it from ECS and ELB. The key is the name the CLI knows it by; it is the ECS service name unless a \`service:\` field names another.`],
    ['cluster', 'The ECS cluster the service runs in.'],
    ['deploy', 'Blue/green deploys on image push: each push brings green up as a new task set on the idle target group, moves traffic by the strategy, and rolls back when a rollback alarm goes to ALARM.'],
    ['deploy.image.repository', image.source && `The ECR repository whose pushes deploy this service: ${image.source.name} runs ${image.source.image}.`],
    ['deploy.image.tagPattern', 'Which pushed tags deploy: * matches any run of characters, so "*" deploys every push; "v*" only tags starting with v.'],
    [
      'deploy.image.containers',
      [
        `Containers whose image a push replaces; every other field of the task definition (${resourceName(facts.taskDefinitionArn)}) is kept.`,
        ...(image.source ? image.skipped.map(({ container, reason }) => `Not listed: ${container.name} runs ${container.image}, ${reason}; pushes leave it as it is.`) : []),
      ].join('\n'),
    ],
    ['deploy.strategy', 'A default to adapt: 10 % of production traffic to green, a 5-minute bake, then all of it.\nThe others: { type: all-at-once }, { type: linear, stepPercent: 20, intervalMinutes: 2 }.'],
    [
      'deploy.loadBalancer.production',
      routes.production &&
        [
          `The route whose forward action carries the weights: ${describeRoute(routes.production)}.`,
          ...(routes.unshifted.length > 0 ? [`Not shifted, though they also forward to the service's target groups: ${routes.unshifted.map(describeRoute).join('; ')}.`] : []),
        ].join('\n'),
    ],
    ['deploy.loadBalancer.test', routes.test && `Green gets all of this route's traffic before production moves, for checks (preTrafficHook): ${describeRoute(routes.test)}. Remove it if it serves production traffic.`],
    [
      'deploy.loadBalancer.targetGroupArns',
      [
        'Blue serves on one while green comes up on the other, idle one; they swap at every deploy.',
        ...(blue && green ? [`Today ${resourceName(blue)} serves (ECS registers the service's tasks with it) and ${resourceName(green)} is idle.`] : []),
      ].join('\n'),
    ],
    [
      'deploy.rollbackAlarms',
      `CloudWatch alarms (metric or composite) that roll a deploy back when any is in ALARM:\ne.g. [${facts.service}-5xx, ${facts.service}-latency].\nAlso optional: finalBakeMinutes, manualApproval, preTrafficHook, notify; the schema describes each.`,
    ],
  ];
  // Each field's TODOs come first, then what the field means.
  const comments = new Map(
    explanations.map(([path, explanation]) => [
      path,
      [...notes.filter((note) => note.kind === 'todo' && note.path === path).map((note) => `TODO: ${note.message}`), ...(explanation ? [explanation] : [])].join('\n'),
    ]),
  );

  return {
    name: facts.service,
    cluster: facts.cluster,
    service: facts.service,
    value: {
      cluster: facts.cluster,
      deploy: {
        image: { repository: image.repository ?? TODO, tagPattern: '*', containers: image.containers.length > 0 ? image.containers : [TODO] },
        strategy: { ...DEFAULT_STRATEGY },
        loadBalancer: {
          production: routes.production ? routeValue(routes.production) : { listenerArn: TODO },
          ...(routes.test ? { test: routeValue(routes.test) } : {}),
          // Fewer than two is a TODO the schema refuses.
          targetGroupArns: (routes.targetGroupArns.length > 0 ? routes.targetGroupArns : [TODO]) as [string, string],
        },
        rollbackAlarms: [],
      },
    },
    comments,
    trailing: scalingExample(facts),
    notes,
  };
}

function routeValue(route: RouteFact): { listenerArn: string; ruleArn?: string } {
  return { listenerArn: route.listenerArn, ...(route.rule ? { ruleArn: route.rule.arn } : {}) };
}

/** Why a service without the EXTERNAL deployment controller cannot deploy yet, and the way out. */
function controllerAdvice(facts: Pick<ServiceFacts, 'cluster' | 'service' | 'deploymentController'>): string {
  return [
    `${facts.cluster}/${facts.service} uses the ${facts.deploymentController} deployment controller, and Harbormaster's blue/green deploys need the EXTERNAL one (they run task sets), so every deploy of it would fail until it is migrated.`,
    `To migrate: create a service with \`--deployment-controller type=EXTERNAL\` (same cluster, desired count and networking), create a task set of ${facts.service}'s task definition registered with its target group and make it primary (CreateTaskSet, UpdateServicePrimaryTaskSet), move traffic to it, delete the old service, and run \`harbormaster init\` for the new one.`,
  ].join(' ');
}

/** A commented-out scaling section that validates once uncommented. */
function scalingExample(facts: Pick<ServiceFacts, 'service' | 'desiredCount'>): string {
  const minCapacity = Math.max(1, facts.desiredCount);
  const example: z.input<typeof scalingConfigSchema> = {
    minCapacity,
    maxCapacity: Math.max(10, minCapacity * 2),
    policies: [
      {
        alarmName: `${facts.service}-cpu-high`,
        adjustmentType: 'ChangeInCapacity',
        cooldown: 300,
        stepAdjustments: [
          { metricIntervalLowerBound: 0, metricIntervalUpperBound: 20, scalingAdjustment: 1 },
          { metricIntervalLowerBound: 20, scalingAdjustment: 3 },
        ],
      },
    ],
  };
  const document = new Document({ scaling: example });
  // One step a line reads like the table it is.
  for (const step of (document.getIn(['scaling', 'policies', 0, 'stepAdjustments']) as YAMLSeq<YAMLMap>).items) step.flow = true;
  return ['Step scaling from a CloudWatch alarm of yours: uncomment, name the alarm and adapt the steps.', ...document.toString({ lineWidth: 0 }).trimEnd().split('\n')].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const SCHEMA_COMMENT_PREFIX = 'yaml-language-server: $schema=';

/** A new harbormaster.yml holding the one service. */
export function starterText(starter: ServiceStarter, options: { schemaLocation: string }): string {
  return [
    `# ${SCHEMA_COMMENT_PREFIX}${options.schemaLocation}`,
    '# Harbormaster configuration for one stage: check it with `harbormaster validate`, see what would change with',
    '# `harbormaster plan`, store it with `harbormaster apply`.',
    '',
    'services:',
    ...entryLines(starter, { indent: 2, servicesColumn: 0 }),
    '',
  ].join('\n');
}

export class StarterMergeError extends Error {
  override readonly name = 'StarterMergeError';
}

/**
 * The file with the service added at the end of `services` (or its entry replaced, with `replace`). The entry is
 * spliced into the text at the indentation the file uses, so every other byte, comments and layout included, stays
 * as the operator wrote it; the result is read back, and refused unless it declares the service as the starter does.
 */
export function appendStarter(text: string, starter: ServiceStarter, options: { replace: boolean }): string {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) throw new StarterMergeError(`it is not valid YAML (${document.errors[0]?.message.split('\n')[0]})`);
  const contents = document.contents;
  if (contents !== null && (!isMap(contents) || contents.flow)) throw new StarterMergeError('its top level is not a block map of sections');
  const column = (node: unknown) => lineCounter.linePos((node as Node).range?.[0] ?? 0).col - 1;
  const lineOf = (node: unknown) => lineCounter.linePos((node as Node).range?.[0] ?? 0).line - 1;
  const services = contents?.items.find((item) => isScalar(item.key) && item.key.value === 'services');

  let merged: string;
  if (!services) {
    const lines = withoutTrailingBlanks(text.split('\n'));
    merged = joinLines([...lines, ...(lines.length > 0 ? [''] : []), 'services:', ...entryLines(starter, { indent: 2, servicesColumn: 0 })], text);
  } else if (isEmptySection(services.value)) {
    // `services:`, `services: ~` or `services: {}`: the value's text goes, the entry comes on the lines below.
    const value = services.value as Node | null;
    const cleared = value?.range ? `${text.slice(0, value.range[0])}${text.slice(value.range[1])}` : text;
    merged = joinLines(insertAfter(cleared.split('\n'), lineOf(services.key), entryLines(starter, { indent: 2, servicesColumn: column(services.key) })), text);
  } else if (isMap(services.value) && !services.value.flow) {
    const entries = services.value;
    const lines = text.split('\n');
    const step = column(entries.items[0]?.key) - column(services.key);
    if (step <= 0) throw new StarterMergeError('its services entries are not indented under services');
    const entry = entryLines(starter, { indent: step, servicesColumn: column(services.key) });
    const configured = entries.items.find((item) => isScalar(item.key) && (String(item.key.value) === starter.name || configures(item.value, String(item.key.value), starter)));
    if (configured && !options.replace) {
      throw new StarterMergeError(`services.${String((configured.key as Scalar).value)} already configures ${starter.cluster}/${starter.service}: edit it there, or pass --force to replace it`);
    }
    if (configured) {
      const keyLine = lineOf(configured.key);
      const first = commentStart(lines, keyLine, column(configured.key));
      merged = joinLines([...lines.slice(0, first), ...entry, ...lines.slice(blockEnd(lines, keyLine, column(configured.key)) + 1)], text);
    } else {
      // After everything indented under `services:`, its last entry's trailing comments included.
      merged = joinLines(insertAfter(lines, blockEnd(lines, lineOf(services.key), column(services.key)), ['', ...entry]), text);
    }
  } else {
    throw new StarterMergeError(isMap(services.value) ? 'its services section is a flow map ({ … }): make it a block map first' : 'its services section is not a map');
  }
  const read = parseDocument(merged).toJS() as { services?: Record<string, unknown> } | null;
  if (JSON.stringify(read?.services?.[starter.name]) !== JSON.stringify(starter.value)) throw new StarterMergeError('the service could not be placed in it cleanly');
  return merged;
}

function isEmptySection(value: unknown): boolean {
  return value === null || (isScalar(value) && value.value === null) || (isMap(value) && value.flow === true && value.items.length === 0);
}

/** Whether a services entry is this cluster/service under another key. */
function configures(entry: unknown, key: string, starter: ServiceStarter): boolean {
  return isMap(entry) && entry.get('cluster') === starter.cluster && (entry.get('service') ?? key) === starter.service;
}

/** The last line of the block a key starts: every line after it that is blank or indented deeper. */
function blockEnd(lines: string[], keyLine: number, keyColumn: number): number {
  let end = keyLine;
  for (let index = keyLine + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    if (line.length - line.trimStart().length <= keyColumn) break;
    end = index;
  }
  return end;
}

/** The first of the comment lines right above a key, at its indentation: the comment that belongs to it. */
function commentStart(lines: string[], keyLine: number, keyColumn: number): number {
  let start = keyLine;
  while (start > 0 && /^\s*#/.test(lines[start - 1] ?? '') && (lines[start - 1] ?? '').length - (lines[start - 1] ?? '').trimStart().length === keyColumn) start -= 1;
  return start;
}

function insertAfter(lines: string[], index: number, inserted: string[]): string[] {
  return [...lines.slice(0, index + 1), ...inserted, ...lines.slice(index + 1)];
}

function withoutTrailingBlanks(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? '').trim() === '') end -= 1;
  return lines.slice(0, end);
}

/** Lines joined with the file's line ending, ending with one. */
function joinLines(lines: string[], original: string): string {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const text = lines.map((line) => line.replace(/\r$/, '')).join(eol);
  return text.endsWith(eol) ? text : `${text}${eol}`;
}

/** The service's entry as lines under a `services:` key at `servicesColumn`, `indent` spaces a level. */
function entryLines(starter: ServiceStarter, layout: { indent: number; servicesColumn: number }): string[] {
  const document = new Document({});
  const services = document.createNode({}) as YAMLMap;
  services.items.push(servicePair(document, starter));
  document.set('services', services);
  const margin = ' '.repeat(layout.servicesColumn);
  return withoutTrailingBlanks(document.toString({ lineWidth: 0, indent: layout.indent }).split('\n').slice(1)).map((line) => (line === '' ? '' : `${margin}${line}`));
}

function servicePair(document: Document, starter: ServiceStarter): Pair {
  const entry = document.createNode(starter.value) as YAMLMap;
  // `*` alone is YAML's alias marker: quoted, and `"v*"` then reads as the same kind of value.
  (entry.getIn(['deploy', 'image', 'tagPattern'], true) as Scalar).type = 'QUOTE_DOUBLE';
  (entry.getIn(['deploy', 'strategy'], true) as YAMLMap).flow = true;
  for (const [path, comment] of starter.comments) {
    if (path === '') continue;
    const key = keyAt(entry, path.split('.'));
    if (key) key.commentBefore = indentComment(comment);
  }
  entry.comment = indentComment(starter.trailing);
  const pair = document.createPair(starter.name, entry) as Pair<Scalar, YAMLMap>;
  pair.key.commentBefore = indentComment(starter.comments.get('') ?? '');
  return pair;
}

function keyAt(map: YAMLMap, path: string[]): Scalar | undefined {
  const [head, ...rest] = path;
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === head) as Pair<Scalar> | undefined;
  if (!pair) return undefined;
  if (rest.length === 0) return pair.key;
  return isMap(pair.value) ? keyAt(pair.value, rest) : undefined;
}

/** Comment lines are wrapped at this width (the file's indentation comes on top). */
const COMMENT_WIDTH = 100;

/** yaml writes `#` + each line: a space after it, and long lines wrapped at spaces (indented lines are kept). */
function indentComment(comment: string): string {
  return comment
    .split('\n')
    .flatMap((line) => (line.length <= COMMENT_WIDTH || line.startsWith(' ') ? [line] : wrap(line)))
    .map((line) => ` ${line}`)
    .join('\n');
}

function wrap(line: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > COMMENT_WIDTH) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  return [...lines, current];
}

// ---------------------------------------------------------------------------------------------------------------
// ARNs

/** Region and account of an ARN. */
function arnParts(arn: string): [string | undefined, string | undefined] {
  const parts = arn.split(':');
  return [parts[3], parts[4]];
}

/** `targetgroup/web-blue/73e2…` → web-blue; `task-definition/web:3` → web:3. */
function resourceName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const segments = resource.split('/');
  return segments[1] ?? resource ?? arn;
}

/** `listener/app/web-alb/50dc…/f2f7…` → web-alb. */
function loadBalancerName(listenerArn: string): string {
  const segments = listenerArn.split(':').slice(5).join(':').split('/');
  return segments[2] ?? listenerArn;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
