import type { Command } from 'commander';
import type { ResolvedImage } from '../../functions/deploy/index.ts';
import { addWaitOptions, checkWaitOptions, deliver, deployTarget, REQUEST_OUTCOMES, resolveImage, runControl, SERVICE_ARGUMENT, serviceOf, statusCommand, type WaitOptions } from '../deploys.ts';
import type { Cli } from '../program.ts';

export function register(program: Command, cli: Cli): void {
  addWaitOptions(
    program
      .command('deploy')
      .summary('Deploy an image (a tag or a digest), pinned by digest.')
      .description(
        'Deploy an image to SERVICE, pinned by digest: a tag of its ECR repository (resolved to the digest it points at now), a digest (sha256:…), or a reference pinned by digest (web@sha256:…). It starts now, or waits behind the running deployment.',
      )
      .argument('<service>', SERVICE_ARGUMENT)
      .requiredOption('--image <tag|digest>', 'what to deploy: v1.2, web:v1.2, sha256:<digest>, web@sha256:<digest>')
      .option('--dry-run', 'resolve the image and show the deploy plan; change nothing'),
    'it SUCCEEDED',
  ).action(async (argument: string, options: WaitOptions & { image: string; dryRun?: boolean }, command: Command) => {
    checkWaitOptions(options);
    const target = await deployTarget(cli, command, argument);
    const image = await resolveImage(target, options.image);
    const base = { service: serviceOf(target), action: 'deploy' as const, dryRun: options.dryRun === true, image };
    const details = [describeImage(image)];
    const hint = `Check the service's deploy configuration with ${statusCommand(target)}.`;
    if (options.dryRun) {
      const preview = await runControl(`preview a deploy of ${target.label}`, hint, () => target.controls.previewDeploy({ ...target.ref, image: image.uri }));
      const replacing = preview.replaces ? `, replacing queued deployment ${preview.replaces}` : '';
      const message =
        preview.start === 'now' ? `Would deploy ${image.uri} to ${target.label} now` : `Would queue ${image.uri} for ${target.label} behind the running deployment ${preview.running}${replacing}`;
      const report = { ...base, outcome: preview.start === 'now' ? 'would-start' : 'would-queue', message, ...(preview.running ? { queuedBehind: preview.running } : {}), plan: preview.plan };
      await deliver(cli, command, target, report, { details: [...details, ...preview.plan] });
      return;
    }
    const { deploymentId, outcome } = await runControl(`start a deploy of ${target.label}`, hint, () => target.controls.startDeploy({ ...target.ref, image: image.uri }));
    const running = outcome === 'queued' ? await target.session.call('read the deploy lock', () => target.deployments.lockHolder(target.ref.cluster, target.ref.service)) : undefined;
    const messages = {
      started: `Started deployment ${deploymentId} of ${target.label}`,
      queued: `Queued deployment ${deploymentId} of ${target.label} behind the running deployment${running ? ` ${running}` : ''}: it starts when that one ends (a newer request replaces it meanwhile)`,
      duplicate: `Deployment ${deploymentId} of ${target.label} was requested already: nothing new started`,
      superseded: `Not deployed: a newer deploy of ${target.label} was requested meanwhile, so deployment ${deploymentId} never runs`,
    };
    const report = { ...base, outcome: REQUEST_OUTCOMES[outcome], deploymentId, message: messages[REQUEST_OUTCOMES[outcome]], ...(running ? { queuedBehind: running } : {}) };
    await deliver(cli, command, target, report, { details, ok: outcome !== 'superseded', wait: { ...options, expect: ['SUCCEEDED'] } });
  });
}

function describeImage(image: ResolvedImage): string {
  const named = image.tag ? `Tag ${image.tag} of ECR repository ${image.repository} is ${image.digest}` : `Image ${image.digest} of ECR repository ${image.repository}`;
  const pushed = image.pushedAt ? `pushed ${image.pushedAt}` : undefined;
  const tags = image.tags.length > 0 ? `tags ${image.tags.join(', ')}` : 'untagged';
  return `${named} (${[pushed, tags].filter(Boolean).join('; ')}), deployed as ${image.uri}`;
}
