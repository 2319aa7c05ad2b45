import type { Command } from 'commander';
import { deliver, deployTarget, runControl, SERVICE_ARGUMENT, serviceOf, statusCommand } from '../deploys.ts';
import type { Cli } from '../program.ts';

export function register(program: Command, cli: Cli): void {
  program
    .command('unlock')
    .summary('Release a deploy lock by hand, ending its deployment.')
    .description(
      "Release SERVICE's deploy lock by hand, ending its deployment as the execution reconciler would: traffic back on blue, green removed (unless blue is gone), the outcome recorded, the queued deploy started. Refused while its execution runs, unless --force (which stops it first).",
    )
    .argument('<service>', SERVICE_ARGUMENT)
    .option('--deployment <id>', 'release the lock only if this deployment holds it')
    .option('--force', 'stop the execution first if it still runs')
    .option('--dry-run', 'say what it would do, with the same checks; change nothing')
    .action(async (argument: string, options: { deployment?: string; force?: boolean; dryRun?: boolean }, command: Command) => {
      const target = await deployTarget(cli, command, argument);
      const dryRun = options.dryRun === true;
      const name = target.known.name;
      const hint = `\`harbormaster abort ${name}\` rolls it back; \`harbormaster unlock ${name} --force\` stops its execution first. ${statusCommand(target)} shows what it does.`;
      const answer = await runControl(`unlock ${target.label}`, hint, () =>
        target.controls.unlock({ ...target.ref, dryRun, force: options.force === true, ...(options.deployment ? { deploymentId: options.deployment } : {}) }),
      );
      const [found = '', ...steps] = answer.lines;
      const messages = { 'no-lock': found, 'would-refuse': found, 'would-release': found, released: `Released the deploy lock of ${target.label}` };
      const report = {
        service: serviceOf(target),
        action: 'unlock' as const,
        dryRun,
        outcome: answer.outcome,
        ...(answer.holder ? { deploymentId: answer.holder } : {}),
        ...(answer.execution ? { execution: { arn: answer.execution.executionArn, status: answer.execution.status } } : {}),
        message: messages[answer.outcome],
        lines: answer.lines,
      };
      const refused = answer.outcome === 'would-refuse';
      await deliver(cli, command, target, report, { ok: !refused, details: answer.outcome === 'released' ? answer.lines : [...steps, ...(refused ? [hint] : [])] });
    });
}
