import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseCleanupConfig, type CleanupConfig } from '../../cleanup/config.ts';
import { NOTIFICATIONS_CONFIG_KEY, parseNotificationsConfig, type NotificationsConfig } from '../../notify/config.ts';
import { parseServiceConfig, type ServiceConfig } from '../service-config.ts';
import { lookupItemsOf, lookupKeyId, type LookupKey } from '../lookup-items.ts';
import { StateStoreError } from '../../kernel/store/errors.ts';

/** A stored configuration with the revision that optimistic-concurrency writes must name. */
export interface StoredConfig<T> {
  config: T;
  /** 1 for the first version; each put increments it. */
  revision: number;
  updatedAt: string;
}

export type StoredServiceConfig = StoredConfig<ServiceConfig>;

/** Someone else changed the configuration since it was read. */
export class ConfigConflictError extends Error {
  override readonly name = 'ConfigConflictError';
}

const CONFIG_PK = 'CONFIG';
const serviceSortKey = (cluster: string, service: string) => `SERVICE#${cluster}#${service}`;
const CLEANUP_SK = 'CLEANUP';

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/**
 * Service configurations in the state table (docs/decisions/0004). Everything read back is validated again, so a
 * hand-edited item fails loudly instead of steering a deploy. Each service configuration is written in one
 * transaction with its lookup items (lookup-items.ts), which the hot paths read instead of the configurations; the
 * configuration item lists the lookup keys it wrote, so a change removes exactly the lookups it no longer needs.
 */
export class ConfigStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async getServiceConfig(cluster: string, service: string): Promise<StoredServiceConfig | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: CONFIG_PK, sk: serviceSortKey(cluster, service) }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : toStored(Item, parseServiceConfig);
  }

  async listServiceConfigs(): Promise<StoredServiceConfig[]> {
    const configs: StoredServiceConfig[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': CONFIG_PK, ':prefix': 'SERVICE#' },
          ExclusiveStartKey,
        }),
      );
      configs.push(...(page.Items ?? []).map((item) => toStored(item, parseServiceConfig)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return configs;
  }

  /**
   * Validates and stores a configuration and its lookups. `expectedRevision` is the revision it was based on (0 for a
   * new service); if the stored one moved on meanwhile, nothing is written and ConfigConflictError says so.
   */
  async putServiceConfig(input: unknown, expectedRevision: number, now = new Date()): Promise<StoredServiceConfig> {
    const config = parseServiceConfig(input);
    const subject = `${config.cluster}/${config.service}`;
    const sk = serviceSortKey(config.cluster, config.service);
    const lookups = lookupItemsOf(config, expectedRevision + 1);
    const needed = new Set(lookups.map(lookupKeyId));
    const unneeded = (await this.lookupKeysAt(sk, subject, expectedRevision)).filter((key) => !needed.has(lookupKeyId(key)));
    // At most 1 + 2 × (policies + 1) items: the schema's bound on policies keeps it within TransactWriteItems' 100.
    return this.putVersioned(sk, 'service-config', config, subject, expectedRevision, now, {
      attributes: { lookupKeys: lookups.map(({ pk, sk: lookupSk }) => ({ pk, sk: lookupSk })) },
      alongside: [
        ...lookups.map((item) => ({ Put: { TableName: this.table, Item: item } })),
        ...unneeded.map((key) => ({ Delete: { TableName: this.table, Key: key } })),
      ],
    });
  }

  /**
   * Removes a service's configuration and its lookups (`apply --prune`): its deploys and scaling stop. Refused with
   * ConfigConflictError if it moved on from `expectedRevision`.
   */
  async deleteServiceConfig(cluster: string, service: string, expectedRevision: number): Promise<void> {
    const sk = serviceSortKey(cluster, service);
    const subject = `${cluster}/${service}`;
    const lookups = await this.lookupKeysAt(sk, subject, expectedRevision);
    await this.deleteVersioned(sk, subject, expectedRevision, lookups.map((key) => ({ Delete: { TableName: this.table, Key: key } })));
  }

  /** Removes the stored cleanup settings, so the defaults (a dry run) apply again. */
  async deleteCleanupConfig(expectedRevision: number): Promise<void> {
    await this.deleteVersioned(CLEANUP_SK, 'revision cleanup', expectedRevision);
  }

  /** The revision cleanup settings (docs/decisions/0005), or undefined when none were stored (defaults apply). */
  async getCleanupConfig(): Promise<StoredConfig<CleanupConfig> | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: CONFIG_PK, sk: CLEANUP_SK }, ConsistentRead: true }));
    return Item === undefined ? undefined : toStored(Item, parseCleanupConfig);
  }

  /** Validates and stores the cleanup settings, with the same optimistic revision check as service configurations. */
  async putCleanupConfig(input: unknown, expectedRevision: number, now = new Date()): Promise<StoredConfig<CleanupConfig>> {
    return this.putVersioned(CLEANUP_SK, 'cleanup-config', parseCleanupConfig(input), 'revision cleanup', expectedRevision, now);
  }

  /** The notifications section (docs/decisions/0015), one item the notifier reads per batch. */
  async getNotificationsConfig(): Promise<StoredConfig<NotificationsConfig> | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: NOTIFICATIONS_CONFIG_KEY, ConsistentRead: true }));
    return Item === undefined ? undefined : toStored(Item, parseNotificationsConfig);
  }

  async putNotificationsConfig(input: unknown, expectedRevision: number, now = new Date()): Promise<StoredConfig<NotificationsConfig>> {
    return this.putVersioned(NOTIFICATIONS_CONFIG_KEY.sk, 'notifications-config', parseNotificationsConfig(input), 'notifications', expectedRevision, now);
  }

  async deleteNotificationsConfig(expectedRevision: number): Promise<void> {
    await this.deleteVersioned(NOTIFICATIONS_CONFIG_KEY.sk, 'notifications', expectedRevision);
  }

  /** The lookup keys the configuration stored at `revision` wrote; a conflict if it is not the stored revision. */
  private async lookupKeysAt(sk: string, subject: string, revision: number): Promise<LookupKey[]> {
    if (revision === 0) return [];
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: CONFIG_PK, sk }, ProjectionExpression: 'revision, lookupKeys', ConsistentRead: true }),
    );
    if (Item?.['revision'] !== revision) throw conflict(subject, revision);
    return (Item['lookupKeys'] as LookupKey[] | undefined) ?? [];
  }

  private async putVersioned<T>(
    sk: string,
    kind: string,
    config: T,
    subject: string,
    expectedRevision: number,
    now: Date,
    extra: { attributes?: Record<string, unknown>; alongside?: TransactItems } = {},
  ): Promise<StoredConfig<T>> {
    const stored: StoredConfig<T> = { config, revision: expectedRevision + 1, updatedAt: now.toISOString() };
    const put = {
      Put: {
        TableName: this.table,
        Item: { pk: CONFIG_PK, sk, kind, ...stored, ...extra.attributes },
        ConditionExpression: expectedRevision === 0 ? 'attribute_not_exists(pk)' : 'revision = :expected',
        ...(expectedRevision === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedRevision } }),
      },
    };
    await this.transact([put, ...(extra.alongside ?? [])], subject, expectedRevision, 'store');
    return stored;
  }

  private async deleteVersioned(sk: string, subject: string, expectedRevision: number, alongside: TransactItems = []): Promise<void> {
    const remove = {
      Delete: { TableName: this.table, Key: { pk: CONFIG_PK, sk }, ConditionExpression: 'revision = :expected', ExpressionAttributeValues: { ':expected': expectedRevision } },
    };
    await this.transact([remove, ...alongside], subject, expectedRevision, 'remove');
  }

  /** The first item carries the revision condition: its failure is a conflict, anything else a store error. */
  private async transact(items: TransactItems, subject: string, expectedRevision: number, verb: 'store' | 'remove'): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw conflict(subject, expectedRevision);
      throw new StateStoreError(`Could not ${verb} the configuration of ${subject}`, { cause: error });
    }
  }
}

function conflict(subject: string, revision: number): ConfigConflictError {
  return new ConfigConflictError(`The configuration of ${subject} changed since revision ${revision}; read it again and reapply your change.`);
}

function toStored<T>(item: Record<string, unknown>, parse: (input: unknown) => T): StoredConfig<T> {
  return { config: parse(item['config']), revision: Number(item['revision']), updatedAt: String(item['updatedAt']) };
}
