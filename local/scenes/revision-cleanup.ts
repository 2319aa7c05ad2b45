import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { registerFargateTaskDefinition } from '../sample-resources.ts';
import { harbormaster, say, type Scene } from './scene.ts';

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
    await harbormaster(['cleanup', 'plan']);
    say(`ACTIVE revisions: ${await activeRevisions(ecs)} (a dry run changes nothing)`);
    await harbormaster(['cleanup', 'run']);
    say(`ACTIVE revisions: ${await activeRevisions(ecs)}`);
  },
};

async function activeRevisions(ecs: ECSClient): Promise<string> {
  const { taskDefinitionArns = [] } = await ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }));
  const byFamily = new Map<string, number[]>();
  for (const arn of taskDefinitionArns) {
    const [family = '', revision = ''] = (arn.split('/').pop() ?? '').split(':');
    byFamily.set(family, [...(byFamily.get(family) ?? []), Number(revision)]);
  }
  return [...byFamily].sort(([a], [b]) => a.localeCompare(b)).map(([family, revisions]) => `${family} ${revisions.sort((a, b) => a - b).join(',')}`).join('; ');
}
