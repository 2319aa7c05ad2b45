import { sharedDocumentClient, sharedSfnClient } from '../../kernel/aws/clients.ts';
import { ConfigLookups } from '../../config/index.ts';
import { ScalingExecutions } from '../adapters/scaling-executions.ts';
import { readTableNames, requireSetting } from '../../kernel/environment.ts';
import { parseAlarmStateChange, scalingExecutionName, unscalableAlarmReason, type AlarmStateChange } from '../domain/alarm-state.ts';
import { defaultDependencies } from '../../ingestion/index.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';

/**
 * `CloudWatch Alarm State Change` (to ALARM) → one step-scaling execution per configured service whose policy names
 * the alarm, found by the alarm's lookup items (one Query, no configuration read). The execution name is derived from
 * the alarm transition, so a redelivered event starts nothing new.
 * Composite and anomaly-detection alarms cannot drive step scaling: a policy naming one starts nothing, with a warning.
 */
const { store, logger } = defaultDependencies();
const lookups = new ConfigLookups(sharedDocumentClient(), readTableNames(process.env).state);
const executions = new ScalingExecutions(sharedSfnClient(), requireSetting(process.env, 'SCALING_STATE_MACHINE_ARN'));

async function startScaling(change: AlarmStateChange): Promise<'apply' | 'duplicate'> {
  const services = await lookups.servicesScalingOn(change.alarmName);
  if (services.length === 0) logger.info('No service scales on this alarm', { alarmName: change.alarmName });
  const unscalable = unscalableAlarmReason(change);
  if (unscalable !== undefined && services.length > 0) {
    logger.warn('Scaling policies name an alarm that cannot drive step scaling', {
      alarmName: change.alarmName,
      reason: unscalable,
      services: services.map(({ cluster, service }) => `${cluster}/${service}`),
    });
    return 'apply';
  }
  const started = await Promise.all(
    services.map(({ cluster, service }) =>
      executions.start(scalingExecutionName(change, cluster, service), {
        alarmName: change.alarmName,
        cluster,
        service,
        evaluation: 1,
        ...(change.recentDatapoints ? { recentDatapoints: change.recentDatapoints } : {}),
      }),
    ),
  );
  return started.length > 0 && started.every((outcome) => outcome === 'duplicate') ? 'duplicate' : 'apply';
}

export const handler = ingestionHandler({ parse: parseAlarmStateChange, apply: startScaling, store, logger });
