/**
 * Fault injection: make the local AWS misbehave the way the real one occasionally does, so retry and
 * failure paths of the control plane can be tested.
 */
import { familyOf } from './task-model.ts';

export interface ThrottleFault {
  /** AWS signing name or SDK id, case-insensitive: `ecs`, `ecr`, `cloudwatch`/`monitoring`, `lambda`, `dynamodb`… */
  service: string;
  /** e.g. `RunTask`; omitted → every operation of the service. */
  operation?: string;
  /** How many matching calls fail (default 1, or every drawn one when `share` is set). */
  times?: number;
  /**
   * Fail only this share (0–1) of the matching calls, as an account under load sees it. The draws come from a
   * generator seeded by `seed`, so a run that makes its calls in the same order fails the same ones.
   */
  share?: number;
  seed?: number;
  /** Answer with this AWS error instead of throttling: e.g. a 400 nobody should retry, or a 5xx. */
  error?: CallError;
}

export interface CallError {
  code: string;
  message?: string;
  /** HTTP status (default 400). */
  status?: number;
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

export type TaskFate =
  | { kind: 'run' }
  | { kind: 'crash'; afterMs: number; exitCode: number }
  | { kind: 'failToStart'; reason: string };

interface Counted {
  remaining: number;
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

interface CallRule extends Counted {
  service: string;
  operation?: string;
  error?: CallError;
  /** Draws in [0, 1): a call fails when its draw is below the share. */
  draw?: { share: number; next: () => number };
}

export class FaultInjector {
  #throttles: CallRule[] = [];
  #crashes: (CrashFault & Counted)[] = [];
  #startFailures: (FailToStartFault & Counted)[] = [];
  #slowStarts: (SlowStartFault & Counted)[] = [];

  throttle(fault: ThrottleFault): void {
    this.#throttles.push({
      service: canonicalService(fault.service),
      operation: fault.operation?.toLowerCase(),
      remaining: fault.times ?? (fault.share === undefined ? 1 : Infinity),
      ...(fault.error ? { error: fault.error } : {}),
      ...(fault.share === undefined ? {} : { draw: { share: fault.share, next: seededRandom(fault.seed ?? 1) } }),
    });
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

  clear(): void {
    this.#throttles = [];
    this.#crashes = [];
    this.#startFailures = [];
    this.#slowStarts = [];
  }

  /** True (and one use consumed) when this call must be throttled. */
  takeThrottle(service: string, operation: string | undefined): boolean {
    return this.takeCallFault(service, operation) !== undefined;
  }

  /** How this call must fail (one use consumed), if a rule says so: throttled, or the rule's error. */
  takeCallFault(service: string, operation: string | undefined): 'throttle' | CallError | undefined {
    const canonical = canonicalService(service);
    const op = operation?.toLowerCase();
    const rule = this.#throttles.find(
      (candidate) =>
        candidate.remaining > 0 && candidate.service === canonical && (!candidate.operation || candidate.operation === op),
    );
    if (!rule) return undefined;
    // A call the draw spares passes through; it does not count against `times`.
    if (rule.draw && rule.draw.next() >= rule.draw.share) return undefined;
    rule.remaining -= 1;
    return rule.error ?? 'throttle';
  }

  /** Whether any throttle could match this service (lets the proxy skip buffering otherwise). */
  hasThrottleFor(service: string): boolean {
    const canonical = canonicalService(service);
    return this.#throttles.some((rule) => rule.remaining > 0 && rule.service === canonical);
  }

  /** Decides, once per new task, how long it stays PENDING (ms). */
  pendingMs(taskDefinitionArn: string): number {
    return takeMatching(this.#slowStarts, familyOf(taskDefinitionArn))?.pendingMs ?? 0;
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

/** mulberry32: a small seeded generator of draws in [0, 1), so share-based faults are repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function takeMatching<T extends { taskDefinitionFamily?: string } & Counted>(rules: T[], family: string): T | undefined {
  const rule = rules.find(
    (candidate) => candidate.remaining > 0 && (!candidate.taskDefinitionFamily || candidate.taskDefinitionFamily === family),
  );
  if (rule) rule.remaining -= 1;
  return rule;
}
