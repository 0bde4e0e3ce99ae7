// Finding 6 (medium): a page on another port of the same host cancelled a job with a text/plain form
// POST (same-site, so the cookies went along). Cookie-authenticated state changes must now come from
// our own origin (Origin / Sec-Fetch-Site), and a form or text body is refused where JSON is expected.
// Tried with a real browser: chromium logs in, then visits the attacker's page on another port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';

let t: TestPlatform;
let base: string;
let attacker: http.Server;
let attackerUrl: string;
let browser: TestBrowser;
const page = (target: string) => `<!doctype html><html><body>
<form id="f" method="POST" action="${target}" enctype="text/plain"><input name='{"a":"' value='"}'></form>
<script>
  fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' })
    .finally(() => document.getElementById('f').submit());
</script></body></html>`;

beforeAll(async () => {
  t = await createTestPlatform({ work: false });
  base = await t.listen();
  attacker = http.createServer((req, res) => {
    const target = decodeURIComponent(new URL(req.url!, 'http://x').searchParams.get('target') ?? '');
    res.writeHead(200, { 'content-type': 'text/html' }).end(page(target));
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  browser = await launchBrowser({});
}, 120_000);
afterAll(async () => {
  await browser?.close();
  attacker?.close();
  await t?.close();
});

describe('finding 6: no cross-site state change', () => {
  it('the attacker page on another port cannot cancel a job with the victim\'s cookies', async () => {
    const victim = await t.ctx.jobs.enqueue('core.demo', { steps: 1 });
    const login = await browser.context.request.post(`${base}/api/auth/login`, { data: { email: 'operator@test.local', password: 'operator-password-123' } });
    expect(login.status()).toBe(200);
    const p = await browser.newPage();
    const cancelUrl = `${base}/api/jobs/${victim.id}/cancel`;
    const statuses: number[] = [];
    p.on('response', (r) => { if (r.url() === cancelUrl && r.request().method() === 'POST') statuses.push(r.status()); });
    await p.goto(`${attackerUrl}/?target=${encodeURIComponent(cancelUrl)}`);
    await p.waitForURL(cancelUrl); // the form was submitted: the browser shows our answer
    await p.waitForLoadState();
    expect(statuses.length).toBeGreaterThanOrEqual(1);
    for (const s of statuses) expect([403, 415]).toContain(s);
    expect((await t.ctx.jobs.get(victim.id))!.status).toBe('queued');
    // our own page, same session: allowed
    await p.goto(`${base}/health`);
    const own = await p.evaluate(async (u) => (await fetch(u, { method: 'POST' })).status, cancelUrl);
    expect(own).toBe(200);
    expect((await t.ctx.jobs.get(victim.id))!.status).toBe('cancelled');
  }, 90_000);

  it('cookie requests from another origin or site are refused; non-JSON bodies get 415', async () => {
    const login = await t.request('POST', '/api/auth/login', { body: { email: 'operator@test.local', password: 'operator-password-123' } });
    const cookie = (login.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
    const job = await t.ctx.jobs.enqueue('core.demo', { steps: 1 });
    const url = `/api/jobs/${job.id}/cancel`;
    const host = new URL(base).host;
    const variants: Record<string, string>[] = [
      { cookie, host, origin: 'http://127.0.0.1:1' }, { cookie, host, 'sec-fetch-site': 'same-site' }, { cookie, host, 'sec-fetch-site': 'cross-site' },
      { cookie, host, origin: 'null' },
    ];
    for (const headers of variants) {
      const r = await t.request('POST', url, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.error.code).toBe('cross_site');
    }
    const plain = await t.request('POST', '/api/auth/login', { headers: { 'content-type': 'text/plain' }, body: '{"email":"operator@test.local","password":"operator-password-123"}' });
    expect(plain.status).toBe(415);
    const form = await t.request('POST', url, { token: t.tokens.operator, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(form.status).toBe(415);
    expect((await t.ctx.jobs.get(job.id))!.status).toBe('queued');
    const same = await t.request('POST', url, { headers: { cookie, host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' } });
    expect(same.status).toBe(200);
  });
});
