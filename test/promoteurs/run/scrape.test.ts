// The "Done means", end to end through the platform: import cities, dry-run scrape of fake
// developer sites, real run into the fake EspoCRM, second run → only unchanged and 0 detail fetches,
// a price change → one update of the changed fields, a site whose listings lose their programmes →
// nothing sold + an alert by email (real SMTP server in-process), a removed programme after a healthy
// run → sold.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import promoteurs from '../../../src/promoteurs/index.ts';
import { runScrape, type ScrapePayload } from '../../../src/promoteurs/run/scrape.ts';
import { readSettings } from '../../../src/promoteurs/settings.ts';
import { getSource } from '../../../src/promoteurs/sources/index.ts';
import type { JobContext } from '../../../src/core/jobs/types.ts';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../../../src/promoteurs/fakes/sites.ts';
import { startFakeEspoCrm, type FakeEspoCrm } from '../../../src/promoteurs/fakes/espocrm.ts';

const CSV = path.join(import.meta.dirname, '../../fixtures/promoteurs/zonage/zonage-abc-2026-sample.csv');

let t: TestPlatform;
let bouygues: FakeSite;
let icade: FakeSite;
let crm: FakeEspoCrm;
let smtp: SMTPServer;
const mails: string[] = [];
let hook: http.Server;
const hooks: any[] = [];

async function run(body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/promoteurs/runs', { token: t.tokens.operator, body: { promoteurs: 'bouygues,icade', cities: 'lyon,bordeaux', skipImages: true, ...body } });
  expect(res.status).toBe(202);
  const job = await t.ctx.jobs.wait(res.body.job.id);
  expect(job.error).toBeNull();
  expect(job.status).toBe('completed');
  return job.result as any;
}

beforeAll(async () => {
  const cities = FAKE_CITIES.filter((c) => ['lyon', 'bordeaux'].includes(c.slug));
  bouygues = await startFakeSite({ kind: 'bouygues', cities, perCity: 3, seed: 1 });
  icade = await startFakeSite({ kind: 'icade', cities, perCity: 2, seed: 2 });
  crm = await startFakeEspoCrm();
  crm.seedVille({ name: 'Lyon', codePostal: '69000', slug: 'lyon' });
  crm.seedVille({ name: 'Bordeaux', codePostal: '33000', slug: 'bordeaux' });
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, _s, cb) { let d = ''; stream.on('data', (c) => (d += c)); stream.on('end', () => { mails.push(d); cb(); }); },
  });
  await new Promise<void>((ok) => smtp.listen(0, '127.0.0.1', ok));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  hook = http.createServer((req, res) => { let d = ''; req.on('data', (c) => (d += c)); req.on('end', () => { hooks.push(JSON.parse(d)); res.end('ok'); }); });
  await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
  t = await createTestPlatform({
    modules: [promoteurs],
    env: {
      PROMOTEURS_SOURCE_URLS: `bouygues=${bouygues.url},icade=${icade.url}`,
      PROMOTEURS_TIME_SCALE: '0.0005',
      PROMOTEURS_ESPOCRM_URL: crm.url,
      PROMOTEURS_ESPOCRM_API_KEY: crm.apiKey,
      PROMOTEURS_ESPOCRM_MIN_INTERVAL_MS: '0',
      PROMOTEURS_ALERT_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      PROMOTEURS_ALERT_EMAIL_TO: 'ops@example.test',
      PROMOTEURS_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
    },
  });
}, 180_000);

afterAll(async () => {
  await t?.close();
  await bouygues?.close();
  await icade?.close();
  await crm?.close();
  await new Promise<void>((ok) => smtp?.close(() => ok()));
  await new Promise<void>((ok) => hook?.close(() => ok()));
}, 60_000);

describe('promoteurs scrape, end to end', () => {
  it('imports the zonage CSV', async () => {
    const res = await t.request('POST', '/api/promoteurs/cities/import', { token: t.tokens.operator, body: { csv: fs.readFileSync(CSV, 'utf8') } });
    expect(res.status).toBe(200);
    expect(res.body.imported).toBeGreaterThan(10);
    expect(res.body.byZone.A).toBeGreaterThan(0);
    const list = await t.request('GET', '/api/promoteurs/cities?q=lyon', { token: t.tokens.viewer });
    expect(list.body.cities[0]).toMatchObject({ code_insee: '69123', zone: 'A' });
  });

  it('dry-run: finds every programme with its lots, writes nothing (DB, CRM)', async () => {
    const r = await run({ dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.counters.found).toBe(10);
    expect(r.counters.created).toBe(10);
    expect(r.counters.errors).toBe(0);
    expect(r.sources.every((s: any) => s.healthy)).toBe(true);
    expect(r.crm).toMatchObject({ dryRun: true, created: 10, errors: 0 });
    const n = await t.ctx.db.withSchema('promoteurs').selectFrom('programmes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    expect(Number(n!.n)).toBe(0);
    expect(crm.records.CJeanbrunProgramme.size).toBe(0);
    expect(crm.requests.filter((q) => q.method !== 'GET')).toHaveLength(0);
    // the preview shows programmes with lots
    const runs = await t.request('GET', '/api/promoteurs/runs', { token: t.tokens.viewer });
    const detail = await t.request('GET', `/api/promoteurs/runs/${runs.body.runs[0].id}`, { token: t.tokens.viewer });
    expect(detail.body.preview).toHaveLength(10);
    expect(detail.body.preview[0].lotsDetails.length).toBeGreaterThan(0);
    // politeness: one request at a time per site, honest UA
    expect(bouygues.maxInFlight).toBe(1);
    expect(icade.maxInFlight).toBe(1);
    expect(bouygues.requests.every((q) => q.ua.startsWith('atelier/'))).toBe(true);
    expect(bouygues.requests[0].kind).toBe('robots');
  });

  it('real run: creates programmes in the DB and in EspoCRM (lotsDetails as a JSON string, villeId linked)', async () => {
    const r = await run({});
    expect(r.counters.created).toBe(10);
    expect(r.crm).toMatchObject({ created: 10, updated: 0, errors: 0 });
    const recs = [...crm.records.CJeanbrunProgramme.values()];
    expect(recs).toHaveLength(10);
    for (const rec of recs) {
      expect(typeof rec.lotsDetails).toBe('string');
      expect(Array.isArray(JSON.parse(rec.lotsDetails as string))).toBe(true);
      expect(rec.villeId).toBeTruthy();
    }
    // list and detail API
    const list = await t.request('GET', '/api/promoteurs/programmes?city=lyon&promoteur=bouygues', { token: t.tokens.viewer });
    expect(list.body.total).toBe(3);
    const one = await t.request('GET', `/api/promoteurs/programmes/${list.body.programmes[0].id}`, { token: t.tokens.viewer });
    expect(one.body.lots.length).toBeGreaterThan(1);
    expect(one.body.lots[0]).toHaveProperty('prix');
    expect(one.body.programme.zoneFiscale).toBe('A');
    const t3 = await t.request('GET', '/api/promoteurs/programmes?type=T3&zone=A&prixMax=400000&surfaceMin=60', { token: t.tokens.viewer });
    expect(t3.status).toBe(200);
    for (const p of t3.body.programmes) {
      expect(p.typesLots).toContain('T3');
      expect(p.zoneFiscale).toBe('A');
      expect(p.prixMin).toBeLessThanOrEqual(400000);
      expect(p.surfaceMax).toBeGreaterThanOrEqual(60);
    }
    expect((await t.request('GET', '/api/promoteurs/programmes?type=T9', { token: t.tokens.viewer })).status).toBe(400);
    const stats = await t.request('GET', '/api/promoteurs/stats', { token: t.tokens.viewer });
    expect(stats.body.totals.active).toBe(10);
    expect(stats.body.totals.builtinCities).toBe(68); // shown instead of "0 villes importées" when no import exists
  });

  it('second run with nothing changed: only unchanged, 0 detail pages, no CRM write', async () => {
    bouygues.reset();
    icade.reset();
    const writesBefore = crm.requests.filter((q) => q.method !== 'GET').length;
    const r = await run({});
    expect(r.counters).toMatchObject({ found: 10, unchanged: 10, created: 0, updated: 0, sold: 0, errors: 0 });
    expect(bouygues.count('detail') + icade.count('detail')).toBe(0);
    // listings revalidated with If-None-Match: 304
    expect(bouygues.requests.filter((q) => q.kind === 'listing').every((q) => q.status === 304)).toBe(true);
    expect(crm.requests.filter((q) => q.method !== 'GET').length).toBe(writesBefore);
    expect(r.crm).toMatchObject({ created: 0, updated: 0, unchanged: 10, errors: 0 });
  });

  it('a changed price updates only the changed fields (DB and CRM PUT)', async () => {
    const p = icade.programmes[0];
    p.lots[0].prix -= 5000;
    crm.requests.length = 0;
    const r = await run({});
    expect(r.counters).toMatchObject({ updated: 1, unchanged: 9, created: 0 });
    const puts = crm.requests.filter((q) => q.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(Object.keys(puts[0].body as object)).toEqual(expect.arrayContaining(['lotsDetails', 'prixMin']));
    expect(Object.keys(puts[0].body as object)).not.toContain('name');
  });

  it('listings suddenly without programmes: nothing marked sold, an alert by email', async () => {
    bouygues.setEmpty(true);
    mails.length = 0;
    const r = await run({});
    const b = r.sources.find((s: any) => s.source === 'bouygues');
    expect(b.healthy).toBe(false);
    expect(b.reason).toMatch(/abnormal drop/);
    expect(r.counters.sold).toBe(0);
    const sold = await t.request('GET', '/api/promoteurs/programmes?statut=vendu', { token: t.tokens.viewer });
    expect(sold.body.total).toBe(0);
    expect(r.alerts.some((a: any) => a.source === 'bouygues')).toBe(true);
    expect(mails.join('\n')).toMatch(/abnormal drop/);
    const alerts = await t.request('GET', '/api/promoteurs/alerts', { token: t.tokens.viewer });
    expect(alerts.body.alerts[0].source).toBe('bouygues');
    // a code and values for the web app to word the alert in French or English
    const details = typeof alerts.body.alerts[0].details === 'string' ? JSON.parse(alerts.body.alerts[0].details) : alerts.body.alerts[0].details;
    expect(details).toMatchObject({ code: 'not_marked_sold', source: expect.any(String), reason: expect.stringMatching(/drop/) });
    expect(hooks.at(-1)).toMatchObject({ module: 'promoteurs', source: 'bouygues', level: 'warning' });
    bouygues.setEmpty(false);
  });

  it('a programme gone from a complete healthy run is marked sold (DB and CRM)', async () => {
    const gone = icade.programmes.pop()!;
    const r = await run({});
    expect(r.sources.find((s: any) => s.source === 'icade')).toMatchObject({ healthy: true });
    expect(r.counters.sold).toBe(1);
    const rec = [...crm.records.CJeanbrunProgramme.values()].find((x) => x.idExterne === gone.id);
    expect(rec?.statut).toBe('vendu');
  });

  it('a site answering only 503/429: incomplete, nothing sold, error-rate alert', async () => {
    icade.setErrorRate(1);
    const r = await run({});
    icade.setErrorRate(0);
    const i = r.sources.find((s: any) => s.source === 'icade');
    expect(i).toMatchObject({ complete: false, healthy: false });
    expect(i.counters.sold).toBe(0);
    expect(i.counters.retries).toBeGreaterThan(0);
    expect(r.alerts.filter((a: any) => a.source === 'icade').map((a: any) => a.message).join(' ')).toMatch(/incomplete.*errors for/s);
    // the verdict also as a code and numbers, for the web app to word (list and detail of the run)
    const list = await t.request('GET', '/api/promoteurs/runs?limit=1', { token: t.tokens.viewer });
    const listed = list.body.runs[0].sources.find((s: any) => s.source === 'icade');
    expect(listed.reasonDetail).toEqual({ code: 'incomplete', n: 2 });
    const detail = await t.request('GET', `/api/promoteurs/runs/${list.body.runs[0].id}`, { token: t.tokens.viewer });
    expect(detail.body.sources.find((s: any) => s.source === 'icade').reasonDetail).toEqual({ code: 'incomplete', n: 2 });
    expect(detail.body.sources.find((s: any) => s.source === 'bouygues').reasonDetail).toBeNull();
  });

  it('a scheduled tick less than PROMOTEURS_MIN_INTERVAL_DAYS after the last scheduled run is skipped', async () => {
    const first = await t.ctx.jobs.enqueue('promoteurs.scrape', { promoteurs: 'icade', cities: 'lyon', skipImages: true, scheduled: true });
    expect(((await t.ctx.jobs.wait(first.id)).result as any).skipped).toBeUndefined();
    const second = await t.ctx.jobs.enqueue('promoteurs.scrape', { promoteurs: 'icade', cities: 'lyon', skipImages: true, scheduled: true });
    expect(((await t.ctx.jobs.wait(second.id)).result as any).skipped).toMatch(/scheduled run skipped/);
  });

  it('never writes the EspoCRM API key in a log or an API answer', async () => {
    expect(t.logs.join('\n')).not.toContain(crm.apiKey);
    const cfg = await t.request('GET', '/api/promoteurs/espocrm', { token: t.tokens.admin });
    expect(cfg.body.apiKey).toMatch(/^\*{4}/);
    expect(JSON.stringify(cfg.body)).not.toContain(crm.apiKey);
    expect((await t.request('GET', '/api/promoteurs/espocrm', { token: t.tokens.operator })).status).toBe(403);
  });

  it('images: ≤ 5 per programme, with the programme page as Referer, into the blob store (also for unchanged programmes)', async () => {
    icade.reset();
    const r = await run({ promoteurs: 'icade', cities: 'lyon', skipImages: false });
    expect(r.images.errors).toBe(0);
    expect(r.images.downloaded).toBeGreaterThan(0);
    const imgs = icade.requests.filter((q) => q.kind === 'image');
    expect(imgs).toHaveLength(r.images.downloaded);
    for (const q of imgs) expect(q.referer).toMatch(new RegExp(`^${icade.url}/programmes-immobiliers-neufs-lyon/.+,p\\d+$`));
    const blobs = await t.ctx.files.list('promoteurs/images/icade/');
    expect(blobs.length).toBe(r.images.downloaded);
    // a second run does not download them again
    icade.reset();
    const again = await run({ promoteurs: 'icade', cities: 'lyon', skipImages: false });
    expect(again.images.downloaded).toBe(0);
    expect(icade.requests.filter((q) => q.kind === 'image')).toHaveLength(0);
  });

  it('rejects an unknown source with 400 and a viewer cannot start a run', async () => {
    expect((await t.request('POST', '/api/promoteurs/runs', { token: t.tokens.operator, body: { promoteurs: 'nope' } })).status).toBe(400);
    expect((await t.request('POST', '/api/promoteurs/runs', { token: t.tokens.viewer, body: {} })).status).toBe(403);
  });
});

// Resumable after a crash: a run interrupted in its second city is started again with its checkpoint
// (attempt 2, as pg-boss does after a dead worker): the finished city's listing and every detail page
// already stored are not fetched again, and the verdict still covers the whole run. (Same platform as
// above, under its own source key so that the runs above are not disturbed.)
describe('resume after a crash', () => {
  function jobContext(id: string, attempt: number, store: { cp?: unknown }, signal: AbortSignal): JobContext<ScrapePayload> {
    return {
      id, attempt, signal, payload: { cities: 'lyon,bordeaux', skipImages: true },
      progress: async () => {}, log: async () => {}, artifact: async () => ({}) as any,
      checkpoint: { get: async () => store.cp as any, set: async (v) => { store.cp = JSON.parse(JSON.stringify(v)); } },
      throwIfCancelled: () => { if (signal.aborted) throw new Error('cancelled'); },
    };
  }

  it('does not refetch what the first attempt did', async () => {
    const site = await startFakeSite({ kind: 'bouygues', cities: FAKE_CITIES.filter((c) => ['lyon', 'bordeaux'].includes(c.slug)), perCity: 3, seed: 5, latencyMs: 10 });
    try {
      const source = { ...getSource('bouygues')!, key: 'bouygues-resume' };
      const settings = { ...readSettings(t.ctx.config), timeScale: 0.01, sourceUrls: { 'bouygues-resume': site.url } };
      const id = '00000000-0000-4000-8000-000000000001';
      const store: { cp?: unknown } = {};
      const ac = new AbortController();
      // "crash" once the 2nd city's first detail page has been served
      const timer = setInterval(() => { if (site.count('detail') >= 4) ac.abort(new Error('worker died')); }, 2);
      await expect(runScrape(t.ctx, jobContext(id, 1, store, ac.signal), { sources: [source], settings })).rejects.toThrow();
      clearInterval(timer);
      const first = site.requests.filter((r) => r.status < 400).map((r) => r.path);
      expect(Object.keys((store.cp as any).sites['bouygues-resume'].cities)).toHaveLength(1);
      const storedBefore = (await t.ctx.db.withSchema('promoteurs').selectFrom('programmes').select('id_externe').where('source_api', '=', 'bouygues-resume').execute()).map((r: any) => r.id_externe as string);
      expect(storedBefore.length).toBeGreaterThanOrEqual(3);
      // let a request the "dead" attempt had in flight land before counting afresh
      await new Promise((r) => setTimeout(r, 300));
      site.reset();
      const r = await runScrape(t.ctx, jobContext(id, 2, store, new AbortController().signal), { sources: [source], settings });
      const second = site.requests.map((q) => q.path);
      // the city done before the crash is not fetched again
      const doneListing = first.find((p) => p.endsWith('/lyon') || p.endsWith('/bordeaux'))!;
      expect(second).not.toContain(doneListing);
      // programmes stored before the crash: their detail pages are not fetched again (a page in flight
      // at the crash, fetched but not stored, is fetched again)
      const detailPaths = site.requests.filter((q) => q.kind === 'detail').map((q) => q.path);
      for (const id of storedBefore) expect(detailPaths.some((p) => p.endsWith(`/ref/${id}`))).toBe(false);
      expect(new Set(detailPaths).size).toBe(6 - storedBefore.length);
      expect(r.sources[0]).toMatchObject({ complete: true, healthy: true });
      expect(r.counters.found).toBe(6);
      const n = await t.ctx.db.withSchema('promoteurs').selectFrom('programmes').where('source_api', '=', 'bouygues-resume').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      expect(Number(n!.n)).toBe(6);
    } finally {
      await site.close();
    }
  });
});
