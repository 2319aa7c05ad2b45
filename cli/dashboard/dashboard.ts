import type { Session } from '../session.ts';
import { DashboardActions } from './actions.ts';
import { startDashboardServer, type DashboardServer } from './server.ts';
import { DashboardViews } from './views.ts';

/** Where `harbormaster dashboard` (and `npm start`, when it is free) serves: Argo Rollouts' dashboard port. */
export const DASHBOARD_PORT = 3100;

/** A dashboard over one session: its views, its actions and the server (what the verb and `npm start` run). */
export function openDashboard(session: Session, options: { port: number; intervalMs: number; now?: () => Date}): Promise<DashboardServer> {
  const now = options.now ?? (() => new Date());
  const views = new DashboardViews(session, now);
  return startDashboardServer({ views, actions: new DashboardActions(session, views, now), port: options.port, intervalMs: options.intervalMs });
}
