import { sharedDocumentClient, sharedSfnClient } from '../../kernel/aws/clients.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';
import { defaultDependencies } from '../../ingestion/index.ts';
import { parseAlarmStateChange, type AlarmStateChange } from '../../scaling/domain/alarm-state.ts';
import { AlarmWaiters } from '../adapters/alarm-waiters.ts';
import { TaskTokens } from '../adapters/task-tokens.ts';

/**
 * `CloudWatch Alarm State Change` (to ALARM) → every deploy waiting with that alarm among its rollback alarms is
 * resumed with RollbackAlarmError and rolls back (docs/decisions/0013-deploy-waits.md). One Query finds them.
 */
const { store, logger } = defaultDependencies();
const waiters = new AlarmWaiters(sharedDocumentClient(), readTableNames(process.env).state, new TaskTokens(sharedSfnClient()));

async function resumeOnAlarm(change: AlarmStateChange): Promise<'apply' | 'duplicate'> {
  // The rule delivers ALARM transitions only; a hand-sent event of another state changes nothing.
  if (change.state !== 'ALARM') return 'duplicate';
  const resumes = await waiters.alarmWentToAlarm(change.alarmName);
  for (const { deploymentId, resume } of resumes) {
    logger[resume === 'resume-failed' ? 'warn' : 'info']('Deploy wait on a rollback alarm', { alarmName: change.alarmName, deploymentId, resume });
  }
  return resumes.some(({ resume }) => resume === 'resumed') ? 'apply' : 'duplicate';
}

export const handler = ingestionHandler({ parse: parseAlarmStateChange, apply: resumeOnAlarm, store, logger });
