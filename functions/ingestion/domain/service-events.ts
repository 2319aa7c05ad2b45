import { clusterNameFromArn, clusterNameFromServiceArn, serviceNameFromArn } from '../../kernel/arns.ts';
import { MalformedEventError } from '../../kernel/errors.ts';
import { readEnvelope, type EventEnvelope } from '../../kernel/envelope.ts';
import {
  assignDefined,
  keptString,
  keptStrings,
  preview,
  readKeyString,
  readOneOf,
  readOptionalString,
  readString,
  readTimestamp,
} from '../../kernel/validate.ts';

/** Readers for the two ECS service-level events: `ECS Deployment State Change` and `ECS Service Action`. */

const EVENT_TYPES = ['INFO', 'WARN', 'ERROR'] as const;
export type EcsEventType = (typeof EVENT_TYPES)[number];

export const DEPLOYMENT_STATE_CHANGE = { source: 'aws.ecs', detailType: 'ECS Deployment State Change' } as const;
export const SERVICE_ACTION = { source: 'aws.ecs', detailType: 'ECS Service Action' } as const;

/** The state of one ECS-managed service deployment (rolling update or ECS blue/green), newest event wins. */
export interface EcsDeploymentState {
  cluster: string;
  service: string;
  serviceArn: string;
  deploymentId: string;
  /** SERVICE_DEPLOYMENT_IN_PROGRESS | _COMPLETED | _FAILED (and the ROLLBACK_* names of ECS blue/green). */
  eventName: string;
  eventType: EcsEventType;
  /** Orders events that share an updatedAt: a terminal state outranks an in-progress one. */
  rank: number;
  /** Why, in ECS's words: e.g. "ECS deployment circuit breaker: task failed to start." for a failed deployment. */
  reason?: string;
  updatedAt: string;
  eventId: string;
}

export function parseDeploymentStateChange(event: unknown): EcsDeploymentState {
  const envelope = readEnvelope(event, DEPLOYMENT_STATE_CHANGE);
  const detail = envelope.detail;
  const serviceArn = singleServiceArn(envelope);
  const cluster = clusterNameFromServiceArn(serviceArn, 'event.resources[0]');
  if (cluster === undefined) {
    throw new MalformedEventError('event.resources[0]', 'must be a long-format service ARN (service/<cluster>/<service>)');
  }
  const eventName = readKeyString(detail, 'eventName', 'detail');
  if (!eventName.startsWith('SERVICE_DEPLOYMENT_')) {
    throw new MalformedEventError('detail.eventName', `must be a SERVICE_DEPLOYMENT_* event name (got ${preview(eventName)})`);
  }
  const state: EcsDeploymentState = {
    cluster,
    service: serviceNameFromArn(serviceArn, 'event.resources[0]'),
    serviceArn,
    deploymentId: readKeyString(detail, 'deploymentId', 'detail'),
    eventName,
    eventType: readOneOf(detail, 'eventType', 'detail', EVENT_TYPES),
    rank: eventName.endsWith('_IN_PROGRESS') ? 1 : 2,
    updatedAt: readTimestamp(detail, 'updatedAt', 'detail'),
    eventId: envelope.id,
  };
  assignDefined(state, { reason: readOptionalString(detail, 'reason', 'detail') });
  return state;
}

/** One service action (steady state, placement failure, …): an append-only fact about a service. */
export interface ServiceAction {
  cluster: string;
  service: string;
  serviceArn: string;
  eventName: string;
  eventType: EcsEventType;
  createdAt: string;
  /**
   * Why, for the events that have one: a placement failure's `RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:FARGATE`…,
   * a configuration failure's cause.
   */
  reason?: string;
  clusterArn?: string;
  /** Where ECS tried to place tasks: the capacity providers or container instances it names. */
  capacityProviderArns?: string[];
  containerInstanceArns?: string[];
  eventId: string;
}

export function parseServiceAction(event: unknown): ServiceAction {
  const envelope = readEnvelope(event, SERVICE_ACTION);
  const detail = envelope.detail;
  const serviceArn = singleServiceArn(envelope);
  const service = serviceNameFromArn(serviceArn, 'event.resources[0]');
  // The cluster is in a long-format service ARN; only the legacy format needs detail.clusterArn for it.
  const clusterFromArn = clusterNameFromServiceArn(serviceArn, 'event.resources[0]');
  const clusterArn = clusterFromArn === undefined ? readString(detail, 'clusterArn', 'detail') : keptString(detail, 'clusterArn');
  const action: ServiceAction = {
    cluster: clusterFromArn ?? clusterNameFromArn(clusterArn as string, 'detail.clusterArn'),
    service,
    serviceArn,
    eventName: readKeyString(detail, 'eventName', 'detail'),
    eventType: readOneOf(detail, 'eventType', 'detail', EVENT_TYPES),
    createdAt: readTimestamp(detail, 'createdAt', 'detail'),
    eventId: envelope.id,
  };
  assignDefined(action, {
    reason: keptString(detail, 'reason'),
    clusterArn,
    capacityProviderArns: keptStrings(detail, 'capacityProviderArns'),
    containerInstanceArns: keptStrings(detail, 'containerInstanceArns'),
  });
  return action;
}

function singleServiceArn(envelope: EventEnvelope): string {
  const [serviceArn] = envelope.resources;
  if (serviceArn === undefined) throw new MalformedEventError('event.resources', 'must name the service ARN');
  return serviceArn;
}
