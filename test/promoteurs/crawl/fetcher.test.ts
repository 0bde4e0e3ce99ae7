// The polite fetcher against a real local HTTP server: retry schedule with Retry-After, robots.txt,
// conditional requests through the page cache, one request at a time with the configured spacing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/core/http.ts';
import { SiteFetcher, RobotsDisallowedError, FetchError } from '../../../src/promoteurs/crawl/fetcher.ts';
import { jittered } from '../../../src/promoteurs/crawl/pacer.ts';

let server: http.Server;
let base: string;
const hits: { path: string; at: number; inm?: string }[] = [];
let failures = 0;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
    hits.push({ path: req.url!, at: Date.now(), inm: req.headers['if-none-match'] as string | undefined });
    setTimeout(() => {
      inFlight--;
      if (req.url === '/robots.txt') { res.writeHead(200); return res.end('User-agent: *\nDisallow: /private/\n'); }
      if (req.url === '/flaky' && failures-- > 0) { res.writeHead(429, { 'retry-after': '2' }); return res.end(); }
      if (req.url === '/down') { res.writeHead(503); return res.end(); }
      if (req.url === '/gone') { res.writeHead(404); return res.end(); }
      if (req.headers['if-none-match'] === '"v1"') { res.writeHead(304, { etag: '"v1"' }); return res.end(); }
      res.writeHead(200, { etag: '"v1"', 'content-type': 'text/html' });
      res.end(`<p>${req.url}</p>`);
    }, 5);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }));

const client = new HttpClient({ userAgent: 'atelier/0.1 (+https://example.test)', allowPrivate: true, timeoutMs: 2000, retries: 3 });

function fetcher(o: Partial<ConstructorParameters<typeof SiteFetcher>[1]> = {}) {
  return new SiteFetcher(base, { http: client, userAgent: 'atelier/0.1 (+https://example.test)', timeScale: 0.001, retryDelaysSec: [10, 30, 60], obeyRobots: true, allowPrivate: true, ...o });
}

describe('SiteFetcher', () => {
  it('retries 429 with max(schedule, Retry-After) scaled, then succeeds', async () => {
    failures = 2;
    const retries: number[] = [];
    const f = fetcher({ onRetry: (r) => retries.push(r.waitMs) });
    const page = await f.fetch(`${base}/flaky`);
    expect(page.status).toBe(200);
    expect(page.attempts).toBe(3);
    // attempt 1: max(10 s, 2 s) × 0.001 = 10 ms; attempt 2: max(30 s, 2 s) × 0.001 = 30 ms
    expect(retries).toEqual([10, 30]);
  });

  it('gives up after 3 retries on 5xx with a FetchError naming the status; 404 is not retried', async () => {
    const f = fetcher();
    hits.length = 0;
    const err = await f.fetch(`${base}/down`).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.status).toBe(503);
    expect(hits.filter((h) => h.path === '/down')).toHaveLength(4);
    const e404 = await f.fetch(`${base}/gone`).catch((e) => e);
    expect(e404.status).toBe(404);
    expect(hits.filter((h) => h.path === '/gone')).toHaveLength(1);
  });

  it('obeys robots.txt (fetched once)', async () => {
    hits.length = 0;
    const f = fetcher();
    await expect(f.fetch(`${base}/private/x`)).rejects.toBeInstanceOf(RobotsDisallowedError);
    await f.fetch(`${base}/public`);
    expect(hits.filter((h) => h.path === '/robots.txt')).toHaveLength(1);
    expect(hits.some((h) => h.path === '/private/x')).toBe(false);
  });

  it('serialises requests of a site and spaces their starts by the delay', async () => {
    maxInFlight = 0;
    hits.length = 0;
    // request start times taken on the client side (the server may receive them bunched on a loaded machine)
    const starts: number[] = [];
    const spy = Object.create(client) as HttpClient;
    spy.request = (url, o) => { starts.push(Date.now()); return client.request(url, o); };
    const f = fetcher({ obeyRobots: false, http: spy });
    await Promise.all([1, 2, 3, 4].map((i) => f.fetch(`${base}/p${i}`, { delayMs: 40, jitter: 0 })));
    expect(maxInFlight).toBe(1);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(38);
    expect(f.pacer.drawnMs).toBe(120);
  });

  it('jitter stays within [1 - j, 1 + j]', () => {
    expect(jittered(1000, 0.3, () => 0)).toBe(700);
    expect(jittered(1000, 0.3, () => 1)).toBeCloseTo(1300, 6);
  });
});
