import type { Command } from 'commander';
import { addWaitOptions, checkWaitOptions, controlCommand, deliver, deployTarget, REQUEST_OUTCOMES, runControl, serviceOf, statusCommand, type ControlOptions, type WaitOptions } from '../deploys.ts';
import type { Cli } from '../program.ts';

const HELP = {
  summary: 'Undo the newest successful deployment.',
  description:
    'Undo the newest successful deployment of SERVICE (or the one --deployment names): deploy the revision that ran before it, with the usual blue/green steps. Refused while a deployment runs: abort that one instead.',
};

export function register(program: Command, cli: Cli): void {
  addWaitOptions(
    controlCommand(program, 'rollback', HELP, 'the successful deployment to undo (default: the newest)'),
    'it SUCCEEDED',
  ).action(async (argument: string, options: ControlOptions & WaitOptions, command: Command) => {
    checkWaitOptions(options);
    const target = await deployTarget(cli, command, argument);
    const dryRun = options.dryRun === true;
    const hint = `${statusCommand(target)} shows the running and recent deployments; \`harbormaster abort ${target.known.name}\` rolls back the running one.`;
    const which = options.deployment ? { deploymentId: options.deployment } : {};
    const what = (answer: { revision: string; undoes: string }) => `revision ${answer.revision} to ${target.label}, undoing deployment ${answer.undoes}`;
    const base = { service: serviceOf(target), action: 'rollback' as const, dryRun };
    if (dryRun) {
      const preview = await runControl(`preview a rollback of ${target.label}`, hint, () => target.controls.previewRollback({ ...target.ref, ...which }));
      const report = { ...base, outcome: 'would-start', revision: preview.revision, undoes: preview.undoes, message: `Would deploy ${what(preview)}`, plan: preview.plan };
      await deliver(cli, command, target, report, { details: preview.plan });
      return;
    }
    const answer = await runControl(`roll back ${target.label}`, hint, () => target.controls.rollbackToPrevious({ ...target.ref, ...which }));
    const outcome = REQUEST_OUTCOMES[answer.outcome];
    const report = {
      ...base,
      outcome,
      deploymentId: answer.deploymentId,
      revision: answer.revision,
      undoes: answer.undoes,
      message: `${outcome === 'started' ? 'Started' : `Requested (${outcome})`} deployment ${answer.deploymentId} of ${what(answer)}`,
    };
    await deliver(cli, command, target, report, { ok: outcome !== 'superseded', wait: { ...options, expect: ['SUCCEEDED'] } });
  });
}
