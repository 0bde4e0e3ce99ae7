// One scrape run (job kind promoteurs.scrape): for every selected source, in parallel, listing per
// city then detail per programme through that site's polite fetcher; each programme goes through
// the business rules and the DB sink as soon as it is parsed; per city a checkpoint (so a crashed
// job resumes without refetching), per source a health verdict (complete? parse errors? abnormal
// drop?) that alone allows marking programmes sold; then the EspoCRM sink and alerts.
import type { CoreContext } from '../../core/module.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import type { City, Programme, ProgrammeCard, ProgrammeDetail, Source } from '../types.ts';
import { SourceParseError } from '../types.ts';
import { listSources, resolveSources } from '../sources/index.ts';
import { citiesInScope, createZoneTable, defaultZoneTable, isInScope, resolveCities, type ZoneTable } from '../rules/cities.ts';
import { deliveryDecision } from '../rules/delivered.ts';
import { readSettings, type PromoteursSettings } from '../settings.ts';
import { SiteFetcher, FetchError } from '../crawl/fetcher.ts';
import { programmesByCity, readSitemaps } from '../crawl/sitemap.ts';
import { JobFailedError } from '../../core/jobs/types.ts';
import { effectiveSettings, sourceState, withOverrides } from './settings-store.ts';
import { BrowserEngine } from '../crawl/browser.ts';
import { ProgrammeStore, rowToProgramme } from '../sync/store.ts';
import { assembleProgramme, cardHash, outOfZone } from '../sync/assemble.ts';
import { ImageDownloader } from '../sync/images.ts';
import { parseDetailOffThread, warmDetailPool } from '../parse/detail-pool.ts';
import { EspoCrmSink, EspoError } from '../sinks/espocrm.ts';
import { EspoImages } from '../sinks/espocrm-images.ts';
import { sendAlert, type Alert } from '../alerts/index.ts';
import { espoApiKey } from './espo-key.ts';
import { zoneTableFromDb } from './cities.ts';

export interface ScrapePayload {
  promoteurs?: string | string[];
  cities?: string | string[];
  dryRun?: boolean;
  skipImages?: boolean;
  verbose?: boolean;
  scheduled?: boolean;
  /** with "all": also the sources that are off (unverified ones are off by default) */
  includeDisabled?: boolean;
}

/** ok: every page fetched and parsed; partial: some failed; failed: every page failed (or none could be fetched) */
export type RunStatus = 'ok' | 'partial' | 'failed';

export const COUNTER_KEYS = ['found', 'created', 'updated', 'unchanged', 'sold', 'skipped', 'errors'] as const;
type Counters = Record<(typeof COUNTER_KEYS)[number], number> & {
  listingPages: number; detailPages: number; sitemapPages: number; notModified: number; retries: number; parseErrors: number;
  /** pages that could not be fetched, by cause */
  pagesFailed: number; networkErrors: number; httpErrors: number; robotsBlocked: number;
};
const zero = (): Counters => ({ found: 0, created: 0, updated: 0, unchanged: 0, sold: 0, skipped: 0, errors: 0, listingPages: 0, detailPages: 0, sitemapPages: 0, notModified: 0, retries: 0, parseErrors: 0, pagesFailed: 0, networkErrors: 0, httpErrors: 0, robotsBlocked: 0 });
/** counts one page that could not be fetched, by the cause the fetcher gives */
function countFailure(c: Counters, e: unknown): void {
  c.pagesFailed++;
  const kind = e instanceof FetchError ? e.kind : 'network';
  if (kind === 'robots') c.robotsBlocked++;
  else if (kind === 'http') c.httpErrors++;
  else c.networkErrors++;
}
function add(a: Counters, b: Partial<Counters>): void {
  for (const [k, v] of Object.entries(b)) (a as any)[k] = ((a as any)[k] ?? 0) + (v ?? 0);
}

/** why a source run is not healthy, as a code and numbers (source_runs.reason_detail) */
export type SourceReasonDetail =
  | { code: 'timedOut'; minutes: number }
  | { code: 'incomplete'; n: number }
  | { code: 'parseErrors'; n: number }
  | { code: 'drop'; now: number; before: number; pct: number };

interface CityResult { city: string; nom: string; ok: boolean; error?: string; counters: Counters }
interface SiteCheckpoint { cities: Record<string, CityResult>; done?: boolean }
interface Checkpoint { sites: Record<string, SiteCheckpoint> }

export interface SourceReport {
  source: string;
  name: string;
  status: RunStatus;
  cities: number;
  complete: boolean;
  healthy: boolean;
  reason: string | null;
  counters: Counters;
  /** sum of the politeness delays drawn (ms): the site's floor */
  politenessMs: number;
  backoffMs: number;
  wallMs: number;
  requests: number;
}

export interface ScrapeResult {
  /** ok / partial / failed: the run's honest outcome (a failed run also fails its job: exit code 1) */
  status: RunStatus;
  /** why, in one line, when not ok */
  reason: string | null;
  /** the same, as counts the UI words in French or English */
  outcome: RunOutcomeDetail | null;
  /** sources left out of "all" (off in the settings, or unverified and off by default) */
  /** code + detail word the reason in the web app's language */
  skippedSources: { source: string; reason: string; code: string; detail: string }[];
  dryRun: boolean;
  skipped?: string;
  counters: Counters;
  sources: SourceReport[];
  crm?: {
    created: number; updated: number; unchanged: number; errors: number; sold: number; error?: string; dryRun: boolean;
    /** images as attachments: uploaded now, reused (same content sent before), failed (left out of the record) */
    images: { uploaded: number; reused: number; wouldUpload: number; errors: number };
  };
  images?: { downloaded: number; errors: number; skipped: number };
  alerts: Alert[];
  unknownCities: string[];
  durationMs: number;
}

export interface ScrapeDeps {
  /** sources to use instead of the registry (tests, benchmarks) */
  sources?: Source[];
  settings?: PromoteursSettings;
  now?: Date;
}

/**
 * PROMOTEURS_SOURCE_URLS mirrors a source on another origin (a local fake, a staging copy): every URL
 * under the source's real base URL is fetched from the mirror instead, while the stored programmes
 * keep their real (canonical) URLs.
 */
export function mirrorOf(s: Source, mirror: string | undefined): (url: string) => string {
  if (!mirror) return (u) => u;
  const real = s.baseUrl.replace(/\/+$/, '');
  return (u) => (u.startsWith(real) ? mirror + u.slice(real.length) : u);
}

function asList(v: string | string[] | undefined): string[] {
  if (!v) return [];
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
}

export async function runScrape(core: CoreContext, job: JobContext<ScrapePayload>, deps: ScrapeDeps = {}): Promise<ScrapeResult> {
  const started = Date.now();
  const eff = await effectiveSettings(core, deps.settings ?? readSettings(core.config));
  const settings: PromoteursSettings = eff;
  const now = deps.now ?? new Date();
  const p = job.payload ?? {};
  const dryRun = !!p.dryRun;
  const runId = job.id;
  const db = core.db.withSchema('promoteurs');

  // Fortnightly schedule on a weekly cron: skip a tick too close to the last scheduled run.
  if (p.scheduled && settings.minIntervalDays > 0 && job.attempt === 1) {
    const last = await db.selectFrom('runs').select('started_at').where('scheduled', '=', true).where('dry_run', '=', false)
      .where('id', '!=', runId).orderBy('started_at', 'desc').executeTakeFirst();
    if (last && now.getTime() - new Date(last.started_at).getTime() < settings.minIntervalDays * 86400_000) {
      const msg = `scheduled run skipped: the last one started ${new Date(last.started_at).toISOString()} (< ${settings.minIntervalDays} days)`;
      await job.log('info', msg, { code: 'scheduledSkipped', days: settings.minIntervalDays });
      return { status: 'ok', reason: null, outcome: null, skippedSources: [], dryRun, skipped: msg, counters: zero(), sources: [], alerts: [], unknownCities: [], durationMs: 0 };
    }
  }

  const registry = deps.sources ?? [...listSources()];
  const wanted = asList(p.promoteurs);
  const all = !wanted.length || wanted.includes('all');
  let sources: Source[];
  const skippedSources: ScrapeResult['skippedSources'] = [];
  if (deps.sources) {
    sources = all ? registry : registry.filter((s) => wanted.includes(s.key));
  } else {
    sources = resolveSources(all ? 'all' : wanted);
    // "all" (and every scheduled run) takes the sources that are on; naming a source runs it anyway
    if (all && !p.includeDisabled) {
      sources = sources.filter((s) => {
        const st = sourceState(s, eff.stored);
        if (!st.enabled) skippedSources.push({ source: s.key, reason: st.reason ?? 'off', code: st.code ?? 'off_settings', detail: st.detail ?? '' });
        return st.enabled;
      });
    }
    sources = sources.map((s) => withOverrides(s, eff.stored));
  }
  if (skippedSources.length) await job.log('info', `${skippedSources.length} source(s) off, not crawled: ${skippedSources.map((x) => x.source).join(', ')}`, { code: 'sourcesOff', n: skippedSources.length, sources: skippedSources.map((x) => x.source).join(', ') });
  if (sources.length === 0) throw new JobFailedError(`no source to crawl: ${skippedSources.length} source(s) are off (unverified sources are off by default; turn them on in the settings, name them, or pass includeDisabled)`, { status: 'failed', skippedSources });

  const table = await zoneTableFromDb(core);
  const citySpec = asList(p.cities);
  let cities: City[];
  let unknownCities: string[] = [];
  if (citySpec.length && !citySpec.includes('all')) {
    const r = resolveCities(citySpec, table);
    unknownCities = r.unknown;
    for (const c of r.cities.filter((c) => !isInScope(c.zone))) await job.log('warn', `${c.nom}: zone ${c.zone ?? 'unknown'} is out of scope (A bis, A, B1 only): skipped`, { code: 'outOfScope', city: c.nom, zone: c.zone ?? '?' });
    cities = r.cities.filter((c) => isInScope(c.zone));
    if (unknownCities.length) await job.log('warn', `unknown cities ignored: ${unknownCities.join(', ')}`, { code: 'unknownCities', n: unknownCities.length, cities: unknownCities.join(', ') });
  } else {
    cities = citiesInScope(table);
  }
  if (cities.length === 0) throw new Error(`no city to crawl${unknownCities.length ? ` (unknown: ${unknownCities.join(', ')})` : ''}: import the zonage CSV (atelier promoteurs cities import <csv>) or pass --cities`);

  await db.insertInto('runs').values({ id: runId, dry_run: dryRun, scheduled: !!p.scheduled, status: 'running', options: JSON.stringify({ ...p, sources: sources.map((s) => s.key), cities: cities.length }) })
    .onConflict((oc) => oc.column('id').doUpdateSet({ status: 'running', finished_at: null, error: null })).execute();

  const checkpoint: Checkpoint = (await job.checkpoint.get<Checkpoint>()) ?? { sites: {} };
  let cpChain: Promise<void> = Promise.resolve();
  const saveCheckpoint = () => { cpChain = cpChain.then(() => job.checkpoint.set(checkpoint)).catch(() => {}); return cpChain; };

  void warmDetailPool();
  const store = new ProgrammeStore(core.db, dryRun);
  const allowPrivate = core.config.http.allowPrivate;
  let browser: BrowserEngine | null = null;
  const browserFactory = async () => (browser ??= new BrowserEngine({ executablePath: settings.browserPath, userAgent: core.http.userAgent, proxy: core.config.http.proxy }));
  const images = !dryRun && !p.skipImages
    ? new ImageDownloader({ db: core.db, files: core.files, http: core.http, intervalMs: (60_000 / settings.imagesPerMin) * settings.timeScale, allowPrivate, signal: job.signal })
    : null;

  const alerts: Alert[] = [];
  const totalCities = sources.length * cities.length;
  const total = zero();
  const preview: Programme[] = [];
  const seenBySource = new Map<string, Set<string>>();
  let citiesDone = 0;
  for (const s of sources) for (const r of Object.values(checkpoint.sites[s.key]?.cities ?? {})) { add(total, r.counters); citiesDone++; }

  const progress = async (msg: string, data: Record<string, unknown>) => {
    await job.progress(totalCities ? (citiesDone / totalCities) * 95 : 0, { ...total }, msg, data);
  };

  async function crawlSource(source: Source): Promise<SourceReport> {
    const t0 = Date.now();
    const site: SiteCheckpoint = (checkpoint.sites[source.key] ??= { cities: {} });
    const counters = zero();
    for (const r of Object.values(site.cities)) add(counters, r.counters);
    const seen = new Set<string>();
    seenBySource.set(source.key, seen);
    const timeout = AbortSignal.timeout(Math.max(1, settings.sourceTimeoutMs));
    const signal = AbortSignal.any([job.signal, timeout]);
    const map = mirrorOf(source, settings.sourceUrls[source.key]);
    const fetcher = new SiteFetcher(map(source.baseUrl), {
      http: core.http, db: core.db, files: core.files, readOnlyCache: dryRun, browser: browserFactory,
      userAgent: core.http.userAgent, timeScale: settings.timeScale, retryDelaysSec: settings.retryDelaysSec.slice(0, source.fetch.maxRetries ?? 3),
      obeyRobots: settings.robots, allowPrivate, signal,
      onRetry: (r) => {
        counters.retries++; total.retries++;
        // progress from the first retry on: a site that is down shows at once, not after its whole backoff
        const why = r.status ? `HTTP ${r.status}` : (r.error ?? 'network error');
        void job.progress(null, { ...total }, `${source.name}: retry ${r.attempt} in ${Math.round(r.waitMs / 1000)} s (${why})`, { code: 'retry', source: source.name, attempt: r.attempt, seconds: Math.round(r.waitMs / 1000), why });
        void job.log(r.attempt === 1 || p.verbose ? 'warn' : 'debug', `${source.key}: retry ${r.attempt} of ${r.url} in ${Math.round(r.waitMs)} ms (${why})`, { code: 'retry', source: source.name, attempt: r.attempt, seconds: Math.round(r.waitMs / 1000), why });
      },
    });
    const fetchOpts = { engine: source.fetch.engine, timeoutMs: source.fetch.timeoutMs, maxRetries: source.fetch.maxRetries, waitForMs: source.fetch.waitForMs, jitter: source.politeness.jitter, cache: true };
    const cityDelay = source.politeness.delayBetweenCitiesSec * 1000 * settings.timeScale;
    const detailDelay = source.politeness.delayBetweenDetailsSec * 1000 * settings.timeScale;
    const maxAgeMs = settings.detailMaxAgeDays * 86400_000;
    let listingFailures = 0;
    let timedOut = false;
    let lastError: string | null = null;

    await db.insertInto('source_runs').values({ run_id: runId, source: source.key }).onConflict((oc) => oc.columns(['run_id', 'source']).doNothing()).execute();

    // sitemap discovery: every programme URL at once, then placed in the run's cities
    let sitemapCards: Map<string, ProgrammeCard[]> | null = null;
    let sitemapError: string | null = null;
    let sitemapProblems = 0;
    const sitemapCounters = zero();
    if (source.discovery.kind === 'sitemap' && Object.keys(site.cities).length < cities.length) {
      const d = source.discovery;
      const origin = new URL(source.baseUrl).origin;
      const mirrorOrigin = new URL(map(source.baseUrl)).origin;
      try {
        const robots = await fetcher.robotsRules();
        const starts = [...new Set([...d.sitemaps.map((x) => new URL(x, `${source.baseUrl}/`).toString()), ...robots.sitemaps.filter((x) => x.startsWith(origin))])];
        const res = await readSitemaps(starts.map(map), async (u) => {
          try {
            const page = await fetcher.fetch(map(u), { ...fetchOpts, delayMs: cityDelay });
            sitemapCounters.sitemapPages++;
            if (page.notModified) sitemapCounters.notModified++;
            return page.body;
          } catch (e) { countFailure(sitemapCounters, e); sitemapCounters.errors++; throw e; }
        }, (u) => u.startsWith(origin) || u.startsWith(mirrorOrigin));
        const unmirror = (u: string) => (u.startsWith(mirrorOrigin) && mirrorOrigin !== origin ? origin + u.slice(mirrorOrigin.length) : u);
        const placed = programmesByCity(res.entries, d.programmePattern, cities, source.key, unmirror);
        sitemapCards = placed.byCity;
        sitemapProblems = res.problems.length;
        for (const pr of res.problems) await job.log('warn', `${source.key}: sitemap ${pr}`, { code: 'sitemapProblem', source: source.name, error: pr });
        await job.log('info', `${source.key}: ${res.sitemaps.length} sitemap(s), ${res.entries.length} URLs, ${placed.matched} programme pages, ${placed.matched - placed.outside} in the run's cities`, { code: 'sitemap', source: source.name, sitemaps: res.sitemaps.length, urls: res.entries.length, programmes: placed.matched, inCities: placed.matched - placed.outside });
      } catch (e) {
        if (job.signal.aborted) throw e;
        sitemapError = (e as Error).message;
        await job.log('warn', `${source.key}: sitemap ${sitemapError}`, { code: 'sitemapFailed', source: source.name, error: sitemapError });
      }
    }

    for (const [ci, city] of cities.entries()) {
      if (site.cities[city.codeInsee]) continue; // done before a crash: not fetched again
      if (signal.aborted) { timedOut = timeout.aborted; break; }
      const c = zero();
      const result: CityResult = { city: city.codeInsee, nom: city.nom, ok: true, counters: c };
      const listingUrl = map(source.listingUrl(city));
      let cards: ProgrammeCard[] = [];
      if (source.discovery.kind === 'sitemap') {
        // the sitemap was read once for every city; its pages count with the first city done
        if (ci === cities.findIndex((x) => !site.cities[x.codeInsee])) add(c, sitemapCounters);
        if (sitemapError !== null) { result.ok = false; result.error = `sitemap: ${sitemapError}`; listingFailures++; }
        else if (sitemapProblems > 0) { result.ok = false; result.error = `${sitemapProblems} sitemap(s) could not be read`; listingFailures++; }
        cards = sitemapCards?.get(city.codeInsee) ?? [];
      } else try {
        const page = await fetcher.fetch(listingUrl, { ...fetchOpts, delayMs: cityDelay });
        c.listingPages++;
        if (page.notModified) c.notModified++;
        try {
          cards = source.parseListing(page.html, { city, url: source.listingUrl(city), now });
        } catch (e) {
          c.parseErrors++; c.errors++; result.ok = false; result.error = (e as Error).message;
        }
      } catch (e) {
        if (job.signal.aborted) throw e;
        if (signal.aborted) { timedOut = true; break; }
        c.errors++; result.ok = false; result.error = (e as Error).message;
        // a 404 listing means "no programme page for this city" on several sites: not a failure
        if (!(e instanceof FetchError && e.status === 404)) { listingFailures++; countFailure(c, e); } else { result.ok = true; c.listingPages++; }
      }
      if (result.error) { lastError = `${city.nom}: ${result.error}`; await job.log(result.ok ? 'info' : 'warn', `${source.key} ${city.nom}: listing ${result.error}`, { code: result.ok ? 'listingNone' : 'listingFailed', source: source.name, city: city.nom, error: result.error }); }

      for (const card of cards) {
        if (signal.aborted) break;
        if (seen.has(card.idExterne)) continue; // on two city listings (border): stored once
        seen.add(card.idExterne);
        c.found++;
        const ooz = outOfZone(card, null, city, table);
        if (ooz !== false) { c.skipped++; if (p.verbose) await job.log('debug', `${source.key} ${card.name}: out of zone (${ooz ?? 'unknown'})`, { code: 'outOfZone', source: source.name, name: card.name, zone: ooz ?? '?' }); continue; }
        if (deliveryDecision(card.dateLivraison, now).delivered) { c.skipped++; continue; }
        const hash = cardHash(card);
        const stored = await store.get(source.key, card.idExterne);
        const fresh = stored && stored.card_hash === hash && stored.statut === 'disponible' && stored.detail_fetched_at
          && now.getTime() - new Date(stored.detail_fetched_at).getTime() < maxAgeMs;
        if (fresh) {
          c.unchanged++;
          await store.touch(stored.id, runId);
          const known = rowToProgramme(stored);
          if (dryRun) preview.push(known);
          // images skipped or failed earlier are fetched now (the downloader skips those stored)
          if (images && known.images.length) images.add({ programmeId: Number(stored.id), sourceApi: source.key, idExterne: known.idExterne, referer: map(known.urlExterne), urls: known.images.map(map) });
          continue;
        }
        let html: string;
        let url = card.urlExterne;
        try {
          const page = await fetcher.fetch(map(card.urlExterne), { ...fetchOpts, delayMs: detailDelay, referer: listingUrl });
          c.detailPages++;
          if (page.notModified) c.notModified++;
          html = page.html;
          url = page.url;
        } catch (e) {
          if (job.signal.aborted) throw e;
          if (signal.aborted) { timedOut = true; break; }
          c.errors++;
          countFailure(c, e);
          lastError = `${card.urlExterne}: ${(e as Error).message}`;
          await job.log('warn', `${source.key} ${card.name}: detail ${(e as Error).message}`, { code: 'detailFailed', source: source.name, name: card.name, error: (e as Error).message });
          if (stored) await store.touch(stored.id, runId); // still listed: not sold
          continue;
        }
        let programme: Programme;
        let detail: ProgrammeDetail;
        try {
          detail = await parseDetailOffThread(source, html, card, { city, url: card.urlExterne, now });
          programme = assembleProgramme(source, card, detail, city, table);
          if (detail.warnings?.length && p.verbose) await job.log('debug', `${source.key} ${card.name}: ${detail.warnings.join('; ')}`, { code: 'parseWarnings', source: source.name, name: card.name, warnings: detail.warnings.join(' ; ') });
        } catch (e) {
          c.errors++;
          if (e instanceof SourceParseError || e instanceof Error) c.parseErrors++;
          lastError = `${card.urlExterne}: ${(e as Error).message}`;
          await job.log('warn', `${source.key} ${card.name}: parse ${(e as Error).message}`, { code: 'parseFailed', source: source.name, name: card.name, error: (e as Error).message });
          if (stored) await store.touch(stored.id, runId);
          continue;
        }
        if (deliveryDecision(programme.dateLivraison, now).delivered || outOfZone(card, detail, city, table) !== false) {
          c.skipped++;
          continue;
        }
        const res = await store.upsert(programme, { cardHash: hash, runId, listingCity: city.codeInsee, sansImage: programme.images.length === 0, existing: stored ?? null });
        c[res.action]++;
        if (p.verbose && res.action !== 'unchanged') await job.log('info', `${source.key} ${programme.name}: ${res.action}${res.action === 'updated' ? ` (${res.fields.join(', ')})` : ''}`, { code: `programme.${res.action}`, source: source.name, name: programme.name, fields: res.action === 'updated' ? res.fields.join(', ') : '' });
        if (dryRun) preview.push(programme);
        if (images && res.id && programme.images.length) images.add({ programmeId: res.id, sourceApi: source.key, idExterne: programme.idExterne, referer: map(programme.urlExterne), urls: programme.images.map(map) });
      }
      // interrupted inside this city: it is not recorded as done (a resumed job redoes it, cheaply)
      if (job.signal.aborted) throw job.signal.reason ?? new Error('cancelled');
      if (signal.aborted) { timedOut = true; break; }
      site.cities[city.codeInsee] = result;
      add(counters, c);
      add(total, c);
      citiesDone++;
      await saveCheckpoint();
      await db.updateTable('source_runs').set({ counters: JSON.stringify(counters), cities: JSON.stringify(site.cities), last_error: lastError })
        .where('run_id', '=', runId).where('source', '=', source.key).execute();
      await progress(`${source.name} · ${city.nom} (${ci + 1}/${cities.length}): ${c.found} found`, { code: 'progress.city', source: source.name, city: city.nom, index: ci + 1, cities: cities.length, found: c.found });
      await job.log(c.pagesFailed ? 'warn' : 'info', `${source.key} ${city.nom}: ${c.found} found, ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.errors} errors (${c.detailPages} detail pages, ${c.pagesFailed} failed)`, { code: 'city', source: source.name, city: city.nom, ...c });
    }
    if (job.signal.aborted) throw job.signal.reason ?? new Error('cancelled');

    // ---- health verdict: only a complete and healthy run may mark programmes sold
    const done = Object.values(site.cities);
    const complete = !timedOut && done.length === cities.length && listingFailures === 0 && done.every((r) => r.ok);
    let reason: string | null = null;
    // the same reason as a code and numbers: the run page words it in French or English
    let reasonDetail: SourceReasonDetail | null = null;
    if (timedOut) { reason = `timed out after ${settings.sourceTimeoutMs / 60000} min`; reasonDetail = { code: 'timedOut', minutes: settings.sourceTimeoutMs / 60000 }; }
    else if (!complete) { const n = done.filter((r) => !r.ok).length; reason = `incomplete: ${n} listing page(s) failed`; reasonDetail = { code: 'incomplete', n }; }
    else if (counters.parseErrors > 0) { reason = `${counters.parseErrors} parse error(s)`; reasonDetail = { code: 'parseErrors', n: counters.parseErrors }; }
    if (!reason) {
      // compare with the last healthy run of this source over the same cities
      const last = await db.selectFrom('source_runs').innerJoin('runs', 'runs.id', 'source_runs.run_id')
        .select(['source_runs.cities', 'source_runs.run_id']).where('source_runs.source', '=', source.key).where('source_runs.healthy', '=', true)
        .where('runs.dry_run', '=', false).where('source_runs.run_id', '!=', runId).orderBy('source_runs.finished_at', 'desc').executeTakeFirst();
      if (last) {
        const lastCities = (typeof last.cities === 'string' ? JSON.parse(last.cities) : last.cities) as Record<string, CityResult>;
        let before = 0;
        let nowFound = 0;
        for (const r of done) if (lastCities[r.city]) { before += lastCities[r.city].counters.found; nowFound += r.counters.found; }
        if (before > 0 && nowFound < before * (1 - settings.dropThreshold)) {
          reason = `abnormal drop: ${nowFound} programmes found vs ${before} in the last healthy run (> ${Math.round(settings.dropThreshold * 100)} % fewer)`;
          reasonDetail = { code: 'drop', now: nowFound, before, pct: Math.round(settings.dropThreshold * 100) };
        }
      }
    }
    const healthy = complete && !reason;
    let sold = 0;
    if (healthy) {
      const gone = await store.unseen(source.key, runId, cities.map((c) => c.codeInsee), dryRun ? seen : undefined);
      await store.markSold(gone.map((g) => g.id));
      sold = gone.length;
      counters.sold += sold;
      total.sold += sold;
      if (sold) await job.log('info', `${source.key}: ${sold} programme(s) no longer listed → ${dryRun ? 'would be ' : ''}marked sold`, { code: dryRun ? 'wouldMarkSold' : 'markedSold', source: source.name, n: sold });
    } else {
      const alert: Alert = { runId, source: source.key, level: 'warning', message: `${source.name}: ${reason} — nothing marked sold`, details: { counters, lastError, code: 'not_marked_sold', source: source.name, reason } };
      alerts.push(alert);
      await job.log('warn', alert.message, { code: 'alert', alert: { code: `alert.${alert.details!.code}`, params: alert.details as Record<string, string | number> } });
    }
    const pages = counters.listingPages + counters.detailPages + counters.errors;
    if (pages > 0 && counters.errors / pages > settings.errorAlertRate) {
      alerts.push({ runId, source: source.key, level: 'warning', message: `${source.name}: ${counters.errors} errors for ${pages} pages (> ${Math.round(settings.errorAlertRate * 100)} %)`, details: { counters, lastError, code: 'error_rate', source: source.name, errors: counters.errors, pages, limit: Math.round(settings.errorAlertRate * 100) } });
    }
    site.done = true;
    await saveCheckpoint();
    await db.updateTable('source_runs').set({
      finished_at: new Date(), complete, healthy, reason, reason_detail: reasonDetail ? JSON.stringify(reasonDetail) : null, counters: JSON.stringify(counters), last_error: lastError,
    }).where('run_id', '=', runId).where('source', '=', source.key).execute();
    const pagesOk = counters.listingPages + counters.detailPages + counters.sitemapPages;
    const srcStatus: RunStatus = pagesOk === 0 && (counters.pagesFailed > 0 || counters.found === 0 && listingFailures > 0) ? 'failed'
      : counters.pagesFailed > 0 || counters.parseErrors > 0 || !complete ? 'partial' : 'ok';
    return {
      source: source.key, name: source.name, status: srcStatus, cities: cities.length, complete, healthy,
      reason: srcStatus === 'failed' && lastError ? `${reason ?? 'failed'} — ${lastError}` : reason, counters,
      politenessMs: Math.round(fetcher.pacer.drawnMs), backoffMs: Math.round(fetcher.pacer.backoffMs), wallMs: Date.now() - t0, requests: fetcher.stats.requests,
    };
  }

  let reports: SourceReport[];
  try {
    await progress(`${sources.length} source(s) × ${cities.length} city(ies)`, { code: 'progress.start', sources: sources.length, cities: cities.length });
    // different sites in parallel; each site strictly serial inside crawlSource
    const settled = await Promise.allSettled(sources.map((s) => crawlSource(s)));
    if (job.signal.aborted) throw job.signal.reason ?? new Error('cancelled');
    reports = settled.map((r, i) => {
      if (r.status === 'fulfilled') return r.value;
      const msg = (r.reason as Error)?.message ?? String(r.reason);
      alerts.push({ runId, source: sources[i].key, level: 'error', message: `${sources[i].name}: crawl failed: ${msg}`, details: { code: 'crawl_failed', source: sources[i].name, error: msg } });
      total.errors++;
      return { source: sources[i].key, name: sources[i].name, status: 'failed' as const, cities: cities.length, complete: false, healthy: false, reason: msg, counters: zero(), politenessMs: 0, backoffMs: 0, wallMs: 0, requests: 0 };
    });
    await images?.drain();
  } finally {
    await (browser as BrowserEngine | null)?.close();
  }

  // ---- EspoCRM sink (optional)
  let crm: ScrapeResult['crm'];
  if (settings.espo.url) {
    crm = { created: 0, updated: 0, unchanged: 0, errors: 0, sold: 0, dryRun, images: { uploaded: 0, reused: 0, wouldUpload: 0, errors: 0 } };
    await progress('EspoCRM', { code: 'progress.crm' });
    const apiKey = await espoApiKey(core, settings);
    if (!apiKey) {
      crm.error = 'PROMOTEURS_ESPOCRM_URL is set but no API key: `atelier promoteurs espocrm set-key`';
      alerts.push({ runId, source: null, level: 'error', message: `EspoCRM: ${crm.error}`, details: { code: 'crm_failed', error: crm.error ?? '' } });
    } else {
      const sink = new EspoCrmSink({ http: core.http, url: settings.espo.url, apiKey, minIntervalMs: settings.espo.minIntervalMs, dryRun, allowPrivate, signal: job.signal });
      const attachments = new EspoImages({ db: core.db, files: core.files, sink, espoUrl: settings.espo.url, dryRun });
      try {
        await sink.check();
        const keys = sources.map((s) => s.key);
        const todo: { p: Programme; id: number | null; espoId: string | null; hash: string | null; sold: boolean }[] = [];
        if (dryRun) {
          for (const prog of preview) todo.push({ p: prog, id: null, espoId: null, hash: null, sold: false });
        } else {
          const rows = await db.selectFrom('programmes').selectAll().where('source_api', 'in', keys)
            .where((eb) => eb.or([eb('espo_hash', 'is', null), eb('espo_hash', '!=', eb.ref('content_hash'))])).execute();
          for (const r of rows as any[]) todo.push({ p: rowToProgramme(r), id: Number(r.id), espoId: r.espo_id, hash: r.content_hash, sold: r.statut === 'vendu' });
          // already pushed with this exact content: counted unchanged without a CRM request
          const inSync = await db.selectFrom('programmes').select((eb) => eb.fn.countAll().as('n')).where('source_api', 'in', keys)
            .whereRef('espo_hash', '=', 'content_hash').executeTakeFirst();
          crm.unchanged += Number(inSync?.n ?? 0);
        }
        for (const [i, t] of todo.entries()) {
          if (job.signal.aborted) break;
          try {
            const citySlug = cities.find((c) => c.codeInsee === t.p.codeInsee)?.slug ?? null;
            // stored images → attachment ids (uploaded once per content); a failed upload leaves that image out
            const m = t.id !== null ? await attachments.forProgramme(t.id, t.p.idExterne) : null;
            if (m) {
              crm.images.uploaded += m.uploaded; crm.images.reused += m.reused; crm.images.wouldUpload += m.wouldUpload; crm.images.errors += m.errors.length;
              for (const err of m.errors) await job.log('warn', `EspoCRM ${t.p.sourceApi}/${t.p.idExterne}: image not sent: ${err}`, { code: 'crmImageFailed', name: t.p.name, error: err });
            }
            const r = await sink.push(t.p, t.espoId, citySlug, m?.media);
            crm[r.action]++;
            if (t.sold && r.action !== 'unchanged') crm.sold++;
            // an image left out keeps the programme out of sync (espo_hash unset): the next run tries it again
            const imageError = m?.errors.length ? `${m.errors.length} image(s) not sent: ${m.errors[0]}` : null;
            if (t.id !== null && !dryRun) await db.updateTable('programmes').set({ espo_id: r.id, espo_hash: imageError ? null : t.hash, espo_synced_at: new Date(), espo_error: imageError }).where('id', '=', t.id).execute();
          } catch (e) {
            if (e instanceof EspoError && e.status === 401) throw e;
            crm.errors++;
            if (t.id !== null && !dryRun) await db.updateTable('programmes').set({ espo_error: (e as Error).message }).where('id', '=', t.id).execute();
            await job.log('warn', `EspoCRM ${t.p.sourceApi}/${t.p.idExterne}: ${(e as Error).message}`, { code: 'crmItemFailed', source: t.p.sourceApi, id: t.p.idExterne, error: (e as Error).message });
          }
          if (i % 25 === 0) await progress(`EspoCRM ${i + 1}/${todo.length}`, { code: 'progress.crmItems', index: i + 1, total: todo.length });
        }
        if (crm.errors > 0 && crm.errors / Math.max(1, todo.length) > settings.errorAlertRate) {
          alerts.push({ runId, source: null, level: 'warning', message: `EspoCRM: ${crm.errors} of ${todo.length} programmes failed`, details: { code: 'crm_partial', errors: crm.errors, total: todo.length } });
        }
      } catch (e) {
        crm.error = (e as Error).message;
        alerts.push({ runId, source: null, level: 'error', message: `EspoCRM sink failed: ${crm.error}`, details: { code: 'crm_failed', error: crm.error ?? '' } });
        await job.log('error', `EspoCRM: ${crm.error}`, { code: 'crmFailed', error: crm.error ?? '' });
      }
    }
  }

  if (dryRun) await job.artifact('preview.json', JSON.stringify({ programmes: preview }), 'application/json');
  // ---- the run's honest outcome
  const { status, reason, detail: outcome } = runOutcome(reports, total);
  const result: ScrapeResult = {
    status, reason, outcome, skippedSources,
    dryRun, counters: total, sources: reports, crm, images: images?.stats, alerts, unknownCities, durationMs: Date.now() - started,
  };
  if (status === 'failed') alerts.push({ runId, source: null, level: 'error', message: `run failed: ${reason}`, details: { code: 'run_failed', reason: reason ?? '' } });
  if (!dryRun) for (const a of alerts) await sendAlert(core, settings, a).catch((e) => core.log.warn({ err: (e as Error).message }, 'promoteurs: alert failed'));
  await db.updateTable('runs').set({ status: status === 'ok' ? 'completed' : status, finished_at: new Date(), counters: JSON.stringify(total), error: reason }).where('id', '=', runId).execute();
  if (status === 'failed') {
    await job.progress(null, { ...total }, `failed: ${reason}`, { code: 'progress.failed', reason: reason ?? '' });
    throw new JobFailedError(reason ?? 'every page failed', result);
  }
  await job.progress(100, { ...total }, `${status === 'partial' ? 'done with errors' : 'done'}: ${total.created} created, ${total.updated} updated, ${total.unchanged} unchanged, ${total.sold} sold${total.pagesFailed ? `, ${total.pagesFailed} failed pages` : ''}`,
    { code: status === 'partial' ? 'progress.partial' : 'progress.done', created: total.created, updated: total.updated, unchanged: total.unchanged, sold: total.sold, pagesFailed: total.pagesFailed });
  return result;
}

/**
 * failed: no page at all could be fetched (every source failed); partial: some pages or sources failed;
 * ok otherwise. The reason names the dominant cause — a network error is never called a robots.txt refusal.
 */
/** The same verdict as data, for the UI to say in the user's language (the reason string is English). */
export interface RunOutcomeDetail {
  status: Exclude<RunStatus, 'ok'>;
  pagesFailed: number;
  /** sources that did not end ok */
  sources: number;
  networkErrors: number;
  httpErrors: number;
  robotsBlocked: number;
  parseErrors: number;
  /** the first failing source's own reason (technical, as the server saw it) */
  first: string | null;
}

export function runOutcome(reports: SourceReport[], total: Counters): { status: RunStatus; reason: string | null; detail: RunOutcomeDetail | null } {
  const pagesOk = total.listingPages + total.detailPages + total.sitemapPages;
  const failing = reports.filter((r) => r.status !== 'ok');
  const causes = [
    [total.networkErrors, `${total.networkErrors} network error(s)`],
    [total.httpErrors, `${total.httpErrors} HTTP error(s)`],
    [total.robotsBlocked, `${total.robotsBlocked} page(s) disallowed by robots.txt`],
    [total.parseErrors, `${total.parseErrors} parse error(s)`],
  ].filter(([n]) => (n as number) > 0).map(([, t]) => t as string);
  const firstReason = failing.map((r) => r.reason).find(Boolean);
  const detail = (status: RunOutcomeDetail['status']): RunOutcomeDetail => ({
    status, pagesFailed: total.pagesFailed, sources: failing.length, networkErrors: total.networkErrors, httpErrors: total.httpErrors,
    robotsBlocked: total.robotsBlocked, parseErrors: total.parseErrors, first: firstReason ?? null,
  });
  if (reports.length && pagesOk === 0 && reports.every((r) => r.status === 'failed')) {
    return { status: 'failed', reason: `every page failed${causes.length ? `: ${causes.join(', ')}` : ''}${firstReason ? ` — ${firstReason}` : ''}`, detail: detail('failed') };
  }
  if (failing.length || total.pagesFailed > 0) {
    return { status: 'partial', reason: `${total.pagesFailed} page(s) failed in ${failing.length} source(s)${causes.length ? ` (${causes.join(', ')})` : ''}`, detail: detail('partial') };
  }
  return { status: 'ok', reason: null, detail: null };
}

/** Called when a scrape job fails for good: record it and alert. */
export async function onScrapeFailure(core: CoreContext, runId: string, error: Error, dryRun: boolean): Promise<void> {
  const settings = readSettings(core.config);
  await core.db.withSchema('promoteurs').updateTable('runs').set({ status: 'failed', finished_at: new Date(), error: error.message }).where('id', '=', runId).execute().catch(() => {});
  if (!dryRun) await sendAlert(core, settings, { runId, source: null, level: 'error', message: `scrape run failed: ${error.message}`, details: { code: 'run_failed', reason: error.message } }).catch(() => {});
}
