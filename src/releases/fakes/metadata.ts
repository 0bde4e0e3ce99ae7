// In-process fakes of the five metadata APIs the enrichment step calls, in ONE place, on one
// loopback HTTP server (each API under its own path prefix, so a provider's base URL points at
// `<fake>/openlibrary`, `<fake>/googlebooks`, …). Tests and the e2e use it; nothing else does.
//
// Every response body below is shaped after the API's public documentation, cited per fixture. The
// values are ours (a few real books and one made-up show); the field names, nesting and types are
// the documented ones. Failures are the documented ones too:
//   - OpenLibrary: 404 `{"error":"notfound","key":"/isbn/…"}` for an unknown ISBN; /isbn/{isbn}.json
//     answers with a 302 to the edition's /books/{olid}.json (https://openlibrary.org/dev/docs/api/books).
//   - Google Books: errors as `{"error":{"code","message","errors":[…],"status"}}`; a bad key is 400
//     "API key not valid" (INVALID_ARGUMENT), over quota 429 RESOURCE_EXHAUSTED
//     (https://developers.google.com/books/docs/v1/using, Google API error model).
//   - TMDb v3: 401 `{"success":false,"status_code":7,"status_message":"Invalid API key: You must be
//     granted a valid key."}`, 429 status_code 25 with Retry-After
//     (https://developer.themoviedb.org/docs/errors, /docs/rate-limiting).
//   - TVDB v4: POST /login → `{"status":"success","data":{"token":"…"}}`; 401
//     `{"status":"failure","message":"InvalidAPIKey: apikey invalid","data":null}`; an expired or
//     unknown token on other routes → 401 `{"message":"Unauthorized"}`
//     (https://thetvdb.github.io/v4-api/swagger.yml).
//   - OMDb: HTTP 401 with `{"Response":"False","Error":"Invalid API key!"}` or "Request limit
//     reached!"; a miss is 200 `{"Response":"False","Error":"Series or episode not found!"}`; absent
//     values are the string "N/A" (https://www.omdbapi.com/).
// Any API can be told to fail like a real one: `fail(api, {status, times, retryAfter})`, `hang(api)`
// (no answer: the client's timeout fires), and `down` by closing the server.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type FakeApi = 'openlibrary' | 'googlebooks' | 'tmdb' | 'tvdb' | 'omdb';

export interface FakeMetadataApis {
  url: string;
  /** base URL to configure for a provider: `${url}/${api}` */
  base(api: FakeApi): string;
  keys: { googlebooks: string; tmdb: string; tvdb: string; omdb: string };
  /** every request seen, key parameters redacted */
  requests: { api: FakeApi; method: string; path: string; status: number }[];
  /** the next `times` requests to `api` answer `status` (429 with Retry-After when given) */
  fail(api: FakeApi, o: { status: number; times?: number; retryAfter?: number }): void;
  /** requests to `api` never get an answer until `release()` */
  hang(api: FakeApi): () => void;
  /** TVDB: forget issued tokens (as if they had expired): the next call gets a 401 and must log in again */
  expireTokens(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// OpenLibrary — https://openlibrary.org/dev/docs/api/books (ISBN API: /isbn/{isbn}.json is the
// edition record: title, authors [{key}], publishers [], publish_date, number_of_pages, isbn_13 [],
// languages [{key:"/languages/fre"}], works [{key}], key) and /authors/{olid}.json ({name, key, …});
// https://openlibrary.org/dev/docs/api/search (search.json: {start, num_found, docs:[{key, title,
// author_name [], first_publish_year, isbn [], publisher [], language [], number_of_pages_median}]}).
const OL_EDITIONS: Record<string, Record<string, unknown>> = {
  OL24383456M: {
    key: '/books/OL24383456M', title: 'Le Rouge et le Noir', subtitle: 'Chronique de 1830',
    authors: [{ key: '/authors/OL109207A' }], publishers: ['Gallimard'], publish_date: '2000',
    number_of_pages: 576, isbn_13: ['9782070413454'], isbn_10: ['2070413454'], languages: [{ key: '/languages/fre' }],
    works: [{ key: '/works/OL1089297W' }], physical_format: 'Paperback', type: { key: '/type/edition' },
    latest_revision: 4, revision: 4, created: { type: '/type/datetime', value: '2009-12-11T01:57:19.964652' },
    last_modified: { type: '/type/datetime', value: '2021-10-04T09:12:42.283722' },
  },
  OL7353617M: {
    key: '/books/OL7353617M', title: 'Fantastic Mr. Fox', authors: [{ key: '/authors/OL34184A' }], publishers: ['Puffin'],
    publish_date: 'October 1, 1988', number_of_pages: 96, isbn_13: ['9780140328721'], isbn_10: ['0140328726'],
    languages: [{ key: '/languages/eng' }], works: [{ key: '/works/OL45804W' }], type: { key: '/type/edition' },
  },
};
const OL_ISBN: Record<string, string> = { '9782070413454': 'OL24383456M', '2070413454': 'OL24383456M', '9780140328721': 'OL7353617M', '0140328726': 'OL7353617M' };
const OL_AUTHORS: Record<string, Record<string, unknown>> = {
  OL109207A: { key: '/authors/OL109207A', name: 'Stendhal', personal_name: 'Stendhal', birth_date: '23 January 1783', death_date: '23 March 1842', type: { key: '/type/author' } },
  OL34184A: { key: '/authors/OL34184A', name: 'Roald Dahl', personal_name: 'Roald Dahl', birth_date: '13 September 1916', type: { key: '/type/author' } },
};
const OL_SEARCH_DOCS = [
  { key: '/works/OL1089297W', title: 'Le Rouge et le Noir', author_name: ['Stendhal'], author_key: ['OL109207A'], first_publish_year: 1830, edition_count: 412, isbn: ['9782070413454', '2070413454'], publisher: ['Gallimard', 'Folio'], language: ['fre', 'eng'], number_of_pages_median: 576, has_fulltext: true },
  { key: '/works/OL45804W', title: 'Fantastic Mr Fox', author_name: ['Roald Dahl'], author_key: ['OL34184A'], first_publish_year: 1970, edition_count: 87, isbn: ['9780140328721'], publisher: ['Puffin'], language: ['eng'], number_of_pages_median: 96, has_fulltext: true },
];

// ---------------------------------------------------------------------------------------------
// Google Books — https://developers.google.com/books/docs/v1/reference/volumes (Volume resource:
// kind "books#volume", id, etag, selfLink, volumeInfo {title, subtitle, authors [], publisher,
// publishedDate, description, industryIdentifiers [{type, identifier}], pageCount, printType,
// categories [], language, previewLink, infoLink, canonicalVolumeLink}) and …/volumes/list
// ({kind "books#volumes", totalItems, items []}; `q` with the isbn:, intitle:, inauthor: keywords).
const GB_VOLUMES = [
  {
    kind: 'books#volume', id: 'p9ZGAAAAYAAJ', etag: 'k2l8hx8hJ0c', selfLink: 'https://www.googleapis.com/books/v1/volumes/p9ZGAAAAYAAJ',
    volumeInfo: {
      title: 'Le rouge et le noir', subtitle: 'chronique du XIXe siècle', authors: ['Stendhal'], publisher: 'Éditions Gallimard', publishedDate: '2000-03-02',
      description: 'Julien Sorel, fils de charpentier, ambitieux et séducteur…',
      industryIdentifiers: [{ type: 'ISBN_10', identifier: '2070413454' }, { type: 'ISBN_13', identifier: '9782070413454' }],
      pageCount: 571, printType: 'BOOK', categories: ['Fiction'], language: 'fr',
      previewLink: 'http://books.google.fr/books?id=p9ZGAAAAYAAJ', infoLink: 'http://books.google.fr/books?id=p9ZGAAAAYAAJ', canonicalVolumeLink: 'https://books.google.com/books/about/Le_rouge_et_le_noir.html?id=p9ZGAAAAYAAJ',
    },
  },
];

// ---------------------------------------------------------------------------------------------
// TMDb v3 — https://developer.themoviedb.org/reference/search-tv ({page, results:[{id, name,
// original_name, first_air_date, origin_country [], original_language, overview, popularity,
// vote_average, vote_count, genre_ids [], poster_path, backdrop_path, adult}], total_pages,
// total_results}), /reference/tv-series-details ({id, name, first_air_date, networks:[{id, name,
// logo_path, origin_country}], number_of_seasons, …}), /reference/tv-episode-details ({air_date,
// episode_number, id, name, overview, production_code, runtime, season_number, still_path,
// vote_average, vote_count, crew [], guest_stars []}). Auth: `api_key` query or a Bearer token.
const TMDB_SHOW = { id: 90001, name: 'Sample Show', original_name: 'Sample Show', first_air_date: '2021-09-14', origin_country: ['FR'], original_language: 'fr', overview: 'Une série de démonstration.', popularity: 12.3, vote_average: 7.6, vote_count: 210, genre_ids: [18], poster_path: '/sample.jpg', backdrop_path: null, adult: false };
const TMDB_DETAILS = { ...TMDB_SHOW, networks: [{ id: 290, name: 'Canal+', logo_path: '/canal.png', origin_country: 'FR' }], number_of_seasons: 2, number_of_episodes: 16, episode_run_time: [44], status: 'Returning Series', in_production: true, languages: ['fr'] };
const TMDB_EPISODES: Record<string, Record<string, unknown>> = {
  '1x2': { air_date: '2021-09-21', episode_number: 2, id: 3100102, name: 'Pilot Episode', overview: 'La suite du pilote.', production_code: '', runtime: 44, season_number: 1, show_id: 90001, still_path: '/s1e2.jpg', vote_average: 7.9, vote_count: 35, crew: [], guest_stars: [] },
};

// ---------------------------------------------------------------------------------------------
// TVDB v4 — https://thetvdb.github.io/v4-api/swagger.yml: /search ({status, data:[SearchResult
// {objectID, id, tvdb_id, type, name, slug, year, country, network, primary_language, overview,
// first_air_time, image_url, aliases [], remote_ids [{id, type, sourceName}]}], links}) and
// /series/{id}/episodes/{season-type} ({status, data:{series: SeriesBaseRecord, episodes:
// [EpisodeBaseRecord {id, seriesId, name, number, seasonNumber, aired, runtime, overview, image,
// absoluteNumber, finaleType, year}]}, links}).
const TVDB_SERIES = { id: 400001, name: 'Sample Show', slug: 'sample-show', image: 'https://artworks.thetvdb.com/banners/sample.jpg', firstAired: '2021-09-14', lastAired: '2023-11-02', nextAired: '', score: 5120, status: { id: 1, name: 'Continuing', recordType: 'series', keepUpdated: false }, originalCountry: 'fra', originalLanguage: 'fra', year: '2021', nameTranslations: ['fra', 'eng'], overviewTranslations: ['fra'], aliases: [], lastUpdated: '2024-01-05 10:00:00', averageRuntime: 44, isOrderRandomized: false, defaultSeasonType: 1, episodes: null };
const TVDB_SEARCH = [{ objectID: 'series-400001', id: 'series-400001', tvdb_id: '400001', type: 'series', name: 'Sample Show', slug: 'sample-show', year: '2021', country: 'fra', network: 'Canal+', primary_language: 'fra', overview: 'Une série de démonstration.', first_air_time: '2021-09-14', image_url: 'https://artworks.thetvdb.com/banners/sample.jpg', status: 'Continuing', aliases: [], remote_ids: [{ id: 'tt9900001', type: 2, sourceName: 'IMDB' }] }];
const TVDB_EPISODES = [
  { id: 9000102, seriesId: 400001, name: 'Pilot Episode', aired: '2021-09-21', runtime: 45, nameTranslations: ['fra'], overview: 'La suite du pilote.', overviewTranslations: ['fra'], image: 'https://artworks.thetvdb.com/banners/e2.jpg', imageType: 11, isMovie: 0, seasons: null, number: 2, absoluteNumber: 2, seasonNumber: 1, lastUpdated: '2024-01-05 10:00:00', finaleType: null, year: '2021' },
];

// ---------------------------------------------------------------------------------------------
// OMDb — https://www.omdbapi.com/ ("By ID or Title": t, Season, Episode, apikey; episode answer:
// Title, Year, Rated, Released "DD Mon YYYY", Season, Episode, Runtime "NN min", Genre, Director,
// Writer, Actors, Plot, Language, Country, Awards, Poster, Ratings [{Source, Value}], Metascore,
// imdbRating, imdbVotes, imdbID, seriesID, Type "episode", Response "True"; absent → "N/A").
const OMDB_EPISODE = { Title: 'Pilot Episode', Year: '2021', Rated: 'N/A', Released: '21 Sep 2021', Season: '1', Episode: '2', Runtime: '44 min', Genre: 'Drama', Director: 'N/A', Writer: 'N/A', Actors: 'N/A', Plot: 'N/A', Language: 'French', Country: 'France', Awards: 'N/A', Poster: 'N/A', Ratings: [{ Source: 'Internet Movie Database', Value: '7.8/10' }], Metascore: 'N/A', imdbRating: '7.8', imdbVotes: '1,024', imdbID: 'tt9900102', seriesID: 'tt9900001', Type: 'episode', Response: 'True' };

function norm(s: string | null | undefined): string {
  return (s ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

export async function startFakeMetadataApis(): Promise<FakeMetadataApis> {
  const keys = { googlebooks: 'gb-' + crypto.randomBytes(8).toString('hex'), tmdb: 'tmdb-' + crypto.randomBytes(8).toString('hex'), tvdb: 'tvdb-' + crypto.randomBytes(8).toString('hex'), omdb: crypto.randomBytes(4).toString('hex') };
  const requests: FakeMetadataApis['requests'] = [];
  const failures = new Map<FakeApi, { status: number; times: number; retryAfter?: number }>();
  const hung = new Map<FakeApi, Set<http.ServerResponse>>();
  let tokens = new Set<string>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const [, api, ...rest] = url.pathname.split('/');
    const p = '/' + rest.join('/');
    const name = api as FakeApi;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ api: name, method: req.method ?? 'GET', path: p, status });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (hung.has(name)) { hung.get(name)!.add(res); return; }
    const f = failures.get(name);
    if (f && f.times > 0) {
      f.times--;
      return send(f.status, failureBody(name, f.status), f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {});
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        route(name, p, url.searchParams, req, body, send);
      } catch (e) {
        send(500, { error: String(e) });
      }
    });
  });

  function failureBody(api: FakeApi, status: number): unknown {
    switch (api) {
      case 'googlebooks': return { error: { code: status, message: status === 429 ? 'Quota exceeded for quota metric \'Queries\'' : 'Backend Error', errors: [{ message: 'x', domain: 'global', reason: status === 429 ? 'rateLimitExceeded' : 'backendError' }], status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } };
      case 'tmdb': return status === 429 ? { success: false, status_code: 25, status_message: 'Your request count (#) is over the allowed limit of (40).' } : { success: false, status_code: 11, status_message: 'Internal error: Something went wrong, contact TMDb.' };
      case 'tvdb': return { status: 'failure', message: status === 429 ? 'Too Many Requests' : 'InternalServerError', data: null };
      case 'omdb': return { Response: 'False', Error: status === 401 ? 'Request limit reached!' : 'Internal error' };
      default: return { error: status === 429 ? 'Too Many Requests' : 'Internal Server Error' };
    }
  }

  function route(api: FakeApi, p: string, q: URLSearchParams, req: http.IncomingMessage, body: string, send: (s: number, b: unknown, h?: Record<string, string>) => void) {
    if (api === 'openlibrary') {
      let m = /^\/isbn\/([0-9Xx]+)\.json$/.exec(p);
      if (m) {
        const olid = OL_ISBN[m[1]];
        if (!olid) return send(404, { error: 'notfound', key: `/isbn/${m[1]}` });
        return send(302, { location: `/books/${olid}.json` }, { location: `/openlibrary/books/${olid}.json` });
      }
      m = /^\/books\/(OL\d+M)\.json$/.exec(p);
      if (m) return OL_EDITIONS[m[1]] ? send(200, OL_EDITIONS[m[1]]) : send(404, { error: 'notfound', key: `/books/${m[1]}` });
      m = /^\/authors\/(OL\d+A)\.json$/.exec(p);
      if (m) return OL_AUTHORS[m[1]] ? send(200, OL_AUTHORS[m[1]]) : send(404, { error: 'notfound', key: `/authors/${m[1]}` });
      if (p === '/search.json') {
        const title = norm(q.get('title') ?? q.get('q'));
        const author = norm(q.get('author'));
        const isbn = q.get('isbn');
        const docs = OL_SEARCH_DOCS.filter((d) => (isbn ? d.isbn.includes(isbn) : (!title || norm(d.title).includes(title) || title.includes(norm(d.title))) && (!author || d.author_name.some((a) => norm(a).includes(author)))));
        return send(200, { numFound: docs.length, start: 0, numFoundExact: true, docs, num_found: docs.length, q: q.get('q') ?? '', offset: null });
      }
      return send(404, { error: 'notfound' });
    }
    if (api === 'googlebooks') {
      const key = q.get('key');
      if (key !== null && key !== keys.googlebooks) return send(400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', errors: [{ message: 'API key not valid. Please pass a valid API key.', domain: 'global', reason: 'badRequest' }], status: 'INVALID_ARGUMENT' } });
      if (p !== '/books/v1/volumes') return send(404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
      const query = q.get('q') ?? '';
      const isbn = /isbn:([0-9Xx]+)/.exec(query)?.[1];
      const title = norm(/intitle:("[^"]*"|\S+)/.exec(query)?.[1]?.replace(/"/g, ''));
      const items = GB_VOLUMES.filter((v) => (isbn ? v.volumeInfo.industryIdentifiers.some((i) => i.identifier === isbn) : title && norm(v.volumeInfo.title).includes(title)));
      return send(200, items.length ? { kind: 'books#volumes', totalItems: items.length, items } : { kind: 'books#volumes', totalItems: 0 });
    }
    if (api === 'tmdb') {
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if ((bearer ?? q.get('api_key')) !== keys.tmdb) return send(401, { success: false, status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.' });
      if (p === '/3/search/tv') {
        const results = norm(TMDB_SHOW.name).includes(norm(q.get('query'))) && q.get('query') ? [TMDB_SHOW] : [];
        return send(200, { page: 1, results, total_pages: results.length ? 1 : 0, total_results: results.length });
      }
      let m = /^\/3\/tv\/(\d+)$/.exec(p);
      if (m) return Number(m[1]) === TMDB_SHOW.id ? send(200, TMDB_DETAILS) : send(404, { success: false, status_code: 34, status_message: 'The resource you requested could not be found.' });
      m = /^\/3\/tv\/(\d+)\/season\/(\d+)\/episode\/(\d+)$/.exec(p);
      if (m) {
        const ep = Number(m[1]) === TMDB_SHOW.id ? TMDB_EPISODES[`${Number(m[2])}x${Number(m[3])}`] : undefined;
        return ep ? send(200, ep) : send(404, { success: false, status_code: 34, status_message: 'The resource you requested could not be found.' });
      }
      return send(404, { success: false, status_code: 34, status_message: 'The resource you requested could not be found.' });
    }
    if (api === 'tvdb') {
      if (p === '/v4/login' && req.method === 'POST') {
        let parsed: { apikey?: string } = {};
        try { parsed = JSON.parse(body); } catch { /* refused below */ }
        if (parsed.apikey !== keys.tvdb) return send(401, { status: 'failure', message: 'InvalidAPIKey: apikey invalid', data: null });
        const token = 'eyJ' + crypto.randomBytes(24).toString('base64url');
        tokens.add(token);
        return send(200, { status: 'success', data: { token } });
      }
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!bearer || !tokens.has(bearer)) return send(401, { message: 'Unauthorized' });
      if (p === '/v4/search') {
        const data = q.get('query') && norm(TVDB_SEARCH[0].name).includes(norm(q.get('query'))) ? TVDB_SEARCH : [];
        return send(200, { status: 'success', data, links: { prev: null, self: null, next: null, total_items: data.length, page_size: 50 } });
      }
      const m = /^\/v4\/series\/(\d+)\/episodes\/default$/.exec(p);
      if (m) {
        if (Number(m[1]) !== TVDB_SERIES.id) return send(404, { status: 'failure', message: 'NotFoundException: error fetching series', data: null });
        const episodes = TVDB_EPISODES.filter((e) => (!q.get('season') || e.seasonNumber === Number(q.get('season'))) && (!q.get('episodeNumber') || e.number === Number(q.get('episodeNumber'))));
        return send(200, { status: 'success', data: { series: TVDB_SERIES, episodes }, links: { prev: null, self: null, next: null, total_items: episodes.length, page_size: 500 } });
      }
      return send(404, { status: 'failure', message: 'NotFoundException', data: null });
    }
    if (api === 'omdb') {
      if (q.get('apikey') !== keys.omdb) return send(401, { Response: 'False', Error: 'Invalid API key!' });
      const hit = norm(q.get('t')) === norm('Sample Show') && q.get('Season') === '1' && q.get('Episode') === '2';
      return send(200, hit ? OMDB_EPISODE : { Response: 'False', Error: 'Series or episode not found!' });
    }
    send(404, { error: 'unknown API' });
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    base: (api) => `${url}/${api}`,
    keys,
    requests,
    fail(api, o) { failures.set(api, { status: o.status, times: o.times ?? 1, retryAfter: o.retryAfter }); },
    hang(api) {
      hung.set(api, new Set());
      return () => { for (const r of hung.get(api) ?? []) r.destroy(); hung.delete(api); };
    },
    expireTokens() { tokens = new Set(); },
    close: () => new Promise<void>((r) => { for (const s of hung.values()) for (const x of s) x.destroy(); server.closeAllConnections(); server.close(() => r()); }),
  };
}
