import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { CleanupStore, type FamilyRecord } from '../../functions/cleanup/adapters/cleanup-store.ts';
import type { RunSummary } from '../../functions/cleanup/handlers/cleanup-record-run.ts';
import { Session } from '../../cli/session.ts';
import { registerFargateTaskDefinition } from '../sample-resources.ts';
import { poll, say, showTable, type Scene, type SceneContext } from './scene.ts';

/**
 * Revision cleanup with the example's settings (keep the 3 newest ACTIVE revisions of each family, whatever is in use,
 * and each service's rollback target): an on-demand dry run plans and records, then a real run applies that plan.
 */
export const revisionCleanup: Scene = {
  title: 'Cleanup: a nightly report job has 6 task-definition revisions; a dry run plans, then a real run cleans up',
  async run(context) {
    const ecs = new ECSClient(context.aws.clientConfig);
    for (let revision = 1; revision <= 6; revision += 1) await registerFargateTaskDefinition(ecs, 'report', `123456789012.dkr.ecr.us-east-1.amazonaws.com/report:${revision}`);
    say(`ACTIVE revisions: ${await activeRevisions(ecs)}`);
    say('Dry run (what `harbormaster cleanup plan` shows):');
    showRun(await runCleanup(context, 'demo-dry-run', true));
    say(`ACTIVE revisions: ${await activeRevisions(ecs)} (a dry run changes nothing)`);
    say('Real run (what `harbormaster cleanup run` starts):');
    showRun(await runCleanup(context, 'demo-run', false));
    say(`ACTIVE revisions: ${await activeRevisions(ecs)}`);
  },
};

interface CleanupRun {
  summary: RunSummary;
  families: FamilyRecord[];
}

async function runCleanup(context: SceneContext, name: string, dryRun: boolean): Promise<CleanupRun> {
  const { cleanupStateMachineArn } = await new Session({ stage: context.stage }).stack();
  const sfn = new SFNClient(context.aws.clientConfig);
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: cleanupStateMachineArn, name, input: JSON.stringify({ trigger: 'on-demand', dryRun }) }));
  const ended = await poll(`cleanup run ${name}`, async () => {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING' ? undefined : execution;
  });
  if (ended.status !== 'SUCCEEDED') throw new Error(`Cleanup run ${name} ended ${ended.status}: ${ended.error}: ${ended.cause}`);
  const summary = JSON.parse(ended.output ?? '{}') as RunSummary;
  const families: FamilyRecord[] = [];
  for await (const record of new CleanupStore(context.documents, context.tables).familyRecords({ runId: summary.runId, startedAt: summary.startedAt, dryRun })) families.push(record);
  return { summary, families };
}

function showRun({ summary, families }: CleanupRun): void {
  showTable(
    ['family', 'status', 'kept', 'deregistered', 'deleted'],
    families.map(({ family, outcome }) => {
      if (!outcome || outcome.status === 'failed') return [family, outcome?.status ?? 'unfinished', outcome && 'error' in outcome ? outcome.error : '', '', ''];
      const reasons = Object.entries(outcome.keptByReason).map(([reason, count]) => `${count} ${reason}`).join(', ');
      return [family, outcome.status, `${outcome.kept} (${reasons})`, outcome.deregistered, outcome.deleted];
    }),
  );
  say(`Run ${summary.status}${summary.dryRun ? ' (dry run)' : ''}: ${JSON.stringify(summary.totals)}`);
}

async function activeRevisions(ecs: ECSClient): Promise<string> {
  const { taskDefinitionArns = [] } = await ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }));
  const byFamily = new Map<string, number[]>();
  for (const arn of taskDefinitionArns) {
    const [family = '', revision = ''] = (arn.split('/').pop() ?? '').split(':');
    byFamily.set(family, [...(byFamily.get(family) ?? []), Number(revision)]);
  }
  return [...byFamily].sort(([a], [b]) => a.localeCompare(b)).map(([family, revisions]) => `${family} ${revisions.sort((a, b) => a - b).join(',')}`).join('; ');
}
