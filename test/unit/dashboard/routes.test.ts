import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute, routeHref, routeSource, routeTitle, streamUrl, type Route } from '../../../cli/dashboard/web/routes.ts';

describe('parseRoute', () => {
  const cases: Array<[string, Route]> = [
    ['', { page: 'overview' }],
    ['#/', { page: 'overview' }],
    ['#/services/shop', { page: 'service', name: 'shop' }],
    ['#/services/shop/', { page: 'service', name: 'shop' }],
    ['#/services/my%20app', { page: 'service', name: 'my app' }],
    ['#/schedules', { page: 'schedules' }],
    ['#/notifications', { page: 'notifications' }],
    ['#/nowhere', { page: 'overview' }],
    ['#main', { page: 'overview' }],
  ];
  for (const [hash, route] of cases) it(`${JSON.stringify(hash)} → ${JSON.stringify(route)}`, () => assert.deepEqual(parseRoute(hash), route));

  it('reads back every href it makes', () => {
    const routes: Route[] = [{ page: 'overview' }, { page: 'service', name: 'a/b c' }, { page: 'schedules' }, { page: 'notifications' }];
    for (const route of routes) assert.deepEqual(parseRoute(routeHref(route)), route);
  });
});

describe('routeSource', () => {
  const cases: Array<[Route, string, string]> = [
    [{ page: 'overview' }, '/api/overview', 'overview'],
    [{ page: 'service', name: 'shop' }, '/api/services/shop', 'service:shop'],
    [{ page: 'schedules' }, '/api/schedules', 'schedules'],
    [{ page: 'notifications' }, '/api/notifications', 'notifications'],
  ];
  for (const [route, path, view] of cases) it(`${route.page}: GET ${path}, stream ${view}`, () => assert.deepEqual(routeSource(route), { path, view }));
});

describe('streamUrl', () => {
  it('escapes the view', () => assert.equal(streamUrl('service:my app'), '/api/stream?view=service%3Amy%20app'));
});

describe('routeTitle', () => {
  it('names the page', () => {
    assert.equal(routeTitle({ page: 'service', name: 'shop' }), 'shop · Harbormaster');
    assert.equal(routeTitle({ page: 'schedules' }), 'Schedules · Harbormaster');
  });
});
