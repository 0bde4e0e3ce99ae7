// promoteurs: a full scrape of several local fake developer sites (loopback; many cities and
// programmes, ~150 kB pages, response latency, some 429/503) with the sources' real politeness
// delays scaled down. Figures:
// - wall time of a full run ÷ the slowest site's politeness floor (the delays it must wait, drawn
//   with jitter, plus the backoffs servers asked for): target ≤ 1.15× (sites run in parallel, nothing
//   else waits);
// - the same run done site after site (what the original script did), same ratio;
// - a second run with nothing changed: detail pages fetched (target 0);
// - parse throughput of the real Nexity detail pages (pages/s) against cheerio's bare load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import type { BenchFn, BenchRow } from './types.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { openPlatform } from '../src/core/platform.ts';
import promoteurs from '../src/promoteurs/index.ts';
import { runScrape, type ScrapePayload, type ScrapeResult } from '../src/promoteurs/run/scrape.ts';
import { readSettings } from '../src/promoteurs/settings.ts';
import { describeSource, getSource, listSources } from '../src/promoteurs/sources/index.ts';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../src/promoteurs/fakes/sites.ts';
import { genericDetail } from '../src/promoteurs/parse/generic.ts';
import type { Source } from '../src/promoteurs/types.ts';
import type { JobContext } from '../src/core/jobs/types.ts';
import { resolveCities } from '../src/promoteurs/rules/cities.ts';

function job(id: string, payload: ScrapePayload): JobContext<ScrapePayload> {
  let cp: unknown;
  return {
    id, attempt: 1, payload, signal: new AbortController().signal,
    progress: async () => {}, log: async () => {}, artifact: async () => ({}) as any,
    checkpoint: { get: async () => cp as any, set: async (v) => { cp = v; } }, throwIfCancelled: () => {},
  };
}

const bench: BenchFn = async ({ quick, log }) => {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-promoteurs-'));
  const nCities = quick ? 3 : 6;
  const cities = FAKE_CITIES.slice(0, nCities);
  // 10 s between cities → 1 s, 5 s between details → 500 ms: the delays stay well above the CPU time
  // of parsing a page (~70 ms on a loaded 2-core machine), as they are in production (5–10 s)
  const scale = quick ? 0.05 : 0.1;
  const sites: { source: Source; site: FakeSite }[] = [];
  // all 19 developers, each on its own fake site (dedicated parsers and the generic extractor; listing
  // pages and sitemaps), in parallel — the fakes say nothing about the real sites' speed or markup
  const defs: [Source, Parameters<typeof startFakeSite>[0]][] = listSources().map((src, i) => [src, { kind: src.key, cities, perCity: 2 + (i % 3), seed: 11 + i }]);
  for (const [source, o] of defs) sites.push({ source, site: await startFakeSite({ ...o, latencyMs: 25, errorRate: 0.03, padBytes: 150_000 }) });
  const config = loadConfig({
    ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'bench-key-0123456789abcdef0123456789', ATELIER_HTTP_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'warn',
    PROMOTEURS_TIME_SCALE: String(scale),
  });
  const p = await openPlatform({ config, modules: [promoteurs], role: 'cli', work: false, memory: true, log: createLogger({ level: 'warn' }) });
  const settings = { ...readSettings(config), sourceUrls: Object.fromEntries(sites.map((s) => [s.source.key, s.site.url])) };
  const sources = sites.map((s) => s.source);
  const payload = { cities: cities.map((c) => c.slug).join(','), skipImages: true };
  const floor = (r: ScrapeResult) => Math.max(...r.sources.map((s) => s.politenessMs + s.backoffMs));
  let n = 0;
  const run = async (srcs: Source[], dryRun: boolean) => {
    const t0 = performance.now();
    const r = await runScrape(p, job(`00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, { ...payload, dryRun }), { sources: srcs, settings });
    return { r, ms: performance.now() - t0 };
  };
  try {
    const detailsTotal = sites.reduce((a, s) => a + s.site.programmes.length, 0);
    log(`${sites.length} sites × ${cities.length} cities, ${detailsTotal} programmes, pages ~150 kB, latency 25 ms, 3 % 429/503, delays × ${scale}`);
    notes.push(`${sites.length} fake sites on loopback × ${cities.length} cities, ${detailsTotal} programmes, ~150 kB pages, 25 ms latency, 3 % of page requests answered 429 (Retry-After: 1) or 503; sources' delays (10 s / 5 s, jitter 30 %) × ${scale}; load average at start ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);

    // one-time process start-up outside the timed runs: the official geography (communes.json, 8.6 MB)
    // is loaded on first city lookup, whatever the run
    resolveCities(payload.cities);
    notes.push('the official geography (@etalab/decoupage-administratif communes.json) is loaded once before the timed runs');
    // 1. parallel (the engine's way), first run (dry-run: nothing stored, so every detail is fetched)
    const par = await run(sources, true);
    const parFloor = floor(par.r);
    for (const s of par.r.sources) log(`  ${s.source}: floor ${s.politenessMs} ms + backoff ${s.backoffMs} ms, wall ${s.wallMs} ms, ${s.requests} requests, ${s.counters.found} found, ${s.counters.errors} errors`);
    // 2. sequential: site after site, same work
    let seqMs = 0;
    // site after site on a sample of 3 sources (19 in a row would take minutes), scaled to all 19
    const sample = sources.filter((x) => ['bouygues', 'kaufman-broad', 'emerige'].includes(x.key));
    for (const s of sample) seqMs += (await run([s], true)).ms;
    seqMs = (seqMs / sample.length) * sources.length;
    rows.push({ metric: 'full run, sites in parallel: wall ÷ slowest site\'s politeness floor', value: Math.round(par.ms), unit: 'ms', baseline: { label: 'slowest site floor (delays + server backoffs)', value: parFloor, unit: 'ms' }, ratio: +(par.ms / parFloor).toFixed(3), target: '≤ 1.15×', ok: par.ms / parFloor <= 1.15 });
    rows.push({ metric: 'same run site after site (original script): wall ÷ slowest site\'s floor', value: Math.round(seqMs), unit: 'ms', baseline: { label: 'slowest site floor', value: parFloor, unit: 'ms' }, ratio: +(seqMs / parFloor).toFixed(3) });
    rows.push({ metric: 'speed-up of parallel sites over sequential', value: +(seqMs / par.ms).toFixed(2), unit: '×', baseline: { label: 'sequential wall', value: Math.round(seqMs), unit: 'ms' }, ratio: +(seqMs / par.ms).toFixed(2) });
    const foundOk = par.r.counters.found === detailsTotal;
    if (!foundOk) notes.push(`parallel run found ${par.r.counters.found} of ${detailsTotal} programmes (errors: ${par.r.counters.errors})`);

    // 3. real run, then a second run with nothing changed
    const first = await run(sources, false);
    for (const s of sites) s.site.reset();
    const second = await run(sources, false);
    const detailFetches = sites.reduce((a, s) => a + s.site.requests.filter((q) => q.kind === 'detail').length, 0);
    rows.push({ metric: 'second run, nothing changed: detail pages fetched', value: detailFetches, unit: 'pages', baseline: { label: 'first run detail pages', value: first.r.counters.detailPages, unit: 'pages' }, ratio: first.r.counters.detailPages ? +(detailFetches / first.r.counters.detailPages).toFixed(3) : undefined, target: '0', ok: detailFetches === 0 });
    rows.push({ metric: 'second run wall time', value: Math.round(second.ms), unit: 'ms', baseline: { label: 'first real run', value: Math.round(first.ms), unit: 'ms' }, ratio: +(second.ms / first.ms).toFixed(3) });
    notes.push(`second run: ${second.r.counters.unchanged} unchanged, ${second.r.counters.created} created, ${second.r.counters.updated} updated, ${second.r.counters.notModified} listings answered 304`);
  } finally {
    await p.close();
    for (const s of sites) await s.site.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  // 4. parse throughput of the real Nexity pages
  const dir = path.join(import.meta.dirname, '../test/fixtures/promoteurs/nexity');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('detail-') && f.endsWith('.html')) : [];
  if (!files.length) notes.push('test/fixtures/promoteurs/nexity/ has no detail page: Nexity parse throughput not measured');
  else {
    const nexity = getSource('nexity')!;
    const pages = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    const card = { sourceApi: 'nexity', idExterne: '0099__98124', name: 'Signal', urlExterne: 'https://www.nexity.fr/neuf/0099__98124' };
    const measure = (fn: (html: string) => void) => {
      const budget = quick ? 1500 : 4000;
      const t0 = performance.now();
      let k = 0;
      while (performance.now() - t0 < budget) { fn(pages[k % pages.length]); k++; }
      return k / ((performance.now() - t0) / 1000);
    };
    let lots = 0;
    for (const html of pages) lots += nexity.parseDetail(html, card, { url: card.urlExterne }).lots.length;
    const parse = measure((html) => { nexity.parseDetail(html, card, { url: card.urlExterne }); });
    const bare = measure((html) => { cheerio.load(html); });
    const generic = measure((html) => { try { genericDetail(html, card, { url: card.urlExterne }, { key: 'nexity', baseUrl: 'https://www.nexity.fr', idPattern: nexity.idPattern }); } catch { /* counted below */ } });
    const genericLots = pages.map((html) => { try { return genericDetail(html, card, { url: card.urlExterne }, { key: 'nexity', baseUrl: 'https://www.nexity.fr', idPattern: nexity.idPattern }).lots.length; } catch { return 0; } });
    rows.push({ metric: `generic extractor on the real Nexity pages (${pages.length} files; lots found per page: ${genericLots.join(', ')})`, value: +generic.toFixed(1), unit: 'pages/s', baseline: { label: 'cheerio.load(html) alone', value: +bare.toFixed(1), unit: 'pages/s' }, ratio: +(generic / bare).toFixed(3) });
    rows.push({ metric: `Nexity detail parse (real pages, ${pages.length} files, ${(pages.reduce((a, x) => a + x.length, 0) / pages.length / 1024).toFixed(0)} kB avg, ${lots} lots)`, value: +parse.toFixed(1), unit: 'pages/s', baseline: { label: 'cheerio.load(html) alone (parse5, default options)', value: +bare.toFixed(1), unit: 'pages/s' }, ratio: +(parse / bare).toFixed(3) });
  }
  // per source: status, discovery, extractor, fixture kind (what backs each parser)
  notes.push('sources: key | status | discovery | extractor | fixture kind');
  for (const src of listSources()) {
    const d = describeSource(src);
    notes.push(`  ${d.key} | ${d.status} | ${d.discovery} | ${d.extractor} | ${d.fixtureKind}`);
  }
  return { name: 'promoteurs', rows, notes };
};

export default bench;
