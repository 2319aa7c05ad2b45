/**
 * Fault injection: make the local AWS misbehave the way the real one occasionally does, so retry and
 * failure paths of the control plane can be tested.
 */
import { seededRandom } from './seeded-random.ts';
import { familyOf } from './task-model.ts';

export interface ThrottleFault {
  /** AWS signing name or SDK id, case-insensitive: `ecs`, `ecr`, `cloudwatch`/`monitoring`, `lambda`, `dynamodb`… */
  service: string;
  /** e.g. `RunTask`; omitted → every operation of the service. */
  operation?: string;
  /** How many matching calls fail (default 1; with `ratio`, no limit). */
  times?: number;
  /**
   * Fail only this fraction of the matching calls (0..1), drawn from a seeded generator so a run can be replayed:
   * throttling that comes and goes, as under a busy account's rate limits.
   */
  ratio?: number;
  /** Seed of the `ratio` draws (default 1). */
  seed?: number;
}

/** How many calls a throttle rule matched and how many of them it failed. */
export interface ThrottleCount {
  service: string;
  operation?: string;
  matched: number;
  throttled: number;
}

/** An AWS error answer instead of the call (e.g. a StartExecution AWS refuses, a Lambda service error). */
export interface CallFailureFault {
  service: string;
  operation?: string;
  /** Only calls whose raw request body contains this text (e.g. one execution name, one Lambda action). */
  bodyIncludes?: string;
  /** The AWS error code (`__type`), e.g. `ServiceException`, `StateMachineDoesNotExist`. */
  code: string;
  message?: string;
  /** HTTP status (default 400). */
  status?: number;
  /** How many matching calls fail (default: every one until clear()). */
  times?: number;
}

export interface CrashFault {
  taskDefinitionFamily?: string;
  /** Time spent RUNNING before the essential container exits (default 50 ms). */
  afterMs?: number;
  exitCode?: number;
  /** How many tasks are affected (default: every matching task until clear()). */
  times?: number;
}

export interface SlowStartFault {
  taskDefinitionFamily?: string;
  /** Time spent PENDING before the task's fate (running, crashing, failing to start) plays out. */
  pendingMs: number;
  /** How many tasks are affected (default: every matching task until clear()). */
  times?: number;
}

export interface FailToStartFault {
  taskDefinitionFamily?: string;
  reason?: string;
  times?: number;
}

/** ECS cannot place the tasks of a service (no capacity): a placement failure instead of new tasks. */
export interface PlacementFault {
  taskDefinitionFamily?: string;
  /** ECS's reason; default `RESOURCE:FARGATE` for Fargate, `RESOURCE:CPU` otherwise (AWS's documented examples). */
  reason?: string;
  /** How many placement attempts fail (default: every matching one until clear()). */
  times?: number;
}

/**
 * Tasks that run but serve badly (a bad image): more 5xx answers and slower ones in the synthetic ALB target-group
 * metrics the runtime answers GetMetricData with (metrics.ts). Decided once per new task, like its fate.
 */
export interface DegradedServingFault {
  taskDefinitionFamily?: string;
  /** Share of requests answered 5xx (default 0.25). */
  errorRate?: number;
  /** TargetResponseTime p99 in ms (default 900); the average is ~40 % of it. */
  p99Ms?: number;
  /** How many tasks are affected (default: every matching task until clear()). */
  times?: number;
}

/** How a task serves its share of its target group's requests. */
export interface ServingQuality {
  errorRate: number;
  averageMs: number;
  p99Ms: number;
}

/** A good image: no 5xx, a quick p99. */
export const HEALTHY_SERVING: ServingQuality = { errorRate: 0, averageMs: 40, p99Ms: 120 };

export type TaskFate =
  | { kind: 'run' }
  | { kind: 'crash'; afterMs: number; exitCode: number }
  | { kind: 'failToStart'; reason: string };

interface Counted {
  remaining: number;
}

interface ThrottleRule extends Counted, ThrottleCount {
  /** Whether the next matching call is throttled (always, unless the rule has a ratio). */
  draw: () => boolean;
}

const DEFAULT_PULL_ERROR =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref: not found';

/** Request signing names differ from what people call the services. */
const SERVICE_ALIASES: Record<string, string> = {
  cloudwatch: 'monitoring',
  eventbridge: 'events',
  stepfunctions: 'states',
  sfn: 'states',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  elbv2: 'elasticloadbalancing',
};

export function canonicalService(service: string): string {
  const lower = service.toLowerCase();
  return SERVICE_ALIASES[lower] ?? lower;
}

export class FaultInjector {
  #throttles: ThrottleRule[] = [];
  #crashes: (CrashFault & Counted)[] = [];
  #startFailures: (FailToStartFault & Counted)[] = [];
  #slowStarts: (SlowStartFault & Counted)[] = [];
  #callFailures: (CallFailureFault & Counted)[] = [];
  #placementFailures: (PlacementFault & Counted)[] = [];
  #degradedServing: (DegradedServingFault & Counted)[] = [];

  throttle(fault: ThrottleFault): void {
    const { ratio } = fault;
    const random = seededRandom(fault.seed ?? 1);
    this.#throttles.push({
      service: canonicalService(fault.service),
      ...(fault.operation ? { operation: fault.operation.toLowerCase() } : {}),
      remaining: fault.times ?? (ratio === undefined ? 1 : Infinity),
      matched: 0,
      throttled: 0,
      draw: ratio === undefined ? () => true : () => random() < ratio,
    });
  }

  failCalls(fault: CallFailureFault): void {
    this.#callFailures.push({ ...fault, service: canonicalService(fault.service), operation: fault.operation?.toLowerCase(), remaining: fault.times ?? Infinity });
  }

  /** Per throttle rule set since the last clear(): calls matched and calls failed. */
  throttleCounts(): ThrottleCount[] {
    return this.#throttles.map(({ service, operation, matched, throttled }) => ({ service, ...(operation ? { operation } : {}), matched, throttled }));
  }

  crashTasks(fault: CrashFault = {}): void {
    this.#crashes.push({ ...fault, remaining: fault.times ?? Infinity });
  }

  slowStart(fault: SlowStartFault): void {
    this.#slowStarts.push({ ...fault, remaining: fault.times ?? Infinity });
  }

  failToStart(fault: FailToStartFault = {}): void {
    this.#startFailures.push({ ...fault, remaining: fault.times ?? Infinity });
  }

  failPlacement(fault: PlacementFault = {}): void {
    this.#placementFailures.push({ ...fault, remaining: fault.times ?? Infinity });
  }

  degradeServing(fault: DegradedServingFault = {}): void {
    this.#degradedServing.push({ ...fault, remaining: fault.times ?? Infinity });
  }

  clear(): void {
    this.#degradedServing = [];
    this.#throttles = [];
    this.#crashes = [];
    this.#startFailures = [];
    this.#slowStarts = [];
    this.#callFailures = [];
    this.#placementFailures = [];
  }

  /** True (and one use consumed) when this call must be throttled. */
  takeThrottle(service: string, operation: string | undefined): boolean {
    const canonical = canonicalService(service);
    const op = operation?.toLowerCase();
    const rule = this.#throttles.find(
      (candidate) =>
        candidate.remaining > 0 && candidate.service === canonical && (!candidate.operation || candidate.operation === op),
    );
    if (!rule) return false;
    rule.matched += 1;
    if (!rule.draw()) return false;
    rule.remaining -= 1;
    rule.throttled += 1;
    return true;
  }

  /** The failure this call must answer with (one use consumed), if any. */
  takeCallFailure(service: string, operation: string | undefined, body: Buffer): CallFailureFault | undefined {
    const canonical = canonicalService(service);
    const op = operation?.toLowerCase();
    const rule = this.#callFailures.find(
      (candidate) =>
        candidate.remaining > 0 &&
        candidate.service === canonical &&
        (!candidate.operation || candidate.operation === op) &&
        (!candidate.bodyIncludes || body.includes(candidate.bodyIncludes)),
    );
    if (rule) rule.remaining -= 1;
    return rule;
  }

  /** Whether any throttle could match this service (lets the proxy skip buffering otherwise). */
  hasThrottleFor(service: string): boolean {
    const canonical = canonicalService(service);
    return this.#throttles.some((rule) => rule.remaining > 0 && rule.service === canonical);
  }

  /** Whether any throttle or call failure could match this service. */
  hasCallFaultFor(service: string): boolean {
    const canonical = canonicalService(service);
    return this.hasThrottleFor(service) || this.#callFailures.some((rule) => rule.remaining > 0 && rule.service === canonical);
  }

  /** Decides, once per new task, how long it stays PENDING (ms). */
  pendingMs(taskDefinitionArn: string): number {
    return takeMatching(this.#slowStarts, familyOf(taskDefinitionArn))?.pendingMs ?? 0;
  }

  /** Decides, once per placement attempt, whether ECS finds no capacity: the reason if so. */
  placementFailure(taskDefinitionArn: string, launchType: string): string | undefined {
    const failure = takeMatching(this.#placementFailures, familyOf(taskDefinitionArn));
    if (!failure) return undefined;
    return failure.reason ?? (launchType === 'FARGATE' ? 'RESOURCE:FARGATE' : 'RESOURCE:CPU');
  }

  /** Decides, once per new task, how it serves (a bad image: degradeServing). */
  serving(taskDefinitionArn: string): ServingQuality {
    const degraded = takeMatching(this.#degradedServing, familyOf(taskDefinitionArn));
    if (!degraded) return HEALTHY_SERVING;
    const p99Ms = degraded.p99Ms ?? 900;
    return { errorRate: degraded.errorRate ?? 0.25, averageMs: Math.round(p99Ms * 0.4), p99Ms };
  }

  /** Decides, once per new task, whether it runs, crashes or never starts. */
  taskFate(taskDefinitionArn: string): TaskFate {
    const family = familyOf(taskDefinitionArn);
    const failure = takeMatching(this.#startFailures, family);
    if (failure) return { kind: 'failToStart', reason: failure.reason ?? DEFAULT_PULL_ERROR };
    const crash = takeMatching(this.#crashes, family);
    if (crash) return { kind: 'crash', afterMs: crash.afterMs ?? 50, exitCode: crash.exitCode ?? 1 };
    return { kind: 'run' };
  }
}

function takeMatching<T extends { taskDefinitionFamily?: string } & Counted>(rules: T[], family: string): T | undefined {
  const rule = rules.find(
    (candidate) => candidate.remaining > 0 && (!candidate.taskDefinitionFamily || candidate.taskDefinitionFamily === family),
  );
  if (rule) rule.remaining -= 1;
  return rule;
}

