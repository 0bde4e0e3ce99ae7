import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, SsrfError, isPrivateAddress } from '../../src/core/http.ts';

let server: http.Server;
let base: string;
let active = 0;
let maxActive = 0;
const hits = new Map<string, number>();
const seen: { ua?: string; at: number }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const n = (hits.get(req.url!) ?? 0) + 1;
    hits.set(req.url!, n);
    seen.push({ ua: req.headers['user-agent'], at: Date.now() });
    // concurrency is measured on the /p* requests only (a timed-out /slow may still be open)
    const counted = req.url!.startsWith('/p');
    if (counted) active++;
    maxActive = Math.max(maxActive, active);
    const end = (status: number, body: string, headers: Record<string, string> = {}) => setTimeout(() => {
      if (counted) active--;
      res.writeHead(status, headers).end(body);
    }, 30);
    if (req.url === '/flaky') return n < 3 ? end(503, 'busy') : end(200, 'ok');
    if (req.url === '/limited') return n < 2 ? end(429, 'slow down', { 'retry-after': '1' }) : end(200, 'ok');
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 2000);
    if (req.url === '/notfound') return end(404, 'nope');
    end(200, JSON.stringify({ url: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (o: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ userAgent: 'atelier-test/1 (+https://example.invalid)', allowPrivate: true, timeoutMs: 5000, retries: 3, ...o });

describe('outbound http client', () => {
  it('blocks private and loopback targets unless allowed', async () => {
    const strict = client({ allowPrivate: false });
    await expect(strict.request(`${base}/x`)).rejects.toBeInstanceOf(SsrfError);
    await expect(strict.request('http://[::1]:1/')).rejects.toBeInstanceOf(SsrfError);
    await expect(strict.request('file:///etc/passwd')).rejects.toBeInstanceOf(SsrfError);
    expect(isPrivateAddress('10.1.2.3')).toBe(true);
    expect(isPrivateAddress('169.254.169.254')).toBe(true);
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
    const allowed = await client().request(`${base}/x`);
    expect(allowed.status).toBe(200);
  });

  it('sends the identifying User-Agent', async () => {
    await client().request(`${base}/ua`);
    expect(seen.at(-1)!.ua).toBe('atelier-test/1 (+https://example.invalid)');
  });

  it('retries 5xx with backoff and honours Retry-After on 429', async () => {
    const c = client();
    const r = await c.request(`${base}/flaky`, { backoffMs: 20 });
    expect(r.status).toBe(200);
    expect(hits.get('/flaky')).toBe(3);
    const t0 = Date.now();
    const r2 = await c.request(`${base}/limited`, { backoffMs: 1 });
    expect(r2.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950); // waited the server's Retry-After: 1
  });

  it('returns 4xx without retrying, times out, and gives up after the retries', async () => {
    const c = client({ retries: 1 });
    expect((await c.request(`${base}/notfound`)).status).toBe(404);
    expect(hits.get('/notfound')).toBe(1);
    await expect(c.request(`${base}/slow`, { timeoutMs: 200, backoffMs: 10 })).rejects.toThrow(/timeout/);
  });

  it('keeps per-host concurrency and spacing', async () => {
    const c = client();
    c.configureHost(new URL(base).host, { concurrency: 1, minIntervalMs: 50, jitterMs: 0 });
    maxActive = 0;
    const start = seen.length;
    await Promise.all(Array.from({ length: 5 }, (_, i) => c.request(`${base}/p${i}`)));
    expect(maxActive).toBe(1);
    const times = seen.slice(start).map((s) => s.at);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(30); // 50 ms apart at the client, minus loopback scheduling noise
  });
});
