import { sharedDocumentClient, sharedEcsClient, sharedSfnClient } from '../../kernel/aws/clients.ts';
import { currentTime } from '../../kernel/clock.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { ConfigStore } from '../../config/index.ts';
import { TaskTokens } from '../../deploy/index.ts';
import { RunExecutions } from '../adapters/run-executions.ts';
import { RunStore } from '../adapters/run-store.ts';
import { ScheduledTasks } from '../adapters/scheduled-tasks.ts';
import { ScheduledRunWorkflow } from '../app/scheduled-run-workflow.ts';

/** The run workflow wired to the shared clients, once per Lambda container. */
export function scheduledRunWorkflow(): ScheduledRunWorkflow {
  return new ScheduledRunWorkflow({
    store: new RunStore(sharedDocumentClient(), readTableNames(process.env)),
    tasks: new ScheduledTasks(sharedEcsClient(), new ConfigStore(sharedDocumentClient(), readTableNames(process.env).state)),
    executions: new RunExecutions(sharedSfnClient()),
    tokens: new TaskTokens(sharedSfnClient()),
    now: () => currentTime(),
  });
}
