// All 19 developers through the platform, over the local fake sites (real HTTP on loopback): a dry-run
// covers every source (listing pages and sitemaps: index, gzip, sitemap.txt; pages read by the
// dedicated parsers and the generic extractor); a second real run with nothing changed fetches 0 detail
// pages; "all" leaves the unverified sources out with their reason; a run with the network down ends
// `failed` with a network reason; robots.txt keeps Vinci's query-string API and Bouygues' lot endpoint
// off-limits. The fakes say nothing about the real sites: this tests the engine, not the sources.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import promoteurs from '../../../src/promoteurs/index.ts';
import { startFakeSites, FAKE_CITIES, FAKE_KINDS, type FakeSite } from '../../../src/promoteurs/fakes/sites.ts';
import { listSources } from '../../../src/promoteurs/sources/index.ts';
import { SiteFetcher, RobotsDisallowedError } from '../../../src/promoteurs/crawl/fetcher.ts';

let t: TestPlatform;
let fakes: Awaited<ReturnType<typeof startFakeSites>>;
let closedPort: number;
const cities = FAKE_CITIES.filter((c) => ['lyon', 'bordeaux'].includes(c.slug));

async function run(body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/promoteurs/runs', { token: t.tokens.operator, body: { cities: 'lyon,bordeaux', skipImages: true, ...body } });
  expect(res.status).toBe(202);
  return t.ctx.jobs.wait(res.body.job.id);
}

beforeAll(async () => {
  fakes = await startFakeSites({ cities, perCity: 2 });
  // a port nobody listens on: "the network is down" for the sources pointed at it
  const srv = net.createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  closedPort = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((ok) => srv.close(() => ok()));
  t = await createTestPlatform({ modules: [promoteurs], env: { PROMOTEURS_SOURCE_URLS: fakes.sourceUrls, PROMOTEURS_TIME_SCALE: '0.0002' } });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await fakes?.close();
}, 60_000);

describe('the 19 developers over the fake sites', () => {
  it('the fakes and the registry cover the same 19 sources', () => {
    expect(listSources()).toHaveLength(19);
    expect([...FAKE_KINDS].sort()).toEqual(listSources().map((s) => s.key).sort());
  });

  it('a dry-run covers all of them: every programme found, with its lots, and nothing written', async () => {
    const job = await run({ promoteurs: 'all', includeDisabled: true, dryRun: true });
    expect(job.error).toBeNull();
    const r = job.result as any;
    expect(r.status).toBe('ok');
    expect(r.sources).toHaveLength(19);
    for (const s of r.sources) {
      const site: FakeSite = fakes.sites[s.source];
      expect({ source: s.source, found: s.counters.found, created: s.counters.created, errors: s.counters.errors }).toEqual({ source: s.source, found: site.programmes.length, created: site.programmes.length, errors: 0 });
      expect(s.status).toBe('ok');
    }
    const detail = await t.request('GET', `/api/promoteurs/runs/${job.id}`, { token: t.tokens.viewer });
    const preview = detail.body.preview as any[];
    expect(preview).toHaveLength(Object.values(fakes.sites).reduce((a, s) => a + s.programmes.length, 0));
    // the generic extractor's output is the programme the fake holds: same lots, prices, city
    for (const kind of ['kaufman-broad', 'emerige', 'eiffage', 'procivis', 'adim', 'bnp-paribas-re', 'pierreval', 'bassac']) {
      const fp = fakes.sites[kind].programmes[0];
      const got = preview.find((p) => p.sourceApi === kind && p.idExterne === fp.id);
      expect(got, kind).toBeTruthy();
      expect(got.name).toBe(fp.name);
      expect(got.ville).toBe(fp.city.nom);
      expect(got.lotsDetails.map((l: any) => l.prix).sort()).toEqual(fp.lots.map((l) => l.prix).sort());
      expect(got.lotsDetails.map((l: any) => l.surface).sort()).toEqual(fp.lots.map((l) => l.surface).sort());
    }
    const n = await t.ctx.db.withSchema('promoteurs').selectFrom('programmes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    expect(Number(n!.n)).toBe(0);
    // sitemaps were read (index → gzip child; the off-site child of the index was not followed)
    expect(fakes.sites['kaufman-broad'].requests.some((q) => q.path === '/sitemap-programmes.xml.gz' && q.status === 200)).toBe(true);
    expect(fakes.sites.greencity.requests.some((q) => q.path === '/sitemap.txt')).toBe(true);
    for (const s of Object.values(fakes.sites)) expect(s.maxInFlight).toBe(1);
  }, 120_000);

  it('"all" leaves the unverified sources out, each with its one-line reason', async () => {
    const job = await run({ promoteurs: 'all', dryRun: true, cities: 'lyon' });
    const r = job.result as any;
    expect(r.sources.map((s: any) => s.source)).toEqual(['nexity']);
    expect(r.skippedSources).toHaveLength(18);
    for (const s of r.skippedSources) {
      expect(s.reason).toMatch(/^unverified \(off by default\): .+/);
      expect(s).toMatchObject({ code: 'unverified', detail: expect.stringMatching(/.+/) }); // worded in FR/EN by the web app
    }
  }, 60_000);

  it('a second real run with nothing changed fetches 0 detail pages (sitemaps and listings answer 304)', async () => {
    const keys = 'nexity,kaufman-broad,bassac,eiffage,vinci,bnp-paribas-re';
    const first = await run({ promoteurs: keys });
    expect((first.result as any).status).toBe('ok');
    for (const s of Object.values(fakes.sites)) s.reset();
    const second = await run({ promoteurs: keys });
    const r = second.result as any;
    expect(r.counters.detailPages).toBe(0);
    expect(r.counters.created + r.counters.updated).toBe(0);
    expect(r.counters.unchanged).toBe(r.counters.found);
    for (const k of keys.split(',')) expect(fakes.sites[k].count('detail')).toBe(0);
    expect(fakes.sites['kaufman-broad'].requests.filter((q) => q.kind === 'sitemap').every((q) => q.status === 304)).toBe(true);
  }, 120_000);

  it('a run with the network down ends failed, with a network reason (not robots.txt)', async () => {
    const down = `http://127.0.0.1:${closedPort}`;
    const t2 = await createTestPlatform({ modules: [promoteurs], env: { PROMOTEURS_SOURCE_URLS: `nexity=${down},vinci=${down},kaufman-broad=${down}`, PROMOTEURS_TIME_SCALE: '0.0002' } });
    try {
      const res = await t2.request('POST', '/api/promoteurs/runs', { token: t2.tokens.operator, body: { promoteurs: 'nexity,vinci,kaufman-broad', cities: 'lyon', skipImages: true } });
      const job = await t2.ctx.jobs.wait(res.body.job.id);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/every page failed/);
      expect(job.error).toMatch(/network error/);
      expect(job.error).not.toMatch(/robots\.txt disallows/);
      const r = job.result as any;
      expect(r.status).toBe('failed');
      expect(r.counters.networkErrors).toBeGreaterThan(0);
      expect(r.counters.robotsBlocked).toBe(0);
      const runs = await t2.request('GET', '/api/promoteurs/runs', { token: t2.tokens.viewer });
      expect(runs.body.runs[0].status).toBe('failed');
      // progress was reported from the first retry on
      const events = await t2.ctx.jobs.eventsOf(job.id);
      // (as a message code the UI words in French: 'log.retry' → « nouvelle tentative 1 dans … »)
      expect(events.some((e) => e.type === 'progress' && (e.data as any)?.code === 'retry' && (e.data as any)?.attempt === 1)).toBe(true);
      // not retried by the queue: one attempt
      expect(job.attempts).toBe(1);
    } finally {
      await t2.close();
    }
  }, 120_000);

  it('robots.txt: Vinci\'s query-string API and Bouygues\' lot endpoint are off-limits', async () => {
    for (const [kind, url] of [['vinci', '/api/offres/recherche/lot?ville=lyon&page=1'], ['vinci', '/trouver-son-logement-neuf/lyon?page=2'], ['bouygues', '/ajax/get_program_lots/030-101K04']] as const) {
      const site = fakes.sites[kind];
      const f = new SiteFetcher(site.url, { http: t.ctx.http, userAgent: t.ctx.http.userAgent, timeScale: 0.001, retryDelaysSec: [1], obeyRobots: true, allowPrivate: true });
      site.reset();
      await expect(f.fetch(`${site.url}${url}`)).rejects.toBeInstanceOf(RobotsDisallowedError);
      expect(site.requests.map((q) => q.kind)).toEqual(['robots']);
    }
  });
});
