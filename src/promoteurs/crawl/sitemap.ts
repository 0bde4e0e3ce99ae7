// Discovery by sitemap (sitemaps.org): sitemap indexes, gzip, plain-text sitemaps, then programme URLs
// selected by the source's pattern and placed in our city list by INSEE code, postcode or city slug.
// Sitemaps are hostile input: bounded in count, depth, entries and decompressed size (the protocol's
// own limits: 50,000 URLs and 50 MB per file), off-site entries ignored, XML read without entities.
import zlib from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import type { City, ProgrammeCard } from '../types.ts';
import { slugify } from '../parse/text.ts';

export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;
export const MAX_URLS_PER_SITEMAP = 50_000;

export interface SitemapEntry { url: string; lastmod?: string }
export interface ParsedSitemap { kind: 'index' | 'urlset' | 'text'; entries: SitemapEntry[] }

export class SitemapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SitemapError';
  }
}

/** gunzip with a cap on the output (a gzip bomb stops at maxBytes instead of filling memory) */
export function gunzipBounded(buf: Buffer, maxBytes = MAX_SITEMAP_BYTES): Buffer {
  try {
    return zlib.gunzipSync(buf, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|too large/i.test((e as Error).message)) {
      throw new SitemapError(`gzip sitemap larger than ${maxBytes} bytes once decompressed: refused`);
    }
    throw new SitemapError(`invalid gzip sitemap: ${(e as Error).message}`);
  }
}

const xml = new XMLParser({
  ignoreAttributes: true,
  processEntities: false, // no entity expansion (billion laughs): sitemap URLs use &amp; only, decoded below
  isArray: (name) => name === 'url' || name === 'sitemap',
  parseTagValue: false,
  removeNSPrefix: true,
});
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").trim();

export function parseSitemap(body: Buffer, url: string): ParsedSitemap {
  let data = body;
  if (data.length > 2 && data[0] === 0x1f && data[1] === 0x8b) data = gunzipBounded(data);
  if (data.length > MAX_SITEMAP_BYTES) throw new SitemapError(`sitemap ${url} larger than ${MAX_SITEMAP_BYTES} bytes: refused`);
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const head = text.slice(0, 2000);
  if (!/<(urlset|sitemapindex)\b/i.test(head) && !/^\s*</.test(text)) {
    // sitemap.txt: one absolute URL per line
    const entries = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^https?:\/\//i.test(l)).slice(0, MAX_URLS_PER_SITEMAP).map((u) => ({ url: u }));
    return { kind: 'text', entries };
  }
  let doc: any;
  try {
    doc = xml.parse(text);
  } catch (e) {
    throw new SitemapError(`sitemap ${url} is not valid XML: ${(e as Error).message}`);
  }
  const pick = (items: any[]): SitemapEntry[] => items.slice(0, MAX_URLS_PER_SITEMAP)
    .map((x) => ({ url: decode(String(x?.loc ?? '')), ...(x?.lastmod ? { lastmod: String(x.lastmod).trim() } : {}) }))
    .filter((e) => /^https?:\/\//i.test(e.url));
  if (doc?.sitemapindex) return { kind: 'index', entries: pick(doc.sitemapindex.sitemap ?? []) };
  if (doc?.urlset) return { kind: 'urlset', entries: pick(doc.urlset.url ?? []) };
  throw new SitemapError(`${url} is neither a urlset nor a sitemapindex`);
}

export interface ReadSitemapsResult { entries: SitemapEntry[]; sitemaps: string[]; problems: string[] }

/**
 * Reads the start sitemaps and follows indexes (depth ≤ 3, ≤ maxSitemaps files). `fetchBody` does the
 * polite, cached fetch; `sameSite` says whether a URL belongs to the source (others are ignored).
 * A start sitemap that cannot be read fails the discovery; a child that cannot be read is a problem
 * (reported, and the discovery counts as incomplete).
 */
export async function readSitemaps(
  starts: string[],
  fetchBody: (url: string) => Promise<Buffer>,
  sameSite: (url: string) => boolean,
  opts: { maxSitemaps?: number; maxUrls?: number } = {},
): Promise<ReadSitemapsResult> {
  const maxSitemaps = opts.maxSitemaps ?? 200;
  const maxUrls = opts.maxUrls ?? 500_000;
  const seen = new Set<string>();
  const entries: SitemapEntry[] = [];
  const problems: string[] = [];
  const queue: { url: string; depth: number; start: boolean }[] = starts.map((u) => ({ url: u, depth: 0, start: true }));
  while (queue.length) {
    const { url, depth, start } = queue.shift()!;
    if (seen.has(url)) continue;
    if (seen.size >= maxSitemaps) { problems.push(`more than ${maxSitemaps} sitemaps: the rest were not read`); break; }
    seen.add(url);
    let parsed: ParsedSitemap;
    try {
      parsed = parseSitemap(await fetchBody(url), url);
    } catch (e) {
      if (start && starts.length === 1) throw e;
      problems.push(`${url}: ${(e as Error).message}`);
      continue;
    }
    if (parsed.kind === 'index') {
      if (depth >= 3) { problems.push(`${url}: sitemap index nested deeper than 3 levels: ignored`); continue; }
      for (const e of parsed.entries) if (sameSite(e.url)) queue.push({ url: e.url, depth: depth + 1, start: false });
      continue;
    }
    for (const e of parsed.entries) {
      if (!sameSite(e.url)) continue;
      if (entries.length >= maxUrls) { problems.push(`more than ${maxUrls} URLs: the rest were ignored`); break; }
      entries.push(e);
    }
  }
  if (starts.length > 1 && seen.size > 0 && entries.length === 0 && problems.length >= starts.length) {
    throw new SitemapError(`no sitemap could be read: ${problems.join('; ')}`);
  }
  return { entries, sitemaps: [...seen], problems };
}

/** Does `city` match what the URL says of its place (INSEE code, postcode, city slug ± department)? */
export function cityMatches(city: City, g: Record<string, string | undefined>): boolean {
  if (g.insee) return g.insee === city.codeInsee || g.insee === city.commune?.codeInsee;
  if (g.cp) return g.cp === city.codePostal || (city.codesPostaux ?? []).includes(g.cp);
  if (g.ville) {
    if (g.dept && g.dept.toLowerCase() !== city.departement.toLowerCase() && slugify(g.dept) !== slugify(city.departementNom)) return false;
    const v = slugify(g.ville);
    const slugs = [city.slug, city.commune?.slug].filter(Boolean) as string[];
    // "lyon", "lyon-7e", "lyon-69007": the commune's slug, alone or followed by an arrondissement/postcode
    return slugs.some((s) => v === s || (v.startsWith(`${s}-`) && /^(\d+(e|er|eme)?|\d{5}|arrondissement.*)$/.test(v.slice(s.length + 1))));
  }
  return false;
}

/**
 * Programme URLs of the sitemaps, placed in the cities of the run: Map<codeInsee, cards>. Entries
 * matching the pattern but none of the cities are counted in `outside` (other cities, other zones).
 */
export function programmesByCity(
  entries: SitemapEntry[], pattern: string, cities: City[], sourceKey: string, toCanonical: (u: string) => string,
): { byCity: Map<string, ProgrammeCard[]>; matched: number; outside: number } {
  const re = new RegExp(pattern);
  const byCity = new Map<string, ProgrammeCard[]>();
  const taken = new Set<string>();
  let matched = 0;
  let outside = 0;
  for (const e of entries) {
    let u: URL;
    try { u = new URL(e.url); } catch { continue; }
    const m = re.exec(u.pathname + u.search);
    const id = m?.groups?.id;
    if (!m || !id) continue;
    if (taken.has(id)) continue;
    taken.add(id);
    matched++;
    const g = m.groups ?? {};
    const city = cities.find((c) => cityMatches(c, g));
    if (!city) { outside++; continue; }
    const slug = g.slug ?? u.pathname.split('/').filter(Boolean).pop() ?? id;
    const card: ProgrammeCard = {
      sourceApi: sourceKey, idExterne: id,
      // a name from the URL until the detail page gives the real one
      name: ((n) => n.charAt(0).toUpperCase() + n.slice(1))(slug.replace(/[-_]+/g, ' ').replace(/\s*\d+$/, '').trim()) || id,
      urlExterne: toCanonical(e.url),
      ...(g.cp ? { codePostal: g.cp } : {}),
      ville: city.commune?.nom ?? city.nom,
      ...(e.lastmod ? { lastmod: e.lastmod } : {}),
    };
    const list = byCity.get(city.codeInsee) ?? [];
    list.push(card);
    byCity.set(city.codeInsee, list);
  }
  return { byCity, matched, outside };
}
