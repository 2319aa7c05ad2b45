import type { Command } from 'commander';
import { addWaitOptions, checkWaitOptions, chosenDeployment, controlCommand, deliver, deployTarget, runControl, serviceOf, statusCommand, type ControlOptions, type WaitOptions } from '../deploys.ts';
import { operatorName } from '../operator.ts';
import type { Cli } from '../program.ts';

const HELP = {
  summary: 'Pass the approval gate of the running deployment.',
  description:
    "Pass the approval gate SERVICE's deployment waits at (manualApproval): production traffic then moves to green.",
};

export function register(program: Command, cli: Cli): void {
  addWaitOptions(controlCommand(program, 'approve', HELP), 'it SUCCEEDED').action(
    async (argument: string, options: ControlOptions & WaitOptions, command: Command) => {
      checkWaitOptions(options);
      const target = await deployTarget(cli, command, argument);
      const deploymentId = await chosenDeployment(target, options.deployment, 'approve');
      const dryRun = options.dryRun === true;
      const hint = `See where it is with ${statusCommand(target)}; approve once it waits at the approval gate (only deploys with manualApproval have one).`;
      const answer = await runControl(`approve deployment ${deploymentId}`, hint, () => target.controls.approve({ ...target.ref, deploymentId, dryRun, by: operatorName('cli', cli.env) }));
      const report = { service: serviceOf(target), action: 'approve' as const, dryRun, outcome: dryRun ? 'would-approve' : 'approved', deploymentId, message: answer.message };
      await deliver(cli, command, target, report, { wait: { ...options, expect: ['SUCCEEDED'] } });
    },
  );
}
