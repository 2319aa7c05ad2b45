import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { readTableNames, requireSetting } from '../../kernel/environment.ts';
import { ConfigStore } from '../../config/index.ts';
import { deployControls } from '../../deploy/index.ts';
import { InteractionRecords } from '../adapters/interaction-records.ts';
import { postSlackResponse } from '../adapters/slack-responses.ts';
import { isDecision, SlackApprovals } from '../app/slack-approvals.ts';
import { localMode } from './dependencies.ts';

/**
 * The Slack app's interactivity request URL (a Lambda function URL, AuthType NONE: Slack's signature is the
 * authentication). Decodes the function URL event, answers with SlackApprovals, logs the outcome and its reason —
 * never the body or the secret.
 */

/** Slack wants an answer within 3 s; the response URL post gets what the decision left of it, at most this much. */
const RESPONSE_POST_TIMEOUT_MS = 1_500;
const SLACK_RESPONSE_URLS = 'https://hooks.slack.com/';
/** The signing secret is cached this long (Powertools parameters); a rotated secret takes effect within it. */
const SECRET_MAX_AGE_SECONDS = 300;

const logger = new Logger({ serviceName: 'harbormaster' });
const tables = readTableNames(process.env);
const signingParameter = requireSetting(process.env, 'SLACK_SIGNING_PARAMETER_NAME');
const parameters = new SSMProvider({ awsSdkV3Client: new SSMClient({}) });
const configs = new ConfigStore(sharedDocumentClient(), tables.state);
const records = new InteractionRecords(sharedDocumentClient(), tables.state);
const approvals = new SlackApprovals({
  signingSecret: async () => {
    const secret = await parameters.get(signingParameter, { decrypt: true, maxAge: SECRET_MAX_AGE_SECONDS });
    if (typeof secret !== 'string' || secret === '') throw new Error(`SSM parameter ${signingParameter} (the Slack signing secret) is empty`);
    return secret;
  },
  approvers: async (cluster, service) => {
    const deploy = (await configs.getServiceConfig(cluster, service))?.config.deploy;
    return deploy ? { slackUsers: deploy.approvers?.slackUsers ?? [] } : undefined;
  },
  controls: deployControls(process.env),
  respond: (url, message) => postSlackResponse(url, message, RESPONSE_POST_TIMEOUT_MS),
  record: async (record) => {
    logger[isDecision(record.outcome) ? 'info' : 'warn']('Slack interaction', { ...record });
    await records.record(record);
  },
  // Slack's response URLs; on the local AWS also the receivers on loopback (the notifier's local mode).
  responseUrlPrefixes: localMode(process.env) ? [SLACK_RESPONSE_URLS, 'http://127.0.0.1:'] : [SLACK_RESPONSE_URLS],
});

async function interaction(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  if (event.requestContext.http.method !== 'POST') return { statusCode: 405, headers: { allow: 'POST' }, body: 'Slack posts interactions' };
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const answer = await approvals.handle({ headers: event.headers, body });
  return { statusCode: answer.status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: answer.body };
}

export const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult, Error, Context>(interaction).use(injectLambdaContext(logger));
