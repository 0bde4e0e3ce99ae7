// `atelier promoteurs …`: scrape, fetch (save a page as a fixture), try (selector lab), cities import,
// runs, stats, espocrm set-key. Human output by default, one JSON object with --json.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext, CoreContext } from '../core/module.ts';
import { CliError, EXIT } from '../core/cli-support.ts';
import { DataDirLockedError } from '../core/lock.ts';
import type { ScrapeResult } from './run/scrape.ts';
import { readSettings } from './settings.ts';
import { ESPO_KEY_NAME } from './run/espo-key.ts';

// Declaring the commands must stay cheap: `atelier promoteurs stats` should not load the parsers,
// the crawler, cheerio or the QuickJS sandbox. Each command loads the code it runs.
const sources = () => import('./sources/index.ts');
const settingsStore = () => import('./run/settings-store.ts');
const cityRules = () => import('./rules/cities.ts');
const scrape = () => import('./run/scrape.ts');

function out(cli: CliContext, json: unknown, human: string): void {
  if (cli.json()) process.stdout.write(JSON.stringify(json) + '\n');
  else if (human) console.log(human);
}

export function formatResult(r: ScrapeResult): string {
  const lines = [];
  if (r.skipped) return r.skipped;
  lines.push(`${r.dryRun ? 'DRY-RUN (nothing written) — ' : ''}${(r.durationMs / 1000).toFixed(1)} s`);
  lines.push('source        found created updated unchanged sold skipped errors  verdict');
  for (const s of r.sources) {
    const c = s.counters;
    lines.push(`${s.source.padEnd(13)} ${String(c.found).padStart(5)} ${String(c.created).padStart(7)} ${String(c.updated).padStart(7)} ${String(c.unchanged).padStart(9)} ${String(c.sold).padStart(4)} ${String(c.skipped).padStart(7)} ${String(c.errors).padStart(6)}  ${s.healthy ? 'ok' : `NOT HEALTHY: ${s.reason}`}`);
  }
  if (r.crm) lines.push(`EspoCRM${r.crm.dryRun ? ' (dry-run)' : ''}: ${r.crm.created} created, ${r.crm.updated} updated, ${r.crm.unchanged} unchanged, ${r.crm.errors} errors${r.crm.error ? ` — ${r.crm.error}` : ''}`);
  if (r.images) lines.push(`images: ${r.images.downloaded} downloaded, ${r.images.skipped} already stored, ${r.images.errors} errors`);
  for (const a of r.alerts) lines.push(`ALERT ${a.message}`);
  if (r.unknownCities.length) lines.push(`unknown cities: ${r.unknownCities.join(', ')}`);
  return lines.join('\n');
}

export function promoteursCli(group: Command, cli: CliContext, bind: (ctx: CoreContext) => void): void {
  const open = async (o?: { work?: boolean }) => {
    const ctx = await cli.open(o);
    bind(ctx);
    return ctx;
  };

  group.command('scrape')
    .description('scrape programmes (a job): listing per city, then detail pages; dry-run writes nothing')
    .option('--promoteurs <list>', 'source keys, comma-separated, or "all"', 'all')
    .option('--cities <list>', 'city names / postcodes / INSEE codes, comma-separated (default: every in-scope city)')
    .option('--dry-run', 'fetch and parse, report what would change, write nothing (no DB, no CRM, no images)')
    .option('--skip-images', 'do not download images')
    .option('--verbose', 'log every programme change and retry')
    .action(async (o) => {
      const { resolveSources } = await sources();
      try { resolveSources(o.promoteurs); } catch (e) { throw new CliError((e as Error).message, EXIT.usage, 'usage'); }
      const body = { promoteurs: o.promoteurs, cities: o.cities, dryRun: !!o.dryRun, skipImages: !!o.skipImages, verbose: !!o.verbose };
      let ctx: CoreContext;
      try {
        ctx = await open();
      } catch (e) {
        if (!(e instanceof DataDirLockedError && e.owner.kind === 'server')) throw e;
        // a server owns the data dir: start the run through its API and follow it there
        const { job } = await cli.api<{ job: { id: string; title: string } }>('POST', '/api/promoteurs/runs', body);
        if (!cli.json()) process.stderr.write(`job ${job.id}: ${job.title} (on the server)\n`);
        let done: any;
        for (;;) {
          done = (await cli.api<{ job: any }>('GET', `/api/jobs/${job.id}`)).job;
          if (['completed', 'failed', 'cancelled'].includes(done.status)) break;
          if (!cli.json()) process.stderr.write(`\r${Math.round(done.progress)} % ${Object.entries(done.counters ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}   `);
          await new Promise((r) => setTimeout(r, 1000));
        }
        if (!cli.json()) process.stderr.write('\n');
        const result = done.result as ScrapeResult | null;
        out(cli, { ok: done.status === 'completed', job: { id: done.id, status: done.status, error: done.error }, result }, result ? formatResult(result) : `job ${done.status}: ${done.error ?? ''}`);
        if (done.status !== 'completed') process.exitCode = EXIT.failed;
        return;
      }
      const { enqueueScrape } = await import('./routes.ts');
      const job = await enqueueScrape(ctx, body, null);
      if (!cli.json()) process.stderr.write(`job ${job.id}: ${job.title}\n`);
      const done = await cli.watch(ctx, job.id);
      const result = done.result as ScrapeResult | null;
      out(cli, { ok: done.status === 'completed', job: { id: done.id, status: done.status, error: done.error }, result }, result ? formatResult(result) : `job ${done.status}: ${done.error ?? ''}`);
      if (done.status !== 'completed') process.exitCode = EXIT.failed;
    });

  group.command('fetch <source> <url>')
    .description('fetch one page politely (robots.txt, User-Agent, retries) and save it as a fixture')
    .requiredOption('--save <file>', 'where to write the HTML')
    .option('--browser', 'render with chromium (for pages built by JavaScript)')
    .action(async (key: string, url: string, o) => {
      const { getSource, listSources } = await sources();
      const { SiteFetcher } = await import('./crawl/fetcher.ts');
      const { BrowserEngine } = await import('./crawl/browser.ts');
      const source = getSource(key);
      if (!source) throw new CliError(`unknown source "${key}" (known: ${listSources().map((s) => s.key).join(', ')})`, EXIT.usage, 'usage');
      const ctx = await open();
      const s = readSettings(ctx.config);
      let browser: InstanceType<typeof BrowserEngine> | null = null;
      const fetcher = new SiteFetcher(new URL(url).origin, {
        http: ctx.http, userAgent: ctx.http.userAgent, timeScale: s.timeScale, retryDelaysSec: s.retryDelaysSec, obeyRobots: s.robots,
        allowPrivate: ctx.config.http.allowPrivate, browser: async () => (browser ??= new BrowserEngine({ executablePath: s.browserPath, userAgent: ctx.http.userAgent })),
      });
      try {
        const page = await fetcher.fetch(url, { engine: o.browser ? 'browser' : source.fetch.engine, timeoutMs: source.fetch.timeoutMs, waitForMs: source.fetch.waitForMs });
        fs.mkdirSync(path.dirname(path.resolve(o.save)), { recursive: true });
        fs.writeFileSync(o.save, page.html);
        out(cli, { ok: true, url: page.url, status: page.status, bytes: Buffer.byteLength(page.html), file: path.resolve(o.save) }, `saved ${Buffer.byteLength(page.html)} bytes from ${page.url} → ${o.save}`);
      } catch (e) {
        throw new CliError((e as Error).message, EXIT.failed, (e as Error).name === 'RobotsDisallowedError' ? 'robots_disallowed' : 'fetch_failed');
      } finally {
        await (browser as InstanceType<typeof BrowserEngine> | null)?.close();
      }
    });

  group.command('try <source>')
    .description('selector lab: print what the source\'s parser extracts from a saved page')
    .requiredOption('--fixture <file>', 'an HTML file (saved with `fetch`)')
    .option('--level <level>', 'listing | detail', 'listing')
    .option('--url <url>', 'the URL the page came from (resolves relative links)')
    .option('--city <city>', 'the listing\'s city (name, postcode or INSEE code)')
    .option('--selectors', 'also show what each of the source\'s declared selectors matches (count and samples)')
    .option('--extractor <kind>', 'source (its own parser, default) | generic (the structured-data extractor alone; detail level)', 'source')
    .action(async (key: string, o) => {
      const { getSource, listSources } = await sources();
      const { probeSelectors, tryParse } = await import('./sources/try.ts');
      const { genericDetail } = await import('./parse/generic.ts');
      const { buildProgramme } = await import('./parse/programme.ts');
      const { cityLookup } = await cityRules();
      const source = getSource(key);
      if (!source) throw new CliError(`unknown source "${key}" (known: ${listSources().map((s) => s.key).join(', ')})`, EXIT.usage, 'usage');
      if (!['listing', 'detail'].includes(o.level)) throw new CliError('--level must be listing or detail', EXIT.usage, 'usage');
      if (!fs.existsSync(o.fixture)) throw new CliError(`no such file: ${o.fixture}`, EXIT.notFound, 'not_found');
      const html = fs.readFileSync(o.fixture, 'utf8');
      const city = o.city ? cityLookup(o.city) ?? undefined : undefined;
      if (!['source', 'generic'].includes(o.extractor)) throw new CliError('--extractor must be source or generic', EXIT.usage, 'usage');
      let r;
      try {
        if (o.extractor === 'generic' && o.level === 'detail') {
          // the generic extractor alone, same output shape as the source's parser ({programme, lots})
          const card = { sourceApi: source.key, idExterne: '', name: '', urlExterne: o.url ?? '' };
          const { evidence, ...detail } = genericDetail(html, card, { url: o.url }, { key: source.key, baseUrl: source.baseUrl, idPattern: source.idPattern });
          const { lotsDetails, ...programme } = buildProgramme(source, card, detail, { city });
          r = { programme, lots: lotsDetails };
          if (!cli.json()) console.error(`generic extractor: lots from ${evidence.lots ?? 'nowhere'}; programme from ${evidence.programme.join(', ') || 'nothing'}`);
        } else r = tryParse(source, html, o.level, { url: o.url, city });
      } catch (e) { throw new CliError((e as Error).message, EXIT.failed, 'parse_failed'); }
      const selectors = o.selectors ? probeSelectors(source, html, o.level) : undefined;
      if (cli.json()) return out(cli, selectors ? { ...r, selectors } : r, '');
      for (const p of selectors ?? []) console.log(`${p.count < 1 ? '✗' : '✓'} ${p.name.padEnd(16)} ${String(p.count).padStart(4)}  ${p.selector}${p.samples.length ? `\n    ${p.samples.join('\n    ')}` : ''}`);
      if (o.level === 'listing') {
        const progs = (r as any).programmes as any[];
        console.log(`${progs.length} programme(s)`);
        for (const p of progs) console.log(`- [${p.idExterne}] ${p.name} — ${p.localisation ?? p.ville ?? ''} — ${p.prixTexte ?? ''} — ${p.dateLivraison ?? ''}\n  ${p.urlExterne}`);
      } else {
        const { programme, lots } = r as any;
        console.log(`${programme.name} (${programme.ville ?? '?'} ${programme.codePostal ?? ''}, zone ${programme.zoneFiscale ?? '?'}) — livraison ${programme.dateLivraison ?? '?'}`);
        console.log(`${lots.length} lot(s), ${programme.prixMin ?? '?'}–${programme.prixMax ?? '?'} €, ${programme.surfaceMin ?? '?'}–${programme.surfaceMax ?? '?'} m², types ${programme.typesLots.join(', ')}`);
        for (const l of lots) console.log(`  ${l.type.padEnd(6)} ${String(l.surface ?? '?').padStart(6)} m²  ${String(l.etage ?? '').padEnd(6)} ${String(l.prix ?? '?').padStart(8)} €${l.prixTvaReduite ? ` (TVA réduite ${l.prixTvaReduite} €)` : ''}${l.numero ? `  n°${l.numero}` : ''}`);
      }
    });

  group.command('sources')
    .description('the developers: status (verified / unverified), discovery, extractor, on/off')
    .action(async () => {
      const { describeSource, listSources } = await sources();
      const { loadStored, sourceState } = await settingsStore();
      let stored = null;
      try { stored = await loadStored((await open({ work: false })).db); } catch { /* no data dir: defaults */ }
      const list = listSources().map((s) => {
        const d = describeSource(s);
        const st = stored ? sourceState(s, stored) : { enabled: s.verification.status === 'verified', reason: null };
        return { ...d, enabled: st.enabled };
      });
      out(cli, { sources: list }, [
        'key              status      discovery                         extractor  on   name',
        ...list.map((s) => `${s.key.padEnd(16)} ${s.status.padEnd(11)} ${s.discovery.slice(0, 33).padEnd(33)} ${s.extractor.padEnd(10)} ${s.enabled ? 'on ' : 'off'}  ${s.name}\n${' '.repeat(17)}${s.reason}`),
      ].join('\n'));
    });

  group.command('record <source>')
    .description('save the pages of a real site (listing or sitemaps, then programme pages) as fixtures, with a manifest')
    .requiredOption('--city <city>', 'city name, postcode or INSEE code')
    .option('--max <n>', 'programme pages to save', '3')
    .option('--out <dir>', 'folder (default test/fixtures/promoteurs/<source>/recorded-<date>-<city>)')
    .action(async (key: string, o) => {
      const { getSource, listSources } = await sources();
      const { cityLookup } = await cityRules();
      const { mirrorOf } = await scrape();
      const { SiteFetcher } = await import('./crawl/fetcher.ts');
      const { recordSource } = await import('./run/record.ts');
      const source = getSource(key);
      if (!source) throw new CliError(`unknown source "${key}" (known: ${listSources().map((s) => s.key).join(', ')})`, EXIT.usage, 'usage');
      const max = Number(o.max);
      if (!Number.isInteger(max) || max < 0 || max > 50) throw new CliError('--max must be an integer between 0 and 50', EXIT.usage, 'usage');
      const city = cityLookup(o.city);
      if (!city) throw new CliError(`unknown city "${o.city}"`, EXIT.usage, 'usage');
      const ctx = await open();
      const s = readSettings(ctx.config);
      const map = mirrorOf(source, s.sourceUrls[source.key]);
      const outDir = o.out ?? path.join('test/fixtures/promoteurs', source.key, `recorded-${new Date().toISOString().slice(0, 10)}-${city.slug}`);
      const fetcher = new SiteFetcher(map(source.baseUrl), {
        http: ctx.http, userAgent: ctx.http.userAgent, timeScale: s.timeScale, retryDelaysSec: s.retryDelaysSec, obeyRobots: s.robots, allowPrivate: ctx.config.http.allowPrivate,
      });
      const m = await recordSource({
        source, city, max, outDir, fetcher, map, userAgent: ctx.http.userAgent, robotsChecked: s.robots,
        onPage: (p) => { if (!cli.json()) process.stderr.write(`${p.file ? 'saved' : 'FAILED'} ${p.level} ${p.url}${p.error ? ` — ${p.error}` : ''}\n`); },
      });
      const saved = m.pages.filter((p) => p.file).length;
      const details = m.pages.filter((p) => p.file && p.level === 'detail').length;
      out(cli, { ok: saved > 0, folder: path.resolve(outDir), real: m.real, pages: m.pages }, [
        `${saved} page(s) saved in ${outDir} (${details} programme page(s)); manifest.json written`,
        m.real ? `next: atelier promoteurs record-test ${outDir}` : `fetched from ${m.fetchedFrom}, not from ${source.baseUrl}: these pages prove nothing about the real site`,
      ].join('\n'));
      if (saved === 0) process.exitCode = EXIT.failed;
    });

  group.command('record-test <folder>')
    .description('turn a recorded folder into a test: expected.json (to review) + a test file')
    .option('--test-dir <dir>', 'where the test file goes', 'test/promoteurs/sources/recorded')
    .action(async (folder: string, o) => {
      const mf = path.join(folder, 'manifest.json');
      if (!fs.existsSync(mf)) throw new CliError(`no manifest.json in ${folder} (record it with \`atelier promoteurs record\`)`, EXIT.notFound, 'not_found');
      const key = JSON.parse(fs.readFileSync(mf, 'utf8')).source as string;
      const { getSource } = await sources();
      const { recordTest } = await import('./run/record.ts');
      const source = getSource(key);
      if (!source) throw new CliError(`the folder was recorded for an unknown source "${key}"`, EXIT.usage, 'usage');
      const root = path.resolve(import.meta.dirname, '../..');
      let r;
      try { r = recordTest(source, folder, path.resolve(o.testDir), root); } catch (e) { throw new CliError((e as Error).message, EXIT.failed, 'parse_failed'); }
      out(cli, { ok: true, ...r }, [
        `${r.pages} page(s) → ${r.expectedFile} and ${r.testFile}`,
        'now: open each page in a browser, check the values of expected.json against it, fix the parser or the values,',
        'then set "reviewed": {"by": "<your name>", "date": "<today>"} and run the test.',
      ].join('\n'));
    });

  const cities = group.command('cities').description('cities of the zonage ABC');
  cities.command('import <csv>')
    .description('import the national "zonage ABC" CSV of data.gouv.fr (replaces the current list)')
    .action(async (file: string) => {
      if (!fs.existsSync(file)) throw new CliError(`no such file: ${file}`, EXIT.notFound, 'not_found');
      const data = fs.readFileSync(file);
      const { importCitiesCsv } = await import('./run/cities.ts');
      const ctx = await open();
      let r;
      try { r = await importCitiesCsv(ctx, data); } catch (e) { throw new CliError((e as Error).message, EXIT.usage, 'bad_csv'); }
      out(cli, { ok: true, ...r }, [
        `${r.imported} communes imported (${Object.entries(r.byZone).map(([z, n]) => `${z}: ${n}`).join(', ')}); ${r.inScope} in zones A bis/A/B1 will be crawled`,
        ...(r.errors.length ? [`${r.errors.length} line(s) rejected:`, ...r.errors.slice(0, 10).map((e) => `  ${e}`), ...(r.errors.length > 10 ? [`  … ${r.errors.length - 10} more`] : [])] : []),
      ].join('\n'));
    });
  cities.command('list')
    .description('cities that a scrape would visit (imported list, or the built-in default)')
    .action(async () => {
      const { citiesInScope, createZoneTable, defaultZoneTable, IN_SCOPE_ZONES } = await cityRules();
      const table = await cli.localOrApi(async (ctx) => { bind(ctx); return (await import('./run/cities.ts')).zoneTableFromDb(ctx); }, async () => {
        // the server's imported list, zone by zone (empty = the built-in default, as embedded)
        const rows: { code_insee: string; zone: string }[] = [];
        for (const zone of IN_SCOPE_ZONES) {
          const r = await cli.api<{ byZone: Record<string, number>; cities: { code_insee: string; zone: string }[] }>('GET', `/api/promoteurs/cities?zone=${zone}&limit=1000`);
          if (!Object.values(r.byZone).some((n) => n > 0)) return defaultZoneTable();
          if ((r.byZone[zone] ?? 0) > r.cities.length) throw new CliError(`zone ${zone} has ${r.byZone[zone]} cities, more than the API lists at once (1000)`, EXIT.failed, 'too_many');
          rows.push(...r.cities);
        }
        return createZoneTable(rows.map((c) => ({ codeInsee: c.code_insee, zone: c.zone as (typeof IN_SCOPE_ZONES)[number] })), 'csv');
      });
      const list = citiesInScope(table);
      out(cli, { ok: true, source: table.source, cities: list }, [`${list.length} cities (${table.source})`, ...list.map((c) => `${c.codeInsee} ${c.nom} ${c.codePostal} ${c.zone}`)].join('\n'));
    });

  group.command('stats')
    .description('per source: success rate, active programmes, last run')
    .action(async () => {
      const rows = await cli.localOrApi(async (ctx) => {
        bind(ctx);
        return ctx.db.withSchema('promoteurs').selectFrom('programmes').select(['source_api', 'statut']).select((eb) => eb.fn.countAll().as('n')).groupBy(['source_api', 'statut']).execute();
      }, async () => {
        // the server's per-source figures, in the same rows as embedded (programmes are 'disponible' or 'vendu')
        const r = await cli.api<{ sources: { source: string; active: number; sold: number }[] }>('GET', '/api/promoteurs/stats');
        return r.sources.flatMap((s) => [{ source_api: s.source, statut: 'disponible', n: s.active }, { source_api: s.source, statut: 'vendu', n: s.sold }]).filter((x) => x.n > 0);
      });
      out(cli, { ok: true, programmes: rows }, rows.map((r: any) => `${r.source_api}\t${r.statut}\t${r.n}`).join('\n') || 'no programme yet');
    });

  const espo = group.command('espocrm').description('EspoCRM sink');
  espo.command('set-key')
    .description('store the EspoCRM API key in the vault (read from stdin or --key)')
    .option('--key <key>', 'the API key (prefer stdin: it stays out of the shell history)')
    .action(async (o) => {
      const key = (o.key ?? fs.readFileSync(0, 'utf8')).trim();
      if (!key || /\s/.test(key)) throw new CliError('give the API key with --key or on stdin', EXIT.usage, 'usage');
      const ctx = await open();
      await ctx.vault.set(ESPO_KEY_NAME, key);
      out(cli, { ok: true }, 'EspoCRM API key stored in the vault');
    });
}
