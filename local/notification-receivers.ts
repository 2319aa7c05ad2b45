/**
 * npm start's notification destinations: the Slack-compatible and Standard Webhooks receivers on loopback, and the
 * SSM SecureString parameters examples/harbormaster.yml references, seeded with their addresses and with secrets
 * generated for this run (nothing secret-shaped is committed). What the receivers get lands in .local/received/.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PROJECT_ROOT } from '../scripts/serverless-functions.ts';
import type { LocalAws } from './local-aws.ts';
import { startSlackReceiver, startWebhookReceiver, type Receiver } from './receivers.ts';

export const RECEIVED_DIRECTORY = join(PROJECT_ROOT, '.local', 'received');

export interface NotificationReceivers {
  slack: Receiver;
  webhooks: Receiver;
  stop(): Promise<void>;
}

let running: NotificationReceivers | undefined;

/** The receivers npm start runs, once started. */
export function notificationReceivers(): NotificationReceivers | undefined {
  return running;
}

/** The parameter names examples/harbormaster.yml references, whatever the stage npm start deploys. */
const PARAMETER_PREFIX = '/harbormaster/local';

export async function startNotificationReceivers(aws: LocalAws): Promise<NotificationReceivers> {
  const signingSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const slack = await startSlackReceiver({ directory: RECEIVED_DIRECTORY });
  const webhooks = await startWebhookReceiver({ secrets: [signingSecret], directory: RECEIVED_DIRECTORY });
  const ssm = new SSMClient(aws.clientConfig);
  const parameters: Record<string, string> = {
    [`${PARAMETER_PREFIX}/slack-bot-token`]: `local-${randomBytes(16).toString('hex')}`,
    [`${PARAMETER_PREFIX}/slack-ops-webhook`]: `${slack.url}/webhook/${randomBytes(12).toString('hex')}`,
    [`${PARAMETER_PREFIX}/audit-webhook-url`]: `${webhooks.url}/harbormaster`,
    [`${PARAMETER_PREFIX}/audit-signing-secret`]: signingSecret,
  };
  for (const [name, value] of Object.entries(parameters)) await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
  ssm.destroy();
  // Bot mode's Web API calls go to the local Slack receiver (honoured in local mode only).
  process.env['SLACK_API_URL'] = `${slack.url}/api`;
  running = {
    slack,
    webhooks,
    async stop() {
      await Promise.all([slack.stop(), webhooks.stop()]);
    },
  };
  return running;
}
