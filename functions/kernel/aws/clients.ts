import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * SDK clients, built once per Lambda container on first use and reused by every invocation.
 * Region, credentials and endpoint come from the environment (AWS_REGION, AWS_ENDPOINT_URL locally).
 */

let documentClient: DynamoDBDocumentClient | undefined;

export function sharedDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

let ecsClient: ECSClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;
let schedulerClient: SchedulerClient | undefined;

export function sharedEcsClient(): ECSClient {
  ecsClient ??= new ECSClient({});
  return ecsClient;
}

export function sharedEventBridgeClient(): EventBridgeClient {
  eventBridgeClient ??= new EventBridgeClient({});
  return eventBridgeClient;
}

export function sharedSchedulerClient(): SchedulerClient {
  schedulerClient ??= new SchedulerClient({});
  return schedulerClient;
}

let sfnClient: SFNClient | undefined;

export function sharedSfnClient(): SFNClient {
  sfnClient ??= new SFNClient({});
  return sfnClient;
}
