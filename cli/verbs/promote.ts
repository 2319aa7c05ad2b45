import type { Command } from 'commander';
import { addWaitOptions, checkWaitOptions, chosenDeployment, controlCommand, deliver, deployTarget, runControl, serviceOf, statusCommand, type ControlOptions, type WaitOptions } from '../deploys.ts';
import { operatorName } from '../operator.ts';
import type { Cli } from '../program.ts';

const HELP = {
  summary: 'End the current bake or approval wait (--full: every one).',
  description:
    "Move SERVICE's deployment on, as Argo Rollouts' promote: end the wait it is parked on now, a bake (later bakes run as planned) or the approval gate. --full skips every remaining bake and passes the gate. Green coming up is never skipped; its health and the rollback alarms are still checked at every step.",
};

export function register(program: Command, cli: Cli): void {
  addWaitOptions(
    controlCommand(program, 'promote', HELP).option('--full', 'skip every remaining bake and pass the approval gate'),
    'it SUCCEEDED',
  ).action(async (argument: string, options: ControlOptions & WaitOptions & { full?: boolean }, command: Command) => {
    checkWaitOptions(options);
    const target = await deployTarget(cli, command, argument);
    const deploymentId = await chosenDeployment(target, options.deployment, 'promote');
    const dryRun = options.dryRun === true;
    const hint = `See where it is with ${statusCommand(target)}: run promote again once it bakes or waits for approval, or \`harbormaster promote ${target.known.name} --full\` to skip every remaining bake.`;
    const answer = await runControl(`promote deployment ${deploymentId}`, hint, () => target.controls.promote({ ...target.ref, deploymentId, full: options.full === true, dryRun, by: operatorName('cli', cli.env) }));
    const report = {
      service: serviceOf(target),
      action: 'promote' as const,
      dryRun,
      outcome: dryRun ? 'would-promote' : 'promoted',
      deploymentId,
      skipped: answer.skipped,
      ...(answer.step ? { step: answer.step } : {}),
      message: answer.message,
    };
    await deliver(cli, command, target, report, { wait: { ...options, expect: ['SUCCEEDED'] } });
  });
}
