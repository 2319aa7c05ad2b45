import type { Command } from 'commander';
import { isEnded } from '../../functions/deploy/domain/deployment.ts';
import { addWaitOptions, checkWaitOptions, chosenDeployment, controlCommand, deliver, deployTarget, runControl, serviceOf, statusCommand, type ControlOptions, type WaitOptions } from '../deploys.ts';
import { operatorName } from '../operator.ts';
import type { Cli } from '../program.ts';

const HELP = {
  summary: 'Roll the running deployment back.',
  description:
    "Roll SERVICE's deployment back: production traffic back on blue, green removed, blue untouched. At once if it waits (a bake, the approval gate, green coming up), else at its next check.",
};

export function register(program: Command, cli: Cli): void {
  addWaitOptions(
    controlCommand(program, 'abort', HELP),
    'it ROLLED_BACK',
  ).action(async (argument: string, options: ControlOptions & WaitOptions, command: Command) => {
    checkWaitOptions(options);
    const target = await deployTarget(cli, command, argument);
    const deploymentId = await chosenDeployment(target, options.deployment, 'abort');
    const dryRun = options.dryRun === true;
    const answer = await runControl(`abort deployment ${deploymentId}`, `${statusCommand(target)} shows its deployments.`, () => target.controls.abort({ ...target.ref, deploymentId, dryRun, by: operatorName('cli', cli.env) }));
    const report = { service: serviceOf(target), action: 'abort' as const, dryRun, outcome: answer.outcome, deploymentId, status: answer.status, message: answer.message };
    // An abort that came too late is no success: the deployment took effect (rollback undoes it), or its end is not
    // recorded yet (unlock records it). One that ended any other way did not take effect: nothing left to do.
    const tooLate = answer.outcome === 'already-ended' && (answer.status === 'SUCCEEDED' || !isEnded(answer.status));
    const next = answer.status === 'SUCCEEDED' ? `\`harbormaster rollback ${target.known.name}\` deploys the revision before it.` : `\`harbormaster unlock ${target.known.name}\` records how it ended and frees the service.`;
    await deliver(cli, command, target, report, { ok: !tooLate, details: tooLate ? [next] : [], wait: { ...options, expect: ['ROLLED_BACK', 'STOPPED'] } });
  });
}
