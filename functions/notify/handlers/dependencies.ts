import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { readTableNames, requireSetting } from '../../kernel/environment.ts';
import type { NotificationsConfig } from '../config.ts';
import { NOTIFICATIONS_CONFIG_KEY, readStoredNotificationsConfig } from '../domain/stored-config.ts';
import { DeliveryQueue } from '../adapters/delivery-queue.ts';
import { DeliveryStore } from '../adapters/delivery-store.ts';
import type { NotifierDeps } from '../app/notifier.ts';

/** Built once per container; the configuration is read per batch, so a change applies to the next announcement. */
export function notifierDependencies(env: NodeJS.ProcessEnv = process.env): NotifierDeps & { readConfig: () => Promise<NotificationsConfig | undefined> } {
  const documents = sharedDocumentClient();
  const { state } = readTableNames(env);
  const readConfig = async (): Promise<NotificationsConfig | undefined> => {
    const { Item } = await documents.send(new GetCommand({ TableName: state, Key: NOTIFICATIONS_CONFIG_KEY, ConsistentRead: true }));
    return Item === undefined ? undefined : readStoredNotificationsConfig(Item['config']);
  };
  return {
    store: new DeliveryStore(documents, state),
    // The queue's URL names AWS's SQS host; the client's own endpoint (AWS_ENDPOINT_URL locally) is the one to use.
    queue: new DeliveryQueue(new SQSClient({ useQueueUrlAsEndpoint: false }), requireSetting(env, 'DELIVERY_QUEUE_URL')),
    config: readConfig,
    readConfig,
    logger: new Logger({ serviceName: 'harbormaster' }),
    now: () => new Date(),
  };
}

/** One read per batch, shared by its records. */
export function oncePerBatch<T>(read: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= read());
}

/** One read per batch and key. */
export function oncePerBatchEach<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const values = new Map<string, Promise<T>>();
  return (key) => {
    let value = values.get(key);
    if (!value) {
      value = read(key);
      values.set(key, value);
    }
    return value;
  };
}

/** Local mode: the local runtime sets it, and only there may the notifier speak plain http to loopback. */
export function localMode(env: NodeJS.ProcessEnv): boolean {
  return env['HARBORMASTER_LOCAL_NETWORK'] === '1';
}
