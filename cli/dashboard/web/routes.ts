/** The page's hash routes, what each reads (GET) and which stream keeps it live: pure, for node's tests. */

export type Route = { page: 'overview' } | { page: 'service'; name: string } | { page: 'schedules' } | { page: 'notifications' };

/** `#/`, `#/services/<name>`, `#/schedules`, `#/notifications`; anything else is the overview. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const service = /^\/services\/([^/]+)\/?$/.exec(path);
  if (service?.[1]) return { page: 'service', name: decodeURIComponent(service[1]) };
  if (path === '/schedules') return { page: 'schedules' };
  if (path === '/notifications') return { page: 'notifications' };
  return { page: 'overview' };
}

export function routeHref(route: Route): string {
  return route.page === 'service' ? `#/services/${encodeURIComponent(route.name)}` : route.page === 'overview' ? '#/' : `#/${route.page}`;
}

/** The GET that paints the route first and the stream view that keeps it live (cli/dashboard/api.ts). */
export function routeSource(route: Route): { path: string; view: string } {
  switch (route.page) {
    case 'service':
      return { path: `/api/services/${encodeURIComponent(route.name)}`, view: `service:${route.name}` };
    case 'overview':
      return { path: '/api/overview', view: 'overview' };
    default:
      return { path: `/api/${route.page}`, view: route.page };
  }
}

export function streamUrl(view: string): string {
  return `/api/stream?view=${encodeURIComponent(view)}`;
}

/** The document's title for a route, so history and tabs tell pages apart. */
export function routeTitle(route: Route): string {
  const page = route.page === 'service' ? route.name : route.page === 'overview' ? 'Services' : route.page.charAt(0).toUpperCase() + route.page.slice(1);
  return `${page} · Harbormaster`;
}
