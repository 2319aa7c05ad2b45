/**
 * One thing that happened to a service, as a timeline shows it (`harbormaster events`). Ingestion (tasks, ECS
 * deployments, service actions) and deploys (deployments, steps) each turn what they record into these; they meet
 * here because neither capability imports the other.
 */
export interface TimelineEvent {
  /** The same fact always gets the same id, so a reader that reads it again (a poll) can tell it is not new. */
  id: string;
  /** When it happened (ISO-8601, UTC). */
  at: string;
  source: 'task' | 'ecs' | 'deploy';
  /** Upper case, like ECS's event names: TASK_STOPPED, SERVICE_STEADY_STATE, DEPLOY_STEP … */
  type: string;
  /** What it happened to: a task id, a deployment id; undefined for the service itself. */
  subject?: string;
  severity: 'info' | 'warn' | 'error';
  /** The facts in a few words, e.g. `EssentialContainerExited: web exited 137`. */
  message: string;
  /** The recorded fields it was read from, for scripts (--json). */
  details: Record<string, unknown>;
}

/** Oldest first; events of one instant in id order, so every reader lists them alike. */
export function compareTimelineEvents(a: TimelineEvent, b: TimelineEvent): number {
  return a.at.localeCompare(b.at) || a.id.localeCompare(b.id);
}
