import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** The cold-start bench's yardstick: a handler that only reads one item with the DynamoDB document client. */
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await documents.send(new GetCommand({ TableName: process.env['STATE_TABLE'], Key: { pk: event.pk, sk: event.sk } }))).Item;
}
