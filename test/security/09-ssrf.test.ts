// Finding 9 (low/medium): the SSRF guard did not re-check redirects, and resolved names twice (once
// to check, once to connect: a rebinding DNS answers differently the second time). Every hop is now
// checked, and a name is checked by the very lookup the connection uses.
// No public address is reachable here: the test narrows "blocked" to 127.0.0.1 and ::1, and plays
// the public internet from 127.0.0.2 (the whole 127/8 is loopback on Linux).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ipaddr from 'ipaddr.js';
import { HttpClient, SsrfError } from '../../src/core/http.ts';

function blocked(ip: string): boolean {
  let a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return ['127.0.0.1', '::1'].includes(a.toString());
}
let inside: http.Server; // the "internal" service (127.0.0.1)
let outside: http.Server; // the "public" site (127.0.0.2)
let insideHits = 0;
let insidePort = 0;
let outsidePort = 0;

beforeAll(async () => {
  inside = http.createServer((_req, res) => { insideHits++; res.end('internal secret'); });
  await new Promise<void>((r) => inside.listen(0, '127.0.0.1', () => r()));
  insidePort = (inside.address() as AddressInfo).port;
  outside = http.createServer((req, res) => {
    const to = new URL(req.url!, 'http://x').searchParams.get('to');
    if (to) res.writeHead(302, { location: to }).end();
    else res.end('public page');
  });
  await new Promise<void>((r) => outside.listen(0, '127.0.0.2', () => r()));
  outsidePort = (outside.address() as AddressInfo).port;
});
afterAll(() => { inside?.close(); outside?.close(); });

const client = () => new HttpClient({ userAgent: 'atelier-test', allowPrivate: false, timeoutMs: 5000, retries: 0, isBlocked: blocked });

describe('finding 9: every hop and every connection is checked', () => {
  it('an allowed site is fetched; a redirect from it to an internal address is refused before any request', async () => {
    const c = client();
    const ok = await c.request(`http://127.0.0.2:${outsidePort}/`);
    expect(ok.text()).toBe('public page');
    for (const target of [`http://127.0.0.1:${insidePort}/admin`, `http://localhost:${insidePort}/admin`, `http://[::ffff:127.0.0.1]:${insidePort}/`]) {
      await expect(c.request(`http://127.0.0.2:${outsidePort}/?to=${encodeURIComponent(target)}`)).rejects.toBeInstanceOf(SsrfError);
    }
    await expect(c.request(`http://127.0.0.2:${outsidePort}/?to=${encodeURIComponent('file:///etc/passwd')}`)).rejects.toBeInstanceOf(SsrfError);
    expect(insideHits).toBe(0);
    await c.close();
  });

  it('a name is checked by the lookup the connection itself uses (no second resolution)', async () => {
    const c = client();
    // "localhost" resolves to a blocked address: refused at connect time, the service never sees it
    await expect(c.request(`http://localhost:${insidePort}/`)).rejects.toBeInstanceOf(SsrfError);
    expect(insideHits).toBe(0);
    // the same client reaches the service when the request is explicitly allowed (tests, local fakes)
    const allowed = await c.request(`http://localhost:${insidePort}/`, { allowPrivate: true });
    expect(allowed.text()).toBe('internal secret');
    expect(insideHits).toBe(1);
    await c.close();
  });

  it('redirect limits and credentials: at most 5 hops, Authorization dropped on another origin', async () => {
    const seen: (string | undefined)[] = [];
    const other = http.createServer((req, res) => { seen.push(req.headers.authorization); res.end('other'); });
    await new Promise<void>((r) => other.listen(0, '127.0.0.2', () => r()));
    const c = client();
    const to = `http://127.0.0.2:${(other.address() as AddressInfo).port}/`;
    const r = await c.request(`http://127.0.0.2:${outsidePort}/?to=${encodeURIComponent(to)}`, { headers: { authorization: 'Bearer planted-token-xyz' } });
    expect(r.text()).toBe('other');
    expect(seen).toEqual([undefined]);
    const loop = `http://127.0.0.2:${outsidePort}/?to=${encodeURIComponent(`http://127.0.0.2:${outsidePort}/?to=x`)}`;
    await expect(c.request(`http://127.0.0.2:${outsidePort}/?to=${encodeURIComponent(loop)}`)).resolves.toBeTruthy();
    other.close();
    await c.close();
  });
});
