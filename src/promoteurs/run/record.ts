// `atelier promoteurs record <source> --city X [--max N]`: fetches a city's listing page (or the
// source's sitemaps) and up to N programme pages, politely (robots.txt, User-Agent, pacing, retries),
// and saves them into a fixtures folder with a manifest: URL, date, status, content type, robots.txt
// decision, size and hash of every page. `recordTest(folder)` then turns the folder into a test with
// the values the parser reads today, for a person to review (docs/promoteurs-sources.md).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { City, ProgrammeCard, Source } from '../types.ts';
import type { SiteFetcher, FetchedPage } from '../crawl/fetcher.ts';
import { programmesByCity, readSitemaps } from '../crawl/sitemap.ts';
import { tryParse } from '../sources/try.ts';
import { slugify } from '../parse/text.ts';

export interface RecordedPage {
  file: string | null;
  level: 'listing' | 'sitemap' | 'detail';
  /** the page's URL on the developer's site */
  url: string;
  /** where it was actually fetched from (differs when PROMOTEURS_SOURCE_URLS mirrors the site) */
  fetchedUrl: string;
  fetchedAt: string;
  status: number | null;
  contentType: string | null;
  robots: 'allowed' | 'disallowed' | 'not checked';
  bytes: number;
  sha256: string | null;
  error?: string;
}

export interface RecordManifest {
  source: string;
  name: string;
  baseUrl: string;
  /** the origin the pages came from: the real site's, or a mirror (then the folder proves nothing about the real site) */
  fetchedFrom: string;
  real: boolean;
  city: { nom: string; codeInsee: string; codePostal: string };
  recordedAt: string;
  userAgent: string;
  robots: string;
  pages: RecordedPage[];
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

export async function recordSource(o: {
  source: Source; city: City; max: number; outDir: string; fetcher: SiteFetcher; map: (u: string) => string; userAgent: string; robotsChecked: boolean;
  onPage?: (p: RecordedPage) => void;
}): Promise<RecordManifest> {
  const { source, city, fetcher, map } = o;
  fs.mkdirSync(o.outDir, { recursive: true });
  const origin = new URL(source.baseUrl).origin;
  const fetchedFrom = new URL(map(source.baseUrl)).origin;
  const robots = await fetcher.robotsRules();
  const pages: RecordedPage[] = [];
  let n = 0;
  const save = async (url: string, level: RecordedPage['level'], name: string): Promise<FetchedPage | null> => {
    const fetchedUrl = map(url);
    const base: RecordedPage = { file: null, level, url, fetchedUrl, fetchedAt: new Date().toISOString(), status: null, contentType: null, robots: o.robotsChecked ? (robots.allowed(fetchedUrl) ? 'allowed' : 'disallowed') : 'not checked', bytes: 0, sha256: null };
    try {
      const page = await fetcher.fetch(fetchedUrl, { engine: source.fetch.engine, timeoutMs: source.fetch.timeoutMs, waitForMs: source.fetch.waitForMs, delayMs: level === 'detail' ? source.politeness.delayBetweenDetailsSec * 1000 : source.politeness.delayBetweenCitiesSec * 1000, jitter: source.politeness.jitter });
      const gz = page.body.length > 2 && page.body[0] === 0x1f && page.body[1] === 0x8b;
      const ext = level === 'sitemap' ? (gz ? '.xml.gz' : /text\/plain/.test(page.contentType) ? '.txt' : '.xml') : '.html';
      const file = `${String(++n).padStart(3, '0')}-${level}-${name}${ext}`.replace(/[^A-Za-z0-9._-]/g, '_');
      fs.writeFileSync(path.join(o.outDir, file), page.body);
      const rec = { ...base, file, status: page.status, contentType: page.contentType || null, bytes: page.body.length, sha256: sha(page.body) };
      pages.push(rec);
      o.onPage?.(rec);
      return page;
    } catch (e) {
      const rec = { ...base, status: (e as { status?: number | null }).status ?? null, error: (e as Error).message };
      pages.push(rec);
      o.onPage?.(rec);
      return null;
    }
  };

  let cards: ProgrammeCard[] = [];
  if (source.discovery.kind === 'sitemap') {
    const d = source.discovery;
    const starts = d.sitemaps.map((x) => new URL(x, `${source.baseUrl}/`).toString());
    const res = await readSitemaps(starts, async (u) => {
      const page = await save(u, 'sitemap', slugify(new URL(u).pathname) || 'sitemap');
      if (!page) throw new Error(`sitemap ${u} could not be fetched`);
      return page.body;
    }, (u) => u.startsWith(origin));
    cards = programmesByCity(res.entries, d.programmePattern, [city], source.key, (u) => u).byCity.get(city.codeInsee) ?? [];
  } else {
    const url = source.listingUrl(city);
    const page = await save(url, 'listing', city.slug);
    if (page) cards = source.parseListing(page.html, { city, url });
  }
  for (const card of cards.slice(0, Math.max(0, o.max))) {
    await save(card.urlExterne, 'detail', `${slugify(card.idExterne)}-${slugify(card.name).slice(0, 40)}`);
  }
  const manifest: RecordManifest = {
    source: source.key, name: source.name, baseUrl: source.baseUrl, fetchedFrom, real: fetchedFrom === origin,
    city: { nom: city.nom, codeInsee: city.codeInsee, codePostal: city.codePostal },
    recordedAt: new Date().toISOString(), userAgent: o.userAgent, robots: robots.note, pages,
  };
  fs.writeFileSync(path.join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

// ---------------------------------------------------------------------------------------------
// a recorded folder → expected values + a test file

export interface ExpectedFile {
  source: string;
  generatedAt: string;
  /** who checked the values against the real pages (in a browser), and when; null until someone did */
  reviewed: { by: string; date: string } | null;
  pages: Record<string, { level: 'listing' | 'detail'; url: string; expected: unknown }>;
}

/** What the test compares: the programme's key fields and every lot (listing: ids and names). */
export function expectedOf(source: Source, html: string, level: 'listing' | 'detail', url: string): unknown {
  if (level === 'listing') return { programmes: tryParse(source, html, 'listing', { url }).programmes.map((c) => ({ idExterne: c.idExterne, name: c.name })) };
  const r = tryParse(source, html, 'detail', { url });
  const p = r.programme;
  return {
    programme: { idExterne: p.idExterne, name: p.name, ville: p.ville, codePostal: p.codePostal, dateLivraison: p.dateLivraison, prixMin: p.prixMin, prixMax: p.prixMax, nbLotsDisponibles: p.nbLotsDisponibles, typesLots: p.typesLots },
    lots: r.lots.map((l) => ({ type: l.type, surface: l.surface, etage: l.etage, prix: l.prix, ...(l.prixTvaReduite != null ? { prixTvaReduite: l.prixTvaReduite } : {}), ...(l.numero ? { numero: l.numero } : {}) })),
  };
}

export function recordTest(source: Source, folder: string, testDir: string, repoRoot: string): { expectedFile: string; testFile: string; pages: number } {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as RecordManifest;
  if (manifest.source !== source.key) throw new Error(`${folder} was recorded for "${manifest.source}", not "${source.key}"`);
  const out: ExpectedFile = { source: source.key, generatedAt: new Date().toISOString(), reviewed: null, pages: {} };
  for (const p of manifest.pages) {
    if (!p.file || p.level === 'sitemap' || (p.status !== null && p.status >= 400)) continue;
    const html = fs.readFileSync(path.join(folder, p.file), 'utf8');
    out.pages[p.file] = { level: p.level, url: p.url, expected: expectedOf(source, html, p.level, p.url) };
  }
  const expectedFile = path.join(folder, 'expected.json');
  fs.writeFileSync(expectedFile, JSON.stringify(out, null, 2) + '\n');
  fs.mkdirSync(testDir, { recursive: true });
  const rel = path.relative(repoRoot, path.resolve(folder)).split(path.sep).join('/');
  const testFile = path.join(testDir, `${source.key}-${path.basename(path.resolve(folder))}.test.ts`);
  const helper = path.relative(testDir, path.join(repoRoot, 'test/promoteurs/sources/recorded-check.ts')).split(path.sep).join('/');
  fs.writeFileSync(testFile, `// Generated by \`atelier promoteurs record-test ${rel}\`: the pages recorded in that folder must still\n// give the values of its expected.json (review them against the real pages, then set "reviewed").\nimport { checkRecordedFolder } from '${helper.startsWith('.') ? helper : `./${helper}`}';\n\ncheckRecordedFolder('${rel}');\n`);
  return { expectedFile, testFile, pages: Object.keys(out.pages).length };
}
