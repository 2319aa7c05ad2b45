import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RefusedDestinationError, refusalOf, safePost } from '../../../functions/notify/adapters/safe-http.ts';

const body = { headers: { 'content-type': 'application/json' }, body: '{}' };

describe('the SSRF-safe client', () => {
  let server: http.Server;
  let port: number;
  before(async () => {
    server = http.createServer((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const refused: Array<[string, string, boolean]> = [
    ['a private address', 'https://10.0.0.1/hook', false],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data/', false],
    ['IPv6 loopback', 'https://[::1]/hook', false],
    ['an IPv4-mapped private address', 'https://[::ffff:10.0.0.1]/hook', false],
    ['a name resolving to 127.0.0.1 outside local mode', 'https://localhost/hook', false],
    ['plain http outside local mode', 'http://example.com/hook', false],
    ['plain http to a private address in local mode', 'http://10.0.0.1/hook', true],
    ['credentials in the URL', 'https://user:pass@example.com/', false],
  ];
  for (const [what, url, localMode] of refused) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(safePost(url, body, { localMode }), RefusedDestinationError);
    });
  }

  it('refuses when a name resolves to a private address at connect time (DNS rebinding)', async () => {
    const rebinding = ((_host: string, _options: unknown, callback: (error: null, addresses: Array<{ address: string; family: number }>) => void) =>
      callback(null, [{ address: '10.1.2.3', family: 4 }])) as unknown as typeof import('node:dns').lookup;
    await assert.rejects(safePost('https://hooks.example.com/x', body, { localMode: false, lookup: rebinding }), /10\.1\.2\.3 is a private/);
  });

  it('speaks plain http to loopback in local mode, and does not follow redirects', async () => {
    const answer = await safePost(`http://127.0.0.1:${port}/hook`, body, { localMode: true });
    assert.equal(answer.statusCode, 302);
  });

  it('refuses bodies over the size limit before connecting', async () => {
    await assert.rejects(safePost(`http://127.0.0.1:${port}/`, { headers: {}, body: 'x'.repeat(1000) }, { localMode: true, maxRequestBytes: 100 }), /at most 100/);
  });

  const addresses: Array<[string, boolean, boolean]> = [
    ['93.184.215.14', false, false],
    ['127.0.0.1', true, false],
    ['127.0.0.1', false, true],
    ['172.31.0.5', true, true],
    ['fd00:ec2::254', false, true],
    ['2606:4700::1111', false, false],
  ];
  for (const [address, localMode, isRefused] of addresses) {
    it(`${isRefused ? 'refuses' : 'allows'} ${address}${localMode ? ' in local mode' : ''}`, () => {
      assert.equal(refusalOf(address, localMode) !== undefined, isRefused);
    });
  }
});
