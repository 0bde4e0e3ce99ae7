// The five metadata providers: what each one is asked (documented endpoints, spec/releases.md) and
// how its answer maps onto ReleaseMetadata fields. Transport, cache, quotas and failures are in
// enrich/index.ts; a provider only builds requests and reads answers.
import type { ReleaseMetadata } from '../metadata/types.ts';

export type ProviderName = 'openlibrary' | 'googlebooks' | 'tmdb' | 'tvdb' | 'omdb';
export const PROVIDERS: ProviderName[] = ['openlibrary', 'googlebooks', 'tvdb', 'tmdb', 'omdb'];

/** the fields enrichment may suggest */
export type Field = 'title' | 'author' | 'publisher' | 'year' | 'date' | 'language' | 'isbn' | 'pages' | 'description' | 'subjects'
  | 'show' | 'episodeTitle' | 'airDate' | 'network' | 'runtime' | 'rating';
export type Found = Partial<Record<Field, string | number | string[]>>;

export interface ProviderInfo {
  name: ProviderName;
  label: string;
  kind: 'book' | 'tv';
  /** 'optional': works without (Google Books, lower quota) */
  key: 'none' | 'optional' | 'required';
  /** TVDB subscription keys come with a PIN */
  pin?: boolean;
  base: string;
  docs: string;
  /** default merge precedence (lower first): TVDB > TMDb > OMDb, OpenLibrary > Google Books */
  priority: number;
  /** polite pacing per host (ctx.http): requests at once, minimum gap between two starts */
  rate: { concurrency: number; minIntervalMs: number };
  /** requests per UTC day, when the free plan has such a cap */
  dailyQuota?: number;
}

export const PROVIDER_INFO: Record<ProviderName, ProviderInfo> = {
  // OpenLibrary asks for an identifying User-Agent and about 1 request/s from scripts
  openlibrary: { name: 'openlibrary', label: 'Open Library', kind: 'book', key: 'none', base: 'https://openlibrary.org', docs: 'https://openlibrary.org/developers/api', priority: 10, rate: { concurrency: 1, minIntervalMs: 1000 } },
  googlebooks: { name: 'googlebooks', label: 'Google Books', kind: 'book', key: 'optional', base: 'https://www.googleapis.com', docs: 'https://developers.google.com/books/docs/v1/using', priority: 20, rate: { concurrency: 2, minIntervalMs: 250 } },
  tvdb: { name: 'tvdb', label: 'TheTVDB v4', kind: 'tv', key: 'required', pin: true, base: 'https://api4.thetvdb.com', docs: 'https://thetvdb.github.io/v4-api/', priority: 10, rate: { concurrency: 2, minIntervalMs: 100 } },
  // TMDb: about 40 requests per 10 s per IP (developer.themoviedb.org/docs/rate-limiting)
  tmdb: { name: 'tmdb', label: 'TMDb', kind: 'tv', key: 'required', base: 'https://api.themoviedb.org', docs: 'https://developer.themoviedb.org/reference/intro/getting-started', priority: 20, rate: { concurrency: 4, minIntervalMs: 250 } },
  omdb: { name: 'omdb', label: 'OMDb', kind: 'tv', key: 'required', base: 'https://www.omdbapi.com', docs: 'https://www.omdbapi.com/', priority: 30, rate: { concurrency: 1, minIntervalMs: 200 }, dailyQuota: 1000 },
};

/** what a provider needs from the transport: GET/POST JSON, with its status (404 is an answer, not a failure) */
export interface Fetcher {
  get(path: string, o?: { query?: Record<string, string | number | undefined>; auth?: 'bearer' }): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  key?: string;
  pin?: string;
  /** TVDB: the bearer token, kept between calls */
  token(): Promise<string>;
}

const na = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() && v !== 'N/A' ? v.trim() : undefined);
const yearOf = (d: unknown): number | undefined => {
  const m = /\b(1[5-9]\d\d|2[01]\d\d)\b/.exec(String(d ?? ''));
  return m ? Number(m[1]) : undefined;
};
const MONTHS: Record<string, string> = { jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12' };
/** OMDb's "21 Sep 2021" → 2021-09-21 */
function omdbDate(s: string | undefined): string | undefined {
  const m = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/.exec(s ?? '');
  return m && MONTHS[m[2].toLowerCase()] ? `${m[3]}-${MONTHS[m[2].toLowerCase()]}-${m[1].padStart(2, '0')}` : undefined;
}
// MARC language codes OpenLibrary uses (/languages/fre) → ISO 639-1
const MARC: Record<string, string> = { eng: 'en', fre: 'fr', fra: 'fr', ger: 'de', deu: 'de', spa: 'es', ita: 'it', por: 'pt', dut: 'nl', nld: 'nl', rus: 'ru', jpn: 'ja', chi: 'zh', zho: 'zh', kor: 'ko', ara: 'ar', heb: 'he', hin: 'hi', san: 'sa', gre: 'el', ell: 'el', pol: 'pl', swe: 'sv', dan: 'da', nor: 'no', fin: 'fi', tur: 'tr', cze: 'cs', ces: 'cs' };
const cleanIsbn = (s: string | undefined) => (s ?? '').replace(/[^0-9Xx]/g, '').toUpperCase();
const simplify = (s: string | undefined) => (s ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** a search hit is only taken when its title is the one asked (not the first of any answer) */
function sameTitle(a: string | undefined, b: string | undefined): boolean {
  const x = simplify(a);
  const y = simplify(b);
  return !!x && !!y && (x === y || x.startsWith(y) || y.startsWith(x));
}

// ---- books -------------------------------------------------------------------------------------

async function openlibrary(f: Fetcher, md: ReleaseMetadata): Promise<Found | null> {
  const isbn = cleanIsbn(md.isbn);
  if (isbn) {
    const ed = await f.get(`/isbn/${isbn}.json`);
    if (ed.status === 200 && ed.body?.title) {
      const names: string[] = [];
      for (const a of (ed.body.authors ?? []).slice(0, 3)) {
        const key = typeof a?.key === 'string' && /^\/authors\/OL\d+A$/.test(a.key) ? a.key : null;
        if (!key) continue;
        const au = await f.get(`${key}.json`);
        if (au.status === 200 && na(au.body?.name)) names.push(au.body.name);
      }
      const lang = typeof ed.body.languages?.[0]?.key === 'string' ? MARC[ed.body.languages[0].key.split('/').pop()] : undefined;
      return {
        title: na(ed.body.title), author: names[0], publisher: na(ed.body.publishers?.[0]), year: yearOf(ed.body.publish_date),
        language: lang, isbn: na(ed.body.isbn_13?.[0]) ?? na(ed.body.isbn_10?.[0]),
        pages: Number.isInteger(ed.body.number_of_pages) ? ed.body.number_of_pages : undefined,
      };
    }
  }
  if (!md.title) return null;
  const s = await f.get('/search.json', { query: { title: md.title, author: md.author, limit: 5, fields: 'key,title,author_name,first_publish_year,publisher,isbn,language,number_of_pages_median' } });
  const doc = (s.body?.docs ?? []).find((d: any) => sameTitle(d.title, md.title));
  if (!doc) return null;
  return {
    title: na(doc.title), author: na(doc.author_name?.[0]), year: Number.isInteger(doc.first_publish_year) ? doc.first_publish_year : undefined,
    publisher: na(doc.publisher?.[0]), isbn: na(doc.isbn?.find((i: string) => i.length === 13) ?? doc.isbn?.[0]),
    pages: Number.isInteger(doc.number_of_pages_median) ? doc.number_of_pages_median : undefined,
  };
}

async function googlebooks(f: Fetcher, md: ReleaseMetadata): Promise<Found | null> {
  const isbn = cleanIsbn(md.isbn);
  const q = isbn ? `isbn:${isbn}` : md.title ? `intitle:"${md.title}"${md.author ? ` inauthor:"${md.author}"` : ''}` : null;
  if (!q) return null;
  const r = await f.get('/books/v1/volumes', { query: { q, maxResults: 5, key: f.key } });
  const items: any[] = r.body?.items ?? [];
  const v = (isbn ? items[0] : items.find((i) => sameTitle(i?.volumeInfo?.title, md.title)))?.volumeInfo;
  if (!v) return null;
  const ids: { type: string; identifier: string }[] = v.industryIdentifiers ?? [];
  return {
    title: na(v.title), author: na(v.authors?.[0]), publisher: na(v.publisher), year: yearOf(v.publishedDate), date: na(v.publishedDate),
    language: na(v.language)?.slice(0, 2).toLowerCase(), isbn: ids.find((i) => i.type === 'ISBN_13')?.identifier,
    pages: Number.isInteger(v.pageCount) && v.pageCount > 0 ? v.pageCount : undefined, description: na(v.description),
    subjects: Array.isArray(v.categories) ? v.categories.filter((c: unknown) => typeof c === 'string') : undefined,
  };
}

// ---- TV ----------------------------------------------------------------------------------------

async function tvdb(f: Fetcher, md: ReleaseMetadata): Promise<Found | null> {
  if (!md.show) return null;
  const s = await f.get('/v4/search', { query: { query: md.show, type: 'series', limit: 5 }, auth: 'bearer' });
  const hit = (s.body?.data ?? []).find((d: any) => sameTitle(d.name, md.show) || (d.aliases ?? []).some((a: string) => sameTitle(a, md.show)));
  if (!hit) return null;
  const out: Found = { show: na(hit.name), network: na(hit.network) };
  if (md.season !== undefined && md.episode !== undefined) {
    const e = await f.get(`/v4/series/${encodeURIComponent(String(hit.tvdb_id))}/episodes/default`, { query: { page: 0, season: md.season, episodeNumber: md.episode }, auth: 'bearer' });
    const ep = (e.body?.data?.episodes ?? []).find((x: any) => x.seasonNumber === md.season && x.number === md.episode);
    if (ep) Object.assign(out, { episodeTitle: na(ep.name), airDate: na(ep.aired), runtime: Number.isInteger(ep.runtime) ? ep.runtime : undefined });
  }
  // never TVDB's score as a rating (spec): it is a popularity count, not a mark out of 10
  return out;
}

async function tmdb(f: Fetcher, md: ReleaseMetadata): Promise<Found | null> {
  if (!md.show) return null;
  const s = await f.get('/3/search/tv', { query: { query: md.show } });
  const hit = (s.body?.results ?? []).find((r: any) => sameTitle(r.name, md.show) || sameTitle(r.original_name, md.show));
  if (!hit) return null;
  const out: Found = { show: na(hit.name) };
  const d = await f.get(`/3/tv/${Number(hit.id)}`);
  if (d.status === 200) out.network = na(d.body?.networks?.[0]?.name);
  if (md.season !== undefined && md.episode !== undefined) {
    const e = await f.get(`/3/tv/${Number(hit.id)}/season/${md.season}/episode/${md.episode}`);
    if (e.status === 200) {
      Object.assign(out, {
        episodeTitle: na(e.body.name), airDate: na(e.body.air_date), runtime: Number.isInteger(e.body.runtime) ? e.body.runtime : undefined,
        rating: typeof e.body.vote_average === 'number' && e.body.vote_count > 0 ? String(Math.round(e.body.vote_average * 10) / 10) : undefined,
      });
    }
  }
  return out;
}

async function omdb(f: Fetcher, md: ReleaseMetadata): Promise<Found | null> {
  if (!md.show || md.season === undefined || md.episode === undefined) return null;
  const r = await f.get('/', { query: { t: md.show, Season: md.season, Episode: md.episode, apikey: f.key } });
  if (r.body?.Response !== 'True') return null;
  const runtime = /^(\d+) min$/.exec(na(r.body.Runtime) ?? '')?.[1];
  return { episodeTitle: na(r.body.Title), airDate: omdbDate(na(r.body.Released)), runtime: runtime ? Number(runtime) : undefined, rating: na(r.body.imdbRating) };
}

export const LOOKUP: Record<ProviderName, (f: Fetcher, md: ReleaseMetadata) => Promise<Found | null>> = { openlibrary, googlebooks, tvdb, tmdb, omdb };

/** the cheapest documented request that proves the key works (the *Tester* button) */
export async function probe(name: ProviderName, f: Fetcher): Promise<void> {
  switch (name) {
    case 'openlibrary': await f.get('/search.json', { query: { q: 'the lord of the rings', limit: 1, fields: 'key' } }); return;
    case 'googlebooks': await f.get('/books/v1/volumes', { query: { q: 'isbn:9780140328721', maxResults: 1, key: f.key } }); return;
    case 'tvdb': await f.get('/v4/search', { query: { query: 'sample', type: 'series', limit: 1 }, auth: 'bearer' }); return;
    case 'tmdb': await f.get('/3/search/tv', { query: { query: 'sample' } }); return;
    case 'omdb': await f.get('/', { query: { t: 'Sample Show', apikey: f.key } }); return;
  }
}
