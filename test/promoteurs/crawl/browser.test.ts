// The optional browser engine (fetch.engine "browser"): Debian's chromium through playwright-core
// renders a page whose content is built by JavaScript; the plain HTTP path does not see it.
// robots.txt and the honest User-Agent apply to the browser too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/core/http.ts';
import { SiteFetcher, RobotsDisallowedError } from '../../../src/promoteurs/crawl/fetcher.ts';
import { BrowserEngine } from '../../../src/promoteurs/crawl/browser.ts';

let server: http.Server;
let base: string;
const uas: string[] = [];
let engine: BrowserEngine;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    uas.push(String(req.headers['user-agent']));
    if (req.url === '/robots.txt') { res.writeHead(200); return res.end('User-agent: *\nDisallow: /secret\n'); }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><body><div id="root"></div><script>
      setTimeout(() => { document.getElementById('root').innerHTML = '<div class="block-item">Rendu par ' + 'JavaScript</div>'; }, 20);
    </script></body></html>`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  engine = new BrowserEngine({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', userAgent: 'atelier/0.1 (+https://example.test)' });
});
afterAll(async () => {
  await engine?.close();
  await new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); });
});

describe('browser engine', () => {
  it('renders JavaScript content that the HTTP path cannot see', async () => {
    const f = new SiteFetcher(base, {
      http: new HttpClient({ userAgent: 'atelier/0.1 (+https://example.test)', allowPrivate: true, timeoutMs: 5000, retries: 0 }),
      userAgent: 'atelier/0.1 (+https://example.test)', timeScale: 0.001, retryDelaysSec: [1], obeyRobots: true, allowPrivate: true,
      browser: async () => engine,
    });
    const plain = await f.fetch(`${base}/liste`);
    expect(plain.html).not.toContain('Rendu par JavaScript');
    const rendered = await f.fetch(`${base}/liste`, { engine: 'browser', waitForMs: 200, timeoutMs: 20_000 });
    expect(rendered.html).toContain('Rendu par JavaScript');
    await expect(f.fetch(`${base}/secret`, { engine: 'browser' })).rejects.toBeInstanceOf(RobotsDisallowedError);
    expect(uas.every((u) => u === 'atelier/0.1 (+https://example.test)')).toBe(true);
  }, 60_000);
});
