// Finding 8 (medium/low): an alert webhook URL holding a password or ?token= was stored in plaintext
// and returned to viewers. Its credentials now go to the vault, are masked in every response, and
// are sent as headers; the stored URL and what a viewer can read never hold them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import promoteurs from '../../src/promoteurs/index.ts';
import { sendAlert } from '../../src/promoteurs/alerts/index.ts';
import { effectiveSettings } from '../../src/promoteurs/run/settings-store.ts';

const PASSWORD = 'planted-hook-password-5e1d';
const TOKEN = 'planted-hook-token-c0ffee42';
let t: TestPlatform;
let hook: http.Server;
const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  hook = http.createServer((req, res) => { seen.push({ url: req.url!, headers: req.headers }); res.end('ok'); });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  t = await createTestPlatform({ modules: [promoteurs], work: false });
});
afterAll(async () => {
  await t?.close();
  hook?.close();
});

describe('finding 8: webhook credentials stay secret', () => {
  it('saved from the settings: vaulted, masked, sent as headers, never shown to a viewer', async () => {
    const port = (hook.address() as AddressInfo).port;
    const raw = `http://ops:${PASSWORD}@127.0.0.1:${port}/alert?room=7&token=${TOKEN}`;
    const put = await t.request('PUT', '/api/promoteurs/settings/alerts', { token: t.tokens.admin, body: { webhookUrl: raw } });
    expect(put.status).toBe(200);
    // a viewer cannot read the settings at all; what a viewer can read holds no secret
    expect((await t.request('GET', '/api/promoteurs/settings', { token: t.tokens.viewer })).status).toBe(403);
    await sendAlert(t.ctx, await effectiveSettings(t.ctx), { runId: null, source: 'nexity', level: 'error', message: 'planted alert' });
    const viewerSees = [
      await t.request('GET', '/api/promoteurs/alerts', { token: t.tokens.viewer }),
      await t.request('GET', '/api/promoteurs/sources', { token: t.tokens.viewer }),
      await t.request('GET', '/api/jobs', { token: t.tokens.viewer }),
    ];
    for (const r of viewerSees) {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(TOKEN);
      expect(r.text).not.toContain(PASSWORD);
    }
    const op = await t.request('GET', '/api/promoteurs/settings', { token: t.tokens.operator });
    expect(op.text).not.toContain(TOKEN);
    expect(op.text).not.toContain(PASSWORD);
    // nothing in clear in the database outside the vault's ciphertext
    for (const table of ['settings', 'alerts']) {
      const rows = await t.ctx.db.withSchema('promoteurs').selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(TOKEN);
      expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    }
    const secrets = await t.ctx.db.withSchema('core').selectFrom('secrets').selectAll().execute();
    expect(JSON.stringify(secrets)).not.toContain(TOKEN);
    // delivered with the credentials as headers, none of them in the URL
    const h = seen.at(-1)!;
    expect(h.url).toBe('/alert?room=7');
    expect(String(h.headers.authorization)).toMatch(/^Basic /);
    expect(Object.values(h.headers).join(' ')).toContain(TOKEN);
    expect(t.logs.join('\n')).not.toContain(TOKEN);
    expect(t.logs.join('\n')).not.toContain(PASSWORD);
  });
});
