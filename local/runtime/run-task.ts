/**
 * What ECS does with a RunTask call before any task exists, which moto does not: a `clientToken` seen before answers
 * the tasks it started then (ECS's idempotency: the same token starts nothing twice), and an injected placement fault
 * (`faults.failPlacement`) answers `failures[]` with the capacity reason and no task, as ECS does when it cannot place.
 */
import type { FaultInjector } from './faults.ts';
import type { CommandOverrides } from './ecs-tasks.ts';
import { isRecord } from './wire.ts';

export class RunTaskAnswers {
  readonly #faults: FaultInjector;
  readonly #byToken = new Map<string, Record<string, unknown>>();

  constructor(faults: FaultInjector) {
    this.#faults = faults;
  }

  /** The answer to give without asking moto, if ECS would not start new tasks for this call. */
  answer(input: Record<string, unknown>): Record<string, unknown> | undefined {
    const token = tokenOf(input);
    const earlier = token === undefined ? undefined : this.#byToken.get(token);
    if (earlier) return structuredClone(earlier);
    const taskDefinition = typeof input['taskDefinition'] === 'string' ? input['taskDefinition'] : '';
    const launchType = typeof input['launchType'] === 'string' ? input['launchType'] : input['capacityProviderStrategy'] ? 'FARGATE' : 'EC2';
    const reason = this.#faults.placementFailure(taskDefinition, launchType);
    if (!reason) return undefined;
    const cluster = typeof input['cluster'] === 'string' ? input['cluster'] : 'default';
    return { tasks: [], failures: [{ arn: cluster, reason }] };
  }

  /** Remembers what a token started, so its repeats answer the same. */
  remember(input: Record<string, unknown>, output: Record<string, unknown>): void {
    const token = tokenOf(input);
    if (token !== undefined) this.#byToken.set(token, structuredClone(output));
  }

  reset(): void {
    this.#byToken.clear();
  }
}

/** ECS scopes a client token to the cluster it starts tasks in. */
function tokenOf(input: Record<string, unknown>): string | undefined {
  const token = input['clientToken'];
  return typeof token === 'string' && token !== '' ? `${String(input['cluster'] ?? 'default')}\n${token}` : undefined;
}

/** RunTask's `overrides.containerOverrides[].command`, by container name. */
export function commandOverrides(input: Record<string, unknown>): CommandOverrides {
  const overrides = isRecord(input['overrides']) ? input['overrides'] : {};
  const containers = Array.isArray(overrides['containerOverrides']) ? overrides['containerOverrides'].filter(isRecord) : [];
  return Object.fromEntries(
    containers.flatMap((container) =>
      typeof container['name'] === 'string' && Array.isArray(container['command']) ? [[container['name'], container['command'].map(String)]] : [],
    ),
  );
}
