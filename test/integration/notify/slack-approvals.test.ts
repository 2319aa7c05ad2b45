import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createBlueGreenService, pushImage, waitForExecution, type BlueGreenService } from '../../../local/sample-blue-green.ts';
import { INTERACTION_COUNTER_PK } from '../../../functions/notify/adapters/interaction-records.ts';
import { approvalClickPayload, interactionBody, signedHeaders, testSigningSecret, type ApprovalClickOptions } from '../../fixtures/slack-interactions.ts';
import { assertRolledBack, deployAnnouncements, deployments, parkedIn, waitForNewestDeploy } from '../deploy/blue-green-support.ts';
import { getItem, useDeployedStack } from '../support.ts';

/**
 * Approvals from Slack through the deployed stack: a signed click is POSTed to the slackInteractions function URL (the
 * stack's SlackInteractionsUrl output, served on loopback by the local runtime), the deploy parked at its approval gate
 * moves on (or rolls back), who decided is recorded on the deployment, and the response URL receiver gets the card.
 */

const stack = useDeployedStack();
const APPROVER = 'U012AB3CD';
/** Serverless.yml's default parameter name for the local stage. */
const SIGNING_PARAMETER = '/harbormaster/local/slack/signing-secret';
// One secret per file: the function caches it (Powertools parameters) across this file's tests.
const secret = testSigningSecret();

/** Slack's side of response URLs: keeps every message posted to it. */
let receiver: Server;
let responseUrl = '';
const received: Array<{ path: string; message: Record<string, unknown> }> = [];

before(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', message: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/actions/T111/111/local`;
});

after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

beforeEach(async () => {
  received.length = 0;
  await new SSMClient(stack.aws.clientConfig).send(new PutParameterCommand({ Name: SIGNING_PARAMETER, Value: secret, Type: 'SecureString', Overwrite: true }));
});

async function interactionsUrl(): Promise<string> {
  const { Stacks } = await new CloudFormationClient(stack.aws.clientConfig).send(new DescribeStacksCommand({ StackName: 'harbormaster-local' }));
  const url = Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'SlackInteractionsUrl')?.OutputValue;
  assert.ok(url, 'the stack outputs the function URL');
  return url;
}

/** A click as Slack posts it: form body, signed (or not, as the test wants). */
async function click(options: ApprovalClickOptions, signing: { secret?: string; at?: Date } = {}): Promise<{ status: number; body: string }> {
  const body = interactionBody(approvalClickPayload({ responseUrl, ...options }));
  const response = await fetch(await interactionsUrl(), { method: 'POST', headers: signedHeaders(signing.secret ?? secret, body, signing.at), body });
  return { status: response.status, body: await response.text() };
}

async function gatedService(): Promise<BlueGreenService> {
  return createBlueGreenService(stack.aws.clientConfig, { deploy: { manualApproval: true, approvers: { slackUsers: [APPROVER] } } });
}

async function counter(outcome: string): Promise<Record<string, unknown> | undefined> {
  return getItem(stack.documents, { pk: INTERACTION_COUNTER_PK, sk: outcome });
}

describe('approvals from Slack', () => {
  it('an approver’s signed Approve passes the gate: the deploy completes, the approver is recorded, the card is replaced', async () => {
    const target = await gatedService();
    await pushImage(target, 'v1');
    const deploymentId = await parkedIn(stack, target, 'approval');
    const requested = (await deployAnnouncements(stack)).find((item) => item['kind'] === 'deploy-approval-requested');
    assert.equal(requested?.['pk'], `deploy-approval-requested#${deploymentId}#approval`, 'the gate was announced');
    const details = requested?.['details'] as Record<string, unknown>;
    assert.deepEqual([details['step'], details['waitsFor'], details['actions'], details['onTimeout']], ['approval', 'approval-gate', ['approve', 'abort', 'fast-track'], 'rollback']);
    assert.equal(Date.parse(String(details['deadline'])) - Date.parse(String(details['waitingSince'])), 24 * 60 * 60 * 1000);

    const answer = await click({ action: 'approve', cluster: target.cluster, service: target.service, deploymentId, userId: APPROVER });
    assert.equal(answer.status, 200, answer.body);
    const { result, deployment, steps } = await waitForNewestDeploy(stack, target, 60_000);

    assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
    assert.equal(deployment['approvedBy'], `slack:${APPROVER}`);
    assert.ok(typeof deployment['approvedAt'] === 'string');
    assert.equal(steps.find((step) => step['name'] === 'approval')?.['approvedBy'], `slack:${APPROVER}`);
    const approvalDone = (await deployAnnouncements(stack)).find((item) => item['kind'] === 'deploy-step-completed' && (item['details'] as Record<string, unknown>)['step'] === 'approval');
    assert.equal((approvalDone?.['details'] as Record<string, unknown>)['approvedBy'], `slack:${APPROVER}`);
    assert.equal(received.length, 1);
    const card = received[0]?.message as { replace_original: boolean; attachments: Array<{ blocks: Array<Record<string, unknown>> }> };
    assert.equal(card.replace_original, true);
    const blocks = card.attachments[0]?.blocks ?? [];
    assert.ok(!blocks.some((block) => block['block_id'] === 'harbormaster-approval'), 'the buttons are gone');
    assert.match(JSON.stringify(blocks.at(-1)), new RegExp(`Approved\\* by <@${APPROVER}> at `));
    assert.equal((await counter('approved'))?.['count'], 1);

    // A second click after the deploy moved on changes nothing and says so, to the clicker only.
    const again = await click({ action: 'approve', cluster: target.cluster, service: target.service, deploymentId, userId: APPROVER });
    assert.equal(again.status, 200);
    const [, note] = received;
    assert.deepEqual([note?.message['response_type'], note?.message['replace_original']], ['ephemeral', false]);
    assert.match(String(note?.message['text']), /is not waiting for approval: it ended SUCCEEDED .*\(approved at .* by slack:U012AB3CD\)/);
    const unchanged = await deployments(stack).getDeployment(target.cluster, target.service, deploymentId);
    assert.equal(unchanged?.['approvedAt'], deployment['approvedAt']);
    assert.equal((await counter('decision-refused'))?.['count'], 1);
  });

  it('an approver’s Abort rolls the parked deploy back at once and records who aborted', async () => {
    const target = await gatedService();
    await pushImage(target, 'v1');
    const deploymentId = await parkedIn(stack, target, 'approval');

    const answer = await click({ action: 'abort', cluster: target.cluster, service: target.service, deploymentId, userId: APPROVER });
    assert.equal(answer.status, 200, answer.body);
    const deployment = await deployments(stack).getDeployment(target.cluster, target.service, deploymentId);
    await waitForExecution(target, String(deployment?.['executionArn']), 60_000);
    await stack.aws.runtime.idle(60_000);

    await assertRolledBack(stack, target, /DeploymentAbortedError: An operator aborted the deployment/);
    assert.equal((await deployments(stack).getDeployment(target.cluster, target.service, deploymentId))?.['abortRequestedBy'], `slack:${APPROVER}`);
    assert.match(JSON.stringify(received[0]?.message['attachments']), /Aborted\* by <@U012AB3CD>/);
  });

  it('refuses a bad signature, a stale timestamp and a user who is not an approver: the deploy still waits, each refusal recorded', async () => {
    const target = await gatedService();
    await pushImage(target, 'v1');
    const deploymentId = await parkedIn(stack, target, 'approval');
    const approve = { action: 'approve' as const, cluster: target.cluster, service: target.service, deploymentId };

    const forged = await click({ ...approve, userId: APPROVER }, { secret: testSigningSecret() });
    const replayed = await click({ ...approve, userId: APPROVER }, { at: new Date(Date.now() - 6 * 60_000) });
    const stranger = await click({ ...approve, userId: 'U0STRANGER' });

    assert.deepEqual([forged.status, replayed.status, stranger.status], [401, 401, 200]);
    assert.match(forged.body, /X-Slack-Signature does not match/);
    assert.match(replayed.body, /X-Slack-Request-Timestamp is \d+ s away from now/);
    assert.ok(![forged.body, replayed.body].some((body) => body.includes(secret)), 'no answer repeats the secret');
    const stillWaiting = await deployments(stack).getDeployment(target.cluster, target.service, deploymentId);
    assert.equal((stillWaiting?.['wait'] as { step?: string } | undefined)?.step, 'approval');
    assert.equal(stillWaiting?.['approvedAt'], undefined);
    assert.equal(stillWaiting?.['status'], 'IN_PROGRESS');
    assert.deepEqual(
      await Promise.all(['bad-signature', 'stale-timestamp', 'unknown-user'].map(async (outcome) => (await counter(outcome))?.['count'])),
      [1, 1, 1],
    );
    assert.equal((await counter('unknown-user'))?.['lastUserId'], 'U0STRANGER');
    assert.deepEqual(received.map(({ message }) => [message['response_type'], message['replace_original']]), [['ephemeral', false]], 'only the stranger was told, the card stays');
    assert.match(String(received[0]?.message['text']), /<@U0STRANGER> is not an approver of web-cluster\/web/);
  });
});
