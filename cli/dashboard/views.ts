import { paginateDescribeAlarms, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { AlarmMetrics, ScalingStore, scalingHistoryEntry, type ScalingHistoryEntry } from '../../functions/scaling/index.ts';
import { newestDeliveries, notificationControls } from '../notifications.ts';
import { scheduleControls } from '../schedules.ts';
import { knownServices, type KnownService } from '../services.ts';
import type { Session } from '../session.ts';
import type { ServiceStatusReader } from '../../functions/deploy/index.ts';
import { statusReader, statusTarget } from '../status-reader.ts';
import type { NotificationsView, Overview, SchedulesView, ServiceDetail } from './api.ts';
import { notFound } from './errors.ts';
import { notificationsView, scalingSeries, scalingWindow, scheduleRow, serviceActions, type MetricPoint } from './shaping.ts';

/**
 * What each page shows, read with the CLI's own readers (status, deploys, scaling, schedules, notifications) from the
 * operator's session. One instance serves every request and stream of a dashboard.
 */

/** As `harbormaster deploys` and `harbormaster scaling` show by default, a little more for the chart. */
const DEPLOY_HISTORY = 20;
const SCALING_HISTORY = 50;
const SCHEDULE_RUNS = 10;
const DELIVERIES = 50;

/**
 * The overview counts every service's tasks (ListTasks and DescribeTasks per task set), so with dozens of services it
 * looks at most this often, whatever --interval says; a service's own page looks every interval.
 */
export const OVERVIEW_MIN_INTERVAL_MS = 5_000;

/** How long a view's poll loop waits between looks. */
export function lookInterval(view: string, intervalMs: number): number {
  return view === 'overview' ? Math.max(intervalMs, OVERVIEW_MIN_INTERVAL_MS) : intervalMs;
}

/** The views a stream may follow besides `service:<name>` (api.ts). */
export const STAGE_VIEWS = ['overview', 'schedules', 'notifications'] as const;
const SERVICE_VIEW = 'service:';

/** The service a `service:<name>` view names, if it is one. */
export function serviceOfView(view: string): string | undefined {
  return view.startsWith(SERVICE_VIEW) ? view.slice(SERVICE_VIEW.length) : undefined;
}

export class DashboardViews {
  private readonly session: Session;
  private readonly now: () => Date;
  /** One reader for every look: it caches each task definition's image, read once rather than every interval. */
  private reader: Promise<ServiceStatusReader> | undefined;

  constructor(session: Session, now: () => Date = () => new Date()) {
    this.session = session;
    this.now = now;
  }

  private statusReader(): Promise<ServiceStatusReader> {
    this.reader ??= statusReader(this.session);
    return this.reader;
  }

  /** The view a stream names; unknown names are a 404 like an unknown page. */
  view(name: string): Promise<unknown> {
    if (name === 'overview') return this.overview();
    if (name === 'schedules') return this.schedules();
    if (name === 'notifications') return this.notifications();
    const service = serviceOfView(name);
    if (service !== undefined) return this.service(service);
    return Promise.reject(notFound(`No view ${name}`, 'Follow overview, service:<name>, schedules or notifications.'));
  }

  /** Every service with its tasks counted, so the page can say whether each is healthy. */
  async overview(): Promise<Overview> {
    const [stack, reader, services] = await Promise.all([this.session.stack(), this.statusReader(), knownServices(this.session)]);
    const now = this.now();
    const statuses = await this.session.call('read the status of the services', () => reader.overview(services.map(statusTarget), now, { countTasks: true }));
    return { stage: stack.stage, observedAt: now.toISOString(), services: statuses };
  }

  /** A service by its name in harbormaster.yml, as the overview links it. */
  async knownService(name: string): Promise<KnownService> {
    const services = await knownServices(this.session);
    const known = services.find((candidate) => candidate.name === name);
    if (!known) throw notFound(`No service ${name} is configured in this stage`, services.length > 0 ? `Configured: ${services.map((service) => service.name).join(', ')}.` : 'Declare services in harbormaster.yml and run `harbormaster apply`.');
    return known;
  }

  async service(name: string): Promise<ServiceDetail> {
    const known = await this.knownService(name);
    const [stack, reader] = await Promise.all([this.session.stack(), this.statusReader()]);
    const now = this.now();
    const scaling = new ScalingStore(this.session.documents, stack.tables);
    const [status, deploys, scalingEntries] = await this.session.call(`read the status of ${name}`, () =>
      Promise.all([
        reader.read(statusTarget(known), { now, countTasks: true }),
        reader.history(known, DEPLOY_HISTORY, now),
        scaling.history(known.cluster, known.service, SCALING_HISTORY).then((activities) => activities.map(scalingHistoryEntry)),
      ]),
    );
    const metric = await this.alarmMetric(known, scalingEntries, now);
    return {
      stage: stack.stage,
      observedAt: now.toISOString(),
      status,
      deploys,
      scaling: scalingEntries,
      scalingSeries: scalingSeries(scalingEntries, metric, { at: now.toISOString(), ...(status.desiredCount === undefined ? {} : { desiredCount: status.desiredCount }) }),
      actions: serviceActions(status, deploys, known.stored.config.deploy !== undefined),
    };
  }

  async schedules(): Promise<SchedulesView> {
    const controls = await scheduleControls(this.session);
    const now = this.now();
    const overviews = await this.session.call('read the schedules', () => controls.list(now));
    const rows = await this.session.call('read the schedule runs', () => Promise.all(overviews.map(async (overview) => scheduleRow(overview, await controls.history(overview.name, SCHEDULE_RUNS)))));
    return { observedAt: now.toISOString(), schedules: rows };
  }

  async notifications(): Promise<NotificationsView> {
    const controls = await notificationControls(this.session, this.now);
    const [channels, deliveries] = await this.session.call('read the notifications', () => Promise.all([controls.channels(), newestDeliveries(controls, DELIVERIES)]));
    return notificationsView(this.now(), channels, deliveries);
  }

  /**
   * The metric of the first scaling alarm that has one (its policies' alarms usually watch the same metric from both
   * sides), over the chart's window. Without a readable alarm or datapoints, the chart shows the activities' values.
   */
  private async alarmMetric(known: KnownService, entries: ScalingHistoryEntry[], now: Date): Promise<{ name?: string; points: MetricPoint[] }> {
    const alarmNames = (known.stored.config.scaling?.policies ?? []).map((policy) => policy.alarmName).slice(0, 100);
    if (alarmNames.length === 0) return { points: [] };
    const alarms: MetricAlarm[] = [];
    await this.session.call(`read the scaling alarms of ${known.name}`, async () => {
      for await (const page of paginateDescribeAlarms({ client: this.session.cloudwatch }, { AlarmNames: alarmNames })) alarms.push(...(page.MetricAlarms ?? []));
    });
    const alarm = alarms.find((candidate) => candidate.MetricName ?? candidate.Metrics?.some((query) => query.MetricStat));
    if (!alarm) return { points: [] };
    const name = alarm.MetricName ?? alarm.Metrics?.find((query) => query.MetricStat)?.MetricStat?.Metric?.MetricName;
    const { from, to } = scalingWindow(entries, now);
    const points = await this.session.call(`read the metric of alarm ${alarm.AlarmName ?? ''}`, () => new AlarmMetrics(this.session.cloudwatch).series(alarm, from, to));
    return { ...(name ? { name } : {}), points };
  }
}
