// The settings API: a source turned on joins "all"; the EspoCRM key and the webhook's credentials live
// in the vault, are only ever shown masked, never logged; the webhook gets them as headers, not in its
// URL; cities import from EspoCRM's city entity; stored images are served only to signed-in users.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import promoteurs from '../../../src/promoteurs/index.ts';
import { startFakeEspoCrm, type FakeEspoCrm } from '../../../src/promoteurs/fakes/espocrm.ts';
import { sendAlert } from '../../../src/promoteurs/alerts/index.ts';
import { effectiveSettings } from '../../../src/promoteurs/run/settings-store.ts';

let t: TestPlatform;
let crm: FakeEspoCrm;
let hook: http.Server;
const hooks: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
const TOKEN = 'planted-webhook-token-7f3a9c';
const PASSWORD = 'planted-webhook-password-91b2';

beforeAll(async () => {
  crm = await startFakeEspoCrm();
  crm.seedVille({ name: 'Lyon', codePostal: '69000', slug: 'lyon', codeInsee: '69123' });
  crm.records.CJeanbrunVille.forEach((v) => { v.zone = 'A'; });
  crm.seedVille({ name: 'Bordeaux', codePostal: '33000', slug: 'bordeaux', codeInsee: '33063' });
  crm.records.CJeanbrunVille.forEach((v) => { v.zone ??= 'B1'; });
  hook = http.createServer((req, res) => { let d = ''; req.on('data', (c) => (d += c)); req.on('end', () => { hooks.push({ url: req.url ?? '', headers: req.headers, body: d }); res.end('ok'); }); });
  await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
  t = await createTestPlatform({ modules: [promoteurs] });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await crm?.close();
  await new Promise<void>((ok) => hook?.close(() => ok()));
});

describe('promoteurs settings', () => {
  it('sources: status and reasons; turning one on makes it part of "all"', async () => {
    const s = await t.request('GET', '/api/promoteurs/settings', { token: t.tokens.operator });
    expect(s.status).toBe(200);
    expect(s.body.sources).toHaveLength(19);
    expect(s.body.sources.find((x: any) => x.key === 'vinci')).toMatchObject({ status: 'unverified', enabled: false, offReason: expect.stringMatching(/^unverified/) });
    expect((await t.request('PUT', '/api/promoteurs/settings/sources/vinci', { token: t.tokens.operator, body: { enabled: true } })).status).toBe(403);
    const put = await t.request('PUT', '/api/promoteurs/settings/sources/vinci', { token: t.tokens.admin, body: { enabled: true, delayBetweenCitiesSec: 20 } });
    expect(put.status).toBe(200);
    const again = await t.request('GET', '/api/promoteurs/settings', { token: t.tokens.operator });
    expect(again.body.sources.find((x: any) => x.key === 'vinci')).toMatchObject({ enabled: true, delayBetweenCitiesSec: 20 });
    expect((await t.request('PUT', '/api/promoteurs/settings/sources/nope', { token: t.tokens.admin, body: { enabled: true } })).status).toBe(404);
  });

  it('EspoCRM: URL and key saved, key masked, test answers; cities imported from its city entity', async () => {
    const put = await t.request('PUT', '/api/promoteurs/settings/espocrm', { token: t.tokens.admin, body: { url: crm.url, apiKey: crm.apiKey } });
    expect(put.body.apiKey).toMatch(/^\*{4}/);
    expect(JSON.stringify(put.body)).not.toContain(crm.apiKey);
    const test = await t.request('POST', '/api/promoteurs/settings/espocrm/test', { token: t.tokens.admin, body: {} });
    expect(test.body).toEqual({ ok: true, villes: 2 });
    const imp = await t.request('POST', '/api/promoteurs/cities/import-espocrm', { token: t.tokens.operator, body: {} });
    expect(imp.status).toBe(200);
    expect(imp.body.imported).toBe(2);
    const cities = await t.request('GET', '/api/promoteurs/cities', { token: t.tokens.viewer });
    expect(cities.body.cities.map((c: any) => [c.code_insee, c.zone, c.source])).toEqual([['33063', 'B1', 'crm'], ['69123', 'A', 'crm']]);
    await t.request('PUT', '/api/promoteurs/settings/espocrm', { token: t.tokens.admin, body: { apiKey: 'wrong-key-123456' } });
    const bad = await t.request('POST', '/api/promoteurs/settings/espocrm/test', { token: t.tokens.admin, body: {} });
    expect(bad.body).toMatchObject({ ok: false, error: expect.stringMatching(/401/) });
  });

  it('webhook credentials go to the vault, are masked, and are sent as headers (never in the URL)', async () => {
    const port = (hook.address() as AddressInfo).port;
    const raw = `http://alerts:${PASSWORD}@127.0.0.1:${port}/hook?channel=ops&token=${TOKEN}`;
    const put = await t.request('PUT', '/api/promoteurs/settings/alerts', { token: t.tokens.admin, body: { emailTo: ['ops@example.test'], webhookUrl: raw } });
    expect(put.status).toBe(200);
    expect(put.body.webhookUrl).toBe(`http://127.0.0.1:${port}/hook?channel=ops`);
    const get = await t.request('GET', '/api/promoteurs/settings', { token: t.tokens.operator });
    for (const body of [put.body, get.body]) {
      expect(JSON.stringify(body)).not.toContain(TOKEN);
      expect(JSON.stringify(body)).not.toContain(PASSWORD);
    }
    expect(get.body.alerts.webhookSecret).toMatch(/^\*{4}/);
    const row = await t.ctx.db.withSchema('promoteurs').selectFrom('settings').selectAll().execute();
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    const eff = await effectiveSettings(t.ctx);
    await sendAlert(t.ctx, eff, { runId: null, source: null, level: 'warning', message: 'test alert' });
    const h = hooks.at(-1)!;
    expect(h.url).toBe('/hook?channel=ops');
    expect(h.headers.authorization).toBe(`Basic ${Buffer.from(`alerts:${PASSWORD}`).toString('base64')}`);
    expect(h.headers['x-webhook-token']).toBe(TOKEN);
    const alerts = await t.request('GET', '/api/promoteurs/alerts', { token: t.tokens.viewer });
    expect(JSON.stringify(alerts.body)).not.toContain(TOKEN);
    expect(t.logs.join('\n')).not.toContain(TOKEN);
    expect(t.logs.join('\n')).not.toContain(PASSWORD);
    expect(t.logs.join('\n')).not.toContain(crm.apiKey);
  });

  it('a stored image is served to a signed-in user only', async () => {
    const db = t.ctx.db.withSchema('promoteurs');
    const { id } = await db.insertInto('programmes').values({ source_api: 'x', id_externe: '1', name: 'P', slug: 'p', promoteur: 'X', url_externe: 'https://x.fr/p/1' }).returning('id').executeTakeFirstOrThrow();
    await t.ctx.files.put('promoteurs/images/x/1/1.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    await db.insertInto('images').values({ programme_id: id, url: 'https://x.fr/i.jpg', position: 0, blob_key: 'promoteurs/images/x/1/1.jpg', content_type: 'image/jpeg', size: 4 }).execute();
    const ok = await t.request('GET', `/api/promoteurs/programmes/${id}/images/0`, { token: t.tokens.viewer });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/jpeg');
    expect((await t.request('GET', `/api/promoteurs/programmes/${id}/images/0`, {})).status).toBe(401);
    expect((await t.request('GET', `/api/promoteurs/programmes/${id}/images/1`, { token: t.tokens.viewer })).status).toBe(404);
    const one = await t.request('GET', `/api/promoteurs/programmes/${id}`, { token: t.tokens.viewer });
    expect(one.body.images[0].src).toBe(`/api/promoteurs/programmes/${id}/images/0`);
  });
});
