import type { TimelineEvent } from '../../kernel/timeline.ts';
import { isEnded } from './deployment.ts';

/**
 * A blue/green deployment's history as timeline events: its request, each recorded step when it ended, and its
 * outcome. Pure: the caller reads the deployment item and its step items (deployment-store.ts).
 */
export function deploymentEvents(deployment: Record<string, unknown>, steps: Array<Record<string, unknown>>): TimelineEvent[] {
  const deploymentId = String(deployment['deploymentId']);
  const base = { source: 'deploy', subject: deploymentId } as const;
  const events: TimelineEvent[] = [];
  const requestedAt = text(deployment['requestedAt']);
  if (requestedAt) {
    const trigger = text(deployment['trigger']);
    events.push({
      ...base,
      id: `deploy#${deploymentId}#requested`,
      at: requestedAt,
      type: 'DEPLOY_REQUESTED',
      severity: 'info',
      message: `${text(deployment['image']) ?? text(deployment['taskDefinitionArn']) ?? ''}${trigger ? ` (${trigger})` : ''}`,
      details: pick(deployment, ['deploymentId', 'image', 'digest', 'taskDefinitionArn', 'trigger', 'requestedAt']),
    });
  }
  for (const step of steps) {
    const at = text(step['endedAt']) ?? text(step['startedAt']);
    if (!at) continue;
    const outcome = text(step['outcome']) ?? 'ENDED';
    const weights = typeof step['greenWeight'] === 'number' ? `, green ${step['greenWeight']}%` : '';
    const why = text(step['note']) ?? text(step['reason']);
    events.push({
      ...base,
      id: `deploy#${deploymentId}#step#${String(step['index'])}`,
      at,
      type: 'DEPLOY_STEP',
      severity: outcome === 'SUCCEEDED' && step['name'] !== 'rollback' ? 'info' : 'warn',
      message: `${String(step['name'])} ${outcome}${weights}${why ? `: ${why}` : ''}`,
      details: pick(step, ['index', 'name', 'kind', 'outcome', 'greenWeight', 'blueWeight', 'startedAt', 'endedAt', 'note', 'reason']),
    });
  }
  const status = deployment['status'];
  const endedAt = text(deployment['endedAt']);
  if (isEnded(status) && endedAt) {
    events.push({
      ...base,
      id: `deploy#${deploymentId}#ended`,
      at: endedAt,
      type: `DEPLOY_${status}`,
      severity: status === 'SUCCEEDED' ? 'info' : status === 'STOPPED' ? 'warn' : 'error',
      message: text(deployment['reason']) ?? text(deployment['image']) ?? '',
      details: pick(deployment, ['deploymentId', 'status', 'reason', 'image', 'greenTaskDefinitionArn', 'endedAt']),
    });
  }
  return events;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function pick(item: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => item[field] !== undefined && item[field] !== null).map((field) => [field, item[field]]));
}
