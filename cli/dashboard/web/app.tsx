import { useEffect, useRef } from 'preact/hooks';
import type { NotificationsView, Overview, SchedulesView, ServiceDetail } from '../api.ts';
import { useHash, useLive, useNow } from './api-client.ts';
import { Banner, Pending } from './common.tsx';
import { NotificationsPage } from './notifications-page.tsx';
import { OverviewPage } from './overview-page.tsx';
import { parseRoute, routeHref, routeSource, routeTitle, type Route } from './routes.ts';
import { SchedulesPage } from './schedules-page.tsx';
import { ServicePage } from './service-page.tsx';

const NAV: { label: string; route: Route }[] = [
  { label: 'Services', route: { page: 'overview' } },
  { label: 'Schedules', route: { page: 'schedules' } },
  { label: 'Notifications', route: { page: 'notifications' } },
];

/** The shell: skip link, banner with the navigation landmark "Dashboard", and the routed page in <main>. */
export function App() {
  const route = parseRoute(useHash());
  const main = useRef<HTMLElement>(null);
  const key = routeHref(route);
  const first = useRef(true);
  useEffect(() => {
    document.title = routeTitle(route);
    // After a navigation (not on load) focus goes to the new page, as a full page load would put it at its top.
    if (!first.current) main.current?.focus();
    first.current = false;
  }, [key]);
  const section = route.page === 'service' ? 'overview' : route.page;
  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => skipTo(event, main.current)}>
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="#/">
          <span class="brand-mark" aria-hidden="true">⚓</span> Harbormaster
        </a>
        <nav aria-label="Dashboard">
          <ul>
            {NAV.map((item) => (
              <li key={item.label}>
                <a href={routeHref(item.route)} aria-current={item.route.page === section ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <RoutedPage key={key} route={route} />
      </main>
    </>
  );
}

function RoutedPage({ route }: { route: Route }) {
  const { path, view } = routeSource(route);
  const live = useLive<Overview | ServiceDetail | SchedulesView | NotificationsView>(path, view);
  const now = useNow();
  if (!live.data) return <Pending error={live.error} what={route.page === 'service' ? route.name : route.page} />;
  return (
    <>
      <Banner text={live.interruption} />
      {route.page === 'overview' ? <OverviewPage overview={live.data as Overview} now={now} /> : null}
      {route.page === 'service' ? <ServicePage detail={live.data as ServiceDetail} now={now} /> : null}
      {route.page === 'schedules' ? <SchedulesPage view={live.data as SchedulesView} now={now} /> : null}
      {route.page === 'notifications' ? <NotificationsPage view={live.data as NotificationsView} now={now} /> : null}
    </>
  );
}

/** The skip link moves focus without touching the hash, which is the route. */
function skipTo(event: Event, target: HTMLElement | null) {
  event.preventDefault();
  target?.focus();
}
