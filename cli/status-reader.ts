import { operatorServiceStatus, type ServiceStatusReader, type StatusTarget } from '../functions/deploy/index.ts';
import { ScalingStore } from '../functions/scaling/index.ts';
import type { KnownService } from './services.ts';
import type { Session } from './session.ts';

/** What `harbormaster status`, `harbormaster deploys` and the dashboard read a service's status with. */

/** The status reader of the session's stage, with the scaling history for the last scaling action. */
export async function statusReader(session: Session): Promise<ServiceStatusReader> {
  const { tables } = await session.stack();
  const scaling = new ScalingStore(session.documents, tables);
  return operatorServiceStatus(session, tables, (cluster, service) => scaling.latestActivity(cluster, service));
}

export function statusTarget(known: KnownService): StatusTarget {
  const deploy = known.stored.config.deploy;
  return { name: known.name, cluster: known.cluster, service: known.service, ...(deploy ? { deploy } : {}) };
}
