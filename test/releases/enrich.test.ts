// Metadata enrichment against the documented-shape fakes (src/releases/fakes/metadata.ts), on the
// whole platform: suggestions merged by precedence, keys write-only and masked (a planted key is
// grepped in every response and log line), the Tester, the 24 h cache, each failure mode a real
// API has (401 bad key, 429 with Retry-After, 5xx, a hung server, offline, OMDb's daily quota,
// TVDB's expired token) reported as "unavailable" without failing the request, and roles.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import releases from '../../src/releases/index.ts';
import { startFakeMetadataApis, type FakeMetadataApis } from '../../src/releases/fakes/metadata.ts';
import { enrich, purgeEnrichCache, resetEnrichState, testProvider, updateConfig } from '../../src/releases/enrich/index.ts';
import type { ReleaseMetadata } from '../../src/releases/metadata/types.ts';

let t: TestPlatform;
let fake: FakeMetadataApis;
const responses: string[] = [];
const FAST = { backoffMs: [10, 20, 40], timeoutMs: 1500 };

const book: ReleaseMetadata = { format: 'EPUB', fileName: 'rouge.epub', size: 1000, title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', year: 2015, language: 'fr', isbn: '9782070413454' };
const episode: ReleaseMetadata = { format: 'MKV', fileName: 'Sample.Show.S01E02.mkv', size: 1000, show: 'Sample Show', season: 1, episode: 2 };

async function call(method: string, url: string, body?: unknown, token = t.tokens.operator) {
  const r = await t.request(method, url, { token, body: body as never });
  responses.push(r.text);
  return r;
}

beforeAll(async () => {
  [t, fake] = await Promise.all([createTestPlatform({ modules: [releases] }), startFakeMetadataApis()]);
  for (const name of ['openlibrary', 'googlebooks', 'tmdb', 'tvdb', 'omdb'] as const) {
    const r = await call('PUT', `/api/releases/config/apis/${name}`, { enabled: true, baseUrl: fake.base(name), ...(name in fake.keys ? { key: fake.keys[name as keyof typeof fake.keys] } : {}) }, t.tokens.admin);
    expect(r.status, r.text).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await fake?.close();
  await t?.close();
});
beforeEach(async () => {
  resetEnrichState();
  await t.ctx.db.withSchema('releases').deleteFrom('enrich_cache').execute();
});

describe('metadata providers configuration', () => {
  it('out of the box nothing is asked: keyless providers start disabled, the others wait for a key', async () => {
    const fresh = await createTestPlatform({ modules: [releases] });
    try {
      const r = await enrich(fresh.ctx, book, 'EBOOK', FAST);
      expect(r.providers.map((p) => [p.name, p.status])).toEqual([['openlibrary', 'disabled'], ['googlebooks', 'disabled']]);
      const tv = await enrich(fresh.ctx, episode, 'TV', FAST);
      expect(tv.providers.map((p) => p.status)).toEqual(['not_configured', 'not_configured', 'not_configured']);
    } finally {
      await fresh.close();
    }
  }, 60_000);


  it('keys are write-only: masked in every answer; an operator may not move a provider; a viewer may not change anything', async () => {
    const list = await call('GET', '/api/releases/config/apis', undefined, t.tokens.viewer);
    expect(list.status).toBe(200);
    const tmdb = list.body.apis.find((a: any) => a.name === 'tmdb');
    expect(tmdb).toMatchObject({ configured: true, key: `****${fake.keys.tmdb.slice(-4)}`, kind: 'tv', keyRequired: 'required' });
    expect(list.body.apis.find((a: any) => a.name === 'openlibrary')).toMatchObject({ configured: true, key: null, keyRequired: 'none' });
    expect((await call('PUT', '/api/releases/config/apis/tmdb', { baseUrl: 'http://127.0.0.1:1/' })).status).toBe(403);
    expect((await call('PUT', '/api/releases/config/apis/tmdb', { enabled: false }, t.tokens.viewer)).status).toBe(403);
    expect((await call('POST', '/api/releases/config/apis/tmdb/test', undefined, t.tokens.viewer)).status).toBe(403);
    expect((await call('POST', '/api/releases/metadata/enrich', { type: 'TV', metadata: {} }, t.tokens.viewer)).status).toBe(403);
    expect((await call('PUT', '/api/releases/config/apis/nosuch', { enabled: false })).status).toBe(400);
  });

  it('the Tester passes with the stored key and says "bad_key" with a wrong one', async () => {
    for (const name of ['openlibrary', 'googlebooks', 'tmdb', 'tvdb', 'omdb']) {
      const r = await call('POST', `/api/releases/config/apis/${name}/test`);
      expect(r.body, name).toMatchObject({ ok: true });
    }
    await call('PUT', '/api/releases/config/apis/tmdb', { key: 'wrong-key-planted-SECRET' });
    const bad = await call('POST', '/api/releases/config/apis/tmdb/test');
    expect(bad.body).toMatchObject({ ok: false, code: 'bad_key' });
    await call('PUT', '/api/releases/config/apis/tmdb', { key: fake.keys.tmdb });
    await call('PUT', '/api/releases/config/apis/tvdb', { key: 'wrong-tvdb-key' });
    expect((await call('POST', '/api/releases/config/apis/tvdb/test')).body).toMatchObject({ ok: false, code: 'bad_key' });
    await call('PUT', '/api/releases/config/apis/tvdb', { key: fake.keys.tvdb });
  });
});

describe('enrichment', () => {
  it('a book: OpenLibrary by ISBN first, Google Books second; suggestions only where they differ, alternatives kept', async () => {
    const r = await enrich(t.ctx, book, 'EBOOK', FAST);
    expect(r.providers.map((p) => [p.name, p.status])).toEqual([['openlibrary', 'ok'], ['googlebooks', 'ok']]);
    const by = Object.fromEntries(r.suggestions.map((s) => [s.field, s]));
    expect(by.publisher).toMatchObject({ current: 'Folio', value: 'Gallimard', source: 'openlibrary', alternatives: [{ source: 'googlebooks', value: 'Éditions Gallimard' }] });
    expect(by.year).toMatchObject({ current: 2015, value: 2000, source: 'openlibrary' });
    expect(by.pages).toMatchObject({ current: null, value: 576, alternatives: [{ source: 'googlebooks', value: 571 }] });
    expect(by.description).toMatchObject({ source: 'googlebooks' });
    expect(by.title).toBeUndefined(); // the same title: nothing to suggest
    expect(by.author).toBeUndefined();
    // OpenLibrary: the ISBN route (302 to the edition), then the author record
    expect(fake.requests.filter((q) => q.api === 'openlibrary').map((q) => q.path)).toEqual(expect.arrayContaining(['/isbn/9782070413454.json', '/books/OL24383456M.json', '/authors/OL109207A.json']));
  });

  it('without an ISBN, OpenLibrary searches title + author; precedence is configurable (Google Books first)', async () => {
    await updateConfig(t.ctx, 'googlebooks', { priority: 1 });
    try {
      const r = await enrich(t.ctx, { ...book, isbn: undefined, publisher: undefined }, 'EBOOK', FAST);
      const by = Object.fromEntries(r.suggestions.map((s) => [s.field, s]));
      expect(by.publisher).toMatchObject({ value: 'Éditions Gallimard', source: 'googlebooks', alternatives: [{ source: 'openlibrary', value: 'Gallimard' }] });
      expect(by.isbn).toMatchObject({ value: '9782070413454' });
      expect(fake.requests.some((q) => q.api === 'openlibrary' && q.path === '/search.json')).toBe(true);
    } finally {
      await updateConfig(t.ctx, 'googlebooks', { priority: 20 });
    }
  });

  it('an episode through the API: TVDB > TMDb > OMDb; the rating from TMDb, never TVDB; keys never leak', async () => {
    const r = await call('POST', '/api/releases/metadata/enrich', { type: 'TV', metadata: episode });
    expect(r.status, r.text).toBe(200);
    expect(r.body.providers.map((p: any) => [p.name, p.status])).toEqual([['tvdb', 'ok'], ['tmdb', 'ok'], ['omdb', 'ok']]);
    const by = Object.fromEntries(r.body.suggestions.map((s: any) => [s.field, s]));
    expect(by.episodeTitle).toMatchObject({ value: 'Pilot Episode', source: 'tvdb' });
    expect(by.airDate).toMatchObject({ value: '2021-09-21', source: 'tvdb' });
    expect(by.runtime).toMatchObject({ value: 45, source: 'tvdb', alternatives: [{ source: 'tmdb', value: 44 }, { source: 'omdb', value: 44 }] });
    expect(by.network).toMatchObject({ value: 'Canal+', source: 'tvdb' });
    expect(by.rating).toMatchObject({ value: '7.9', source: 'tmdb', alternatives: [{ source: 'omdb', value: '7.8' }] });
  });

  it('answers are cached: the same question asks nobody twice', async () => {
    await enrich(t.ctx, book, 'EBOOK', FAST);
    const n = fake.requests.length;
    const again = await enrich(t.ctx, book, 'EBOOK', FAST);
    expect(fake.requests.length).toBe(n);
    expect(again.suggestions.length).toBeGreaterThan(0);
  });

  it('429 with a short Retry-After is waited for; a long one makes the provider "unavailable" until then, the others still answer', async () => {
    fake.fail('openlibrary', { status: 429, retryAfter: 0 });
    const r1 = await enrich(t.ctx, book, 'EBOOK', FAST);
    expect(r1.providers.find((p) => p.name === 'openlibrary')!.status).toBe('ok');
    await t.ctx.db.withSchema('releases').deleteFrom('enrich_cache').execute();
    fake.fail('openlibrary', { status: 429, retryAfter: 3600 });
    const r2 = await enrich(t.ctx, book, 'EBOOK', FAST);
    const ol = r2.providers.find((p) => p.name === 'openlibrary')!;
    expect(ol).toMatchObject({ status: 'unavailable', code: 'rate_limited' });
    expect(Date.parse(ol.retryAt!)).toBeGreaterThan(Date.now() + 3000_000);
    expect(r2.providers.find((p) => p.name === 'googlebooks')!.status).toBe('ok');
    expect(r2.suggestions.find((s) => s.field === 'publisher')).toMatchObject({ source: 'googlebooks' });
    // during the cool-down nobody asks OpenLibrary
    const before = fake.requests.filter((q) => q.api === 'openlibrary').length;
    await t.ctx.db.withSchema('releases').deleteFrom('enrich_cache').execute();
    expect((await enrich(t.ctx, book, 'EBOOK', FAST)).providers[0].code).toBe('rate_limited');
    expect(fake.requests.filter((q) => q.api === 'openlibrary').length).toBe(before);
  });

  it('5xx after the retries, a hung server (timeout), an unreachable one, and a refused key: each "unavailable" with its reason', async () => {
    fake.fail('tvdb', { status: 503, times: 10 });
    const r1 = await enrich(t.ctx, episode, 'TV', FAST);
    expect(r1.providers.find((p) => p.name === 'tvdb')).toMatchObject({ status: 'unavailable', code: 'server_error' });
    expect(r1.suggestions.find((s) => s.field === 'episodeTitle')).toMatchObject({ source: 'tmdb' });
    fake.fail('tvdb', { status: 503, times: 0 });

    await t.ctx.db.withSchema('releases').deleteFrom('enrich_cache').execute();
    const release = fake.hang('tmdb');
    try {
      const r2 = await enrich(t.ctx, episode, 'TV', { backoffMs: [], timeoutMs: 300 });
      expect(r2.providers.find((p) => p.name === 'tmdb')).toMatchObject({ status: 'unavailable', code: 'timeout' });
    } finally {
      release();
    }

    await updateConfig(t.ctx, 'omdb', { baseUrl: 'http://127.0.0.1:9/omdb' });
    const r3 = await enrich(t.ctx, episode, 'TV', { backoffMs: [10], timeoutMs: 500 });
    expect(r3.providers.find((p) => p.name === 'omdb')).toMatchObject({ status: 'unavailable', code: 'offline' });
    await updateConfig(t.ctx, 'omdb', { baseUrl: fake.base('omdb') });

    await updateConfig(t.ctx, 'googlebooks', { key: 'not-the-key' });
    const r4 = await enrich(t.ctx, book, 'EBOOK', FAST);
    expect(r4.providers.find((p) => p.name === 'googlebooks')).toMatchObject({ status: 'unavailable', code: 'bad_key' });
    await updateConfig(t.ctx, 'googlebooks', { key: fake.keys.googlebooks });
  });

  it('TVDB: an expired token is renewed once (new login), not reported as a bad key', async () => {
    await enrich(t.ctx, episode, 'TV', FAST);
    await t.ctx.db.withSchema('releases').deleteFrom('enrich_cache').execute();
    fake.expireTokens();
    const logins = fake.requests.filter((q) => q.api === 'tvdb' && q.path === '/v4/login').length;
    const r = await enrich(t.ctx, episode, 'TV', FAST);
    expect(r.providers.find((p) => p.name === 'tvdb')!.status).toBe('ok');
    expect(fake.requests.filter((q) => q.api === 'tvdb' && q.path === '/v4/login').length).toBe(logins + 1);
  });

  it('OMDb: 1 000 requests a day, counted; past it the provider is "unavailable" (quota) without being asked', async () => {
    await t.ctx.db.withSchema('releases').updateTable('api_configs').set({ quota_day: new Date(), quota_used: 1000 }).where('name', '=', 'omdb').execute();
    const before = fake.requests.filter((q) => q.api === 'omdb').length;
    const r = await enrich(t.ctx, episode, 'TV', FAST);
    expect(r.providers.find((p) => p.name === 'omdb')).toMatchObject({ status: 'unavailable', code: 'quota' });
    expect(fake.requests.filter((q) => q.api === 'omdb').length).toBe(before);
    await t.ctx.db.withSchema('releases').updateTable('api_configs').set({ quota_used: 0 }).where('name', '=', 'omdb').execute();
    // OMDb's own "Request limit reached!" (HTTP 401) is a quota, not a bad key
    fake.fail('omdb', { status: 401 });
    expect((await testProvider(t.ctx, 'omdb', FAST))).toMatchObject({ ok: false, code: 'quota' });
  });

  it('a provider without its key is "not_configured"; a disabled one is skipped; no match is "no_match"', async () => {
    await updateConfig(t.ctx, 'omdb', { key: null });
    await updateConfig(t.ctx, 'tmdb', { enabled: false });
    try {
      const r = await enrich(t.ctx, { ...episode, show: 'Nothing Like This' }, 'TV', FAST);
      expect(r.providers.map((p) => [p.name, p.status])).toEqual([['tvdb', 'no_match'], ['tmdb', 'disabled'], ['omdb', 'not_configured']]);
      expect(r.suggestions).toEqual([]);
    } finally {
      await updateConfig(t.ctx, 'omdb', { key: fake.keys.omdb });
      await updateConfig(t.ctx, 'tmdb', { enabled: true });
    }
  });

  it('expired answers are dropped by the daily cleanup', async () => {
    await enrich(t.ctx, book, 'EBOOK', FAST);
    const db = t.ctx.db.withSchema('releases');
    const rows = await db.selectFrom('enrich_cache').select('key').execute();
    expect(rows.length).toBeGreaterThan(0);
    await db.updateTable('enrich_cache').set({ expires_at: new Date(Date.now() - 1000) }).where('key', '=', rows[0].key).execute();
    expect(await purgeEnrichCache(t.ctx.db)).toBe(1);
    expect((await db.selectFrom('enrich_cache').select('key').execute()).length).toBe(rows.length - 1);
  });

  it('no key, token or planted secret ever appears in a response or a log line', () => {
    const all = responses.join('\n') + '\n' + t.logs.join('\n');
    for (const k of Object.values(fake.keys)) expect(all).not.toContain(k);
    expect(all).not.toContain('wrong-key-planted-SECRET');
  });
});
