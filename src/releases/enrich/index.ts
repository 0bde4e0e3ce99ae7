// Metadata enrichment: asks the configured providers (books: OpenLibrary, Google Books; TV: TVDB,
// TMDb, OMDb) about a release's metadata and merges their answers field by field by precedence,
// as suggestions the user accepts. Everything outbound goes through ctx.http (SSRF guard, per-host
// pacing); answers are cached 24 h; each provider's rate limit and daily quota are respected; a
// provider that is offline, refuses its key or is over its limit is reported "unavailable" with the
// reason — enrichment never throws for that, and packing never waits on it.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import { SsrfError } from '../../core/http.ts';
import { mask } from '../../core/vault.ts';
import type { ReleaseMetadata } from '../metadata/types.ts';
import { LOOKUP, PROVIDER_INFO, PROVIDERS, probe, type Fetcher, type Field, type Found, type ProviderName } from './providers.ts';

export { PROVIDERS, PROVIDER_INFO, type ProviderName } from './providers.ts';

const CACHE_TTL_MS = 24 * 3600_000;
const TIMEOUT_MS = 10_000;
/** spec: 3 retries, 1 s, 2 s, 4 s */
const BACKOFF_MS = [1000, 2000, 4000];
/** a 429 asking to wait longer than this makes the provider "unavailable" until then instead of blocking the wizard */
const MAX_WAIT_MS = 10_000;

export type UnavailableCode = 'bad_key' | 'rate_limited' | 'quota' | 'server_error' | 'timeout' | 'offline' | 'refused' | 'bad_answer';

export class ProviderUnavailable extends Error {
  readonly code: UnavailableCode;
  readonly retryAt?: Date;
  constructor(code: UnavailableCode, message: string, retryAt?: Date) {
    super(message);
    this.name = 'ProviderUnavailable';
    this.code = code;
    this.retryAt = retryAt;
  }
}

export interface ApiConfig { name: ProviderName; enabled: boolean; priority: number; baseUrl: string | null }

const secret = (name: ProviderName, what: 'key' | 'pin') => `releases.api.${name}.${what}`;
const table = (db: Kysely<any>) => db.withSchema('releases');

/** every provider's row, created with its defaults on first read */
export async function listConfigs(db: Kysely<any>): Promise<ApiConfig[]> {
  await table(db).insertInto('api_configs')
    // nothing leaves the machine until the operator says so: keyless providers (OpenLibrary, Google
    // Books) start disabled; the others wait for their key
    .values(PROVIDERS.map((name) => ({ name, priority: PROVIDER_INFO[name].priority, enabled: PROVIDER_INFO[name].key === 'required' })))
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const rows = await table(db).selectFrom('api_configs').selectAll().execute();
  return PROVIDERS.map((name) => {
    const r = rows.find((x) => x.name === name)!;
    return { name, enabled: r.enabled, priority: r.priority, baseUrl: r.base_url ?? null };
  });
}

/** a provider as the API shows it: the key masked (`****abcd`), never in clear */
export async function publicConfig(ctx: Pick<CoreContext, 'vault'>, c: ApiConfig) {
  const info = PROVIDER_INFO[c.name];
  const key = await ctx.vault.get(secret(c.name, 'key'));
  return {
    name: c.name, label: info.label, kind: info.kind, keyRequired: info.key, pinSupported: !!info.pin, docs: info.docs,
    enabled: c.enabled, priority: c.priority, baseUrl: c.baseUrl, defaultBaseUrl: info.base,
    key: mask(key), pin: info.pin ? mask(await ctx.vault.get(secret(c.name, 'pin'))) : null,
    configured: info.key !== 'required' || !!key, dailyQuota: info.dailyQuota ?? null,
  };
}

export interface ConfigUpdate { enabled?: boolean; priority?: number; baseUrl?: string | null; key?: string | null; pin?: string | null }

export async function updateConfig(ctx: Pick<CoreContext, 'db' | 'vault'>, name: ProviderName, u: ConfigUpdate): Promise<void> {
  await listConfigs(ctx.db);
  const set: Record<string, unknown> = { updated_at: new Date() };
  if (u.enabled !== undefined) set.enabled = u.enabled;
  if (u.priority !== undefined) set.priority = u.priority;
  if (u.baseUrl !== undefined) set.base_url = u.baseUrl ? new URL(u.baseUrl).toString().replace(/\/$/, '') : null;
  await table(ctx.db).updateTable('api_configs').set(set).where('name', '=', name).execute();
  for (const what of ['key', 'pin'] as const) {
    const v = u[what];
    if (v === undefined) continue;
    if (v === null || v === '') await ctx.vault.delete(secret(name, what));
    else await ctx.vault.set(secret(name, what), v);
  }
  tokens.delete(name);
  cooldown.delete(name);
}

// ---- transport: cache, quota, pacing, failures -------------------------------------------------

const tokens = new Map<ProviderName, { token: string; fingerprint: string; until: number }>();
const cooldown = new Map<ProviderName, { until: number; code: UnavailableCode; message: string }>();

export interface EnrichOptions {
  /** retry schedule for 5xx / network errors (tests shorten it) */
  backoffMs?: number[];
  timeoutMs?: number;
  /** skip the cache (the Tester) */
  noCache?: boolean;
}

function cacheKey(name: ProviderName, base: string, path: string, query: Record<string, string>): string {
  const q = Object.entries(query).filter(([k]) => !/^(key|apikey|api_key)$/i.test(k)).sort(([a], [b]) => a.localeCompare(b));
  return `${name}:` + crypto.createHash('sha256').update(`${base}${path}?${new URLSearchParams(q)}`).digest('hex');
}

async function countQuota(db: Kysely<any>, name: ProviderName): Promise<number> {
  const row = await table(db).updateTable('api_configs')
    .set({ quota_used: sql`CASE WHEN quota_day = CURRENT_DATE THEN quota_used + 1 ELSE 1 END`, quota_day: sql`CURRENT_DATE` })
    .where('name', '=', name).returning('quota_used').executeTakeFirst();
  return Number(row?.quota_used ?? 0);
}

async function makeFetcher(ctx: CoreContext, c: ApiConfig, o: EnrichOptions): Promise<Fetcher> {
  const info = PROVIDER_INFO[c.name];
  const base = (c.baseUrl ?? info.base).replace(/\/$/, '');
  ctx.http.configureHost(new URL(base).host, info.rate);
  const key = await ctx.vault.get(secret(c.name, 'key'));
  const pin = info.pin ? await ctx.vault.get(secret(c.name, 'pin')) : undefined;
  const fingerprint = crypto.createHash('sha256').update(`${base}\n${key ?? ''}\n${pin ?? ''}`).digest('hex');

  const send = async (method: 'GET' | 'POST', path: string, query: Record<string, string>, headers: Record<string, string>, body?: string) => {
    const cd = cooldown.get(c.name);
    if (cd && cd.until > Date.now()) throw new ProviderUnavailable(cd.code, cd.message, new Date(cd.until));
    const url = `${base}${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await ctx.http.request(url, {
          method, headers: { accept: 'application/json', ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body,
          timeoutMs: o.timeoutMs ?? TIMEOUT_MS, retries: (o.backoffMs ?? BACKOFF_MS).length, backoffScheduleMs: o.backoffMs ?? BACKOFF_MS,
          // 429 is handled here (Retry-After may be hours); 5xx and network errors are retried by ctx.http
          retryOn: (s) => s >= 500,
        });
      } catch (e) {
        if (e instanceof SsrfError) throw new ProviderUnavailable('refused', e.message);
        const msg = (e as Error).message;
        throw new ProviderUnavailable(/timeout/i.test(msg) ? 'timeout' : 'offline', `${info.label}: ${msg}`);
      }
      if (res.status === 429) {
        const ra = res.headers['retry-after'];
        const wait = ra === undefined ? (o.backoffMs ?? BACKOFF_MS)[attempt] : Number.isFinite(Number(ra)) ? Number(ra) * 1000 : Math.max(0, Date.parse(ra) - Date.now());
        if (attempt < (o.backoffMs ?? BACKOFF_MS).length && wait !== undefined && wait <= MAX_WAIT_MS) {
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        const until = Date.now() + Math.max(wait ?? 60_000, 1000);
        const message = `${info.label}: rate limited (HTTP 429), retry after ${new Date(until).toISOString()}`;
        cooldown.set(c.name, { until, code: 'rate_limited', message });
        throw new ProviderUnavailable('rate_limited', message, new Date(until));
      }
      if (res.status >= 500) throw new ProviderUnavailable('server_error', `${info.label}: HTTP ${res.status} after ${(o.backoffMs ?? BACKOFF_MS).length + 1} attempts`);
      let json: any = null;
      try {
        json = res.body.length ? res.json() : null;
      } catch {
        throw new ProviderUnavailable('bad_answer', `${info.label}: HTTP ${res.status}, not JSON`);
      }
      return { status: res.status, body: json };
    }
  };

  const classify = (r: { status: number; body: any }) => {
    // OMDb says both "bad key" and "over the daily limit" with a 401
    if (c.name === 'omdb' && r.status === 401 && /limit/i.test(String(r.body?.Error))) throw new ProviderUnavailable('quota', `${info.label}: daily request limit reached`);
    if (r.status === 401 || r.status === 403 || (c.name === 'googlebooks' && r.status === 400 && /key/i.test(String(r.body?.error?.message)))) {
      throw new ProviderUnavailable('bad_key', `${info.label}: the API key was refused (HTTP ${r.status})`);
    }
    return r;
  };

  const f: Fetcher = {
    key, pin,
    async token() {
      const t = tokens.get(c.name);
      if (t && t.fingerprint === fingerprint && t.until > Date.now()) return t.token;
      if (!key) throw new ProviderUnavailable('bad_key', `${info.label}: no API key configured`);
      const r = classify(await send('POST', '/v4/login', {}, {}, JSON.stringify(pin ? { apikey: key, pin } : { apikey: key })));
      const token = r.body?.data?.token;
      if (r.status !== 200 || typeof token !== 'string') throw new ProviderUnavailable('bad_key', `${info.label}: login refused (HTTP ${r.status}: ${String(r.body?.message ?? '').slice(0, 100)})`);
      // valid one month; renewed a little earlier, and at once on a 401
      tokens.set(c.name, { token, fingerprint, until: Date.now() + 28 * 86400_000 });
      return token;
    },
    async get(path, q = {}) {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(q.query ?? {})) if (v !== undefined && v !== '') query[k] = String(v);
      const headers: Record<string, string> = {};
      // TMDb: a v4 "API Read Access Token" (a JWT) goes as a Bearer, a v3 key as api_key
      if (c.name === 'tmdb' && key) {
        if (key.split('.').length === 3) headers.authorization = `Bearer ${key}`;
        else query.api_key = key;
      }
      const ck = cacheKey(c.name, base, path, query);
      if (!o.noCache) {
        const hit = await table(ctx.db).selectFrom('enrich_cache').select('body').where('key', '=', ck).where('expires_at', '>', new Date()).executeTakeFirst();
        if (hit) return typeof hit.body === 'string' ? JSON.parse(hit.body) : hit.body;
      }
      if (info.dailyQuota && (await countQuota(ctx.db, c.name)) > info.dailyQuota) {
        throw new ProviderUnavailable('quota', `${info.label}: ${info.dailyQuota} requests a day used up; enrichment resumes tomorrow (UTC)`);
      }
      let r;
      if (q.auth === 'bearer') {
        r = await send('GET', path, query, { authorization: `Bearer ${await f.token()}` });
        if (r.status === 401) { // the token expired: log in again once
          tokens.delete(c.name);
          r = await send('GET', path, query, { authorization: `Bearer ${await f.token()}` });
        }
      } else {
        r = await send('GET', path, query, headers);
      }
      classify(r);
      if (r.status === 200 || r.status === 404) {
        await table(ctx.db).insertInto('enrich_cache').values({ key: ck, provider: c.name, body: JSON.stringify(r), expires_at: new Date(Date.now() + CACHE_TTL_MS) })
          .onConflict((oc) => oc.column('key').doUpdateSet({ body: JSON.stringify(r), expires_at: new Date(Date.now() + CACHE_TTL_MS) })).execute();
      }
      return r;
    },
    async post(path, body) {
      return classify(await send('POST', path, {}, {}, JSON.stringify(body)));
    },
  };
  return f;
}

// ---- enrichment --------------------------------------------------------------------------------

export type ProviderStatus = 'ok' | 'no_match' | 'unavailable' | 'not_configured' | 'disabled';

export interface ProviderReport { name: ProviderName; label: string; status: ProviderStatus; code?: UnavailableCode; message?: string; retryAt?: string; ms: number }
export interface Suggestion { field: Field; current: unknown; value: unknown; source: ProviderName; alternatives: { source: ProviderName; value: unknown }[] }
export interface EnrichResult { kind: 'book' | 'tv'; providers: ProviderReport[]; suggestions: Suggestion[] }

const BOOK_FIELDS: Field[] = ['title', 'author', 'publisher', 'year', 'language', 'isbn', 'pages', 'description', 'subjects'];
const TV_FIELDS: Field[] = ['show', 'episodeTitle', 'airDate', 'network', 'runtime', 'rating'];
/** TVDB's score is popularity, not a rating: the rating comes from TMDb or OMDb only */
const RATING_SOURCES: ProviderName[] = ['tmdb', 'omdb'];

const same = (a: unknown, b: unknown) => {
  const n = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v ?? '')).normalize('NFC').trim().toLowerCase();
  return n(a) === n(b);
};

export async function enrich(ctx: CoreContext, md: ReleaseMetadata, type: 'EBOOK' | 'DOCS' | 'TV', o: EnrichOptions = {}): Promise<EnrichResult> {
  const kind = type === 'TV' ? 'tv' : 'book';
  const configs = (await listConfigs(ctx.db)).filter((c) => PROVIDER_INFO[c.name].kind === kind).sort((a, b) => a.priority - b.priority);
  const found = new Map<ProviderName, Found>();
  const providers = await Promise.all(configs.map(async (c): Promise<ProviderReport> => {
    const info = PROVIDER_INFO[c.name];
    const started = Date.now();
    const report = (status: ProviderStatus, extra: Partial<ProviderReport> = {}): ProviderReport => ({ name: c.name, label: info.label, status, ms: Date.now() - started, ...extra });
    if (!c.enabled) return report('disabled');
    if (info.key === 'required' && !(await ctx.vault.has(secret(c.name, 'key')))) return report('not_configured');
    try {
      const r = await LOOKUP[c.name](await makeFetcher(ctx, c, o), md);
      if (!r || !Object.values(r).some((v) => v !== undefined)) return report('no_match');
      found.set(c.name, r);
      return report('ok');
    } catch (e) {
      if (!(e instanceof ProviderUnavailable)) {
        ctx.log.warn({ provider: c.name, err: (e as Error).message }, 'enrichment provider failed');
        return report('unavailable', { code: 'bad_answer', message: `${info.label}: ${(e as Error).message}` });
      }
      return report('unavailable', { code: e.code, message: e.message, retryAt: e.retryAt?.toISOString() });
    }
  }));
  const suggestions: Suggestion[] = [];
  for (const field of kind === 'tv' ? TV_FIELDS : BOOK_FIELDS) {
    const cands = configs
      .filter((c) => found.get(c.name)?.[field] !== undefined && (field !== 'rating' || RATING_SOURCES.includes(c.name)))
      .map((c) => ({ source: c.name, value: found.get(c.name)![field] }));
    if (!cands.length) continue;
    const current = (md as unknown as Record<string, unknown>)[field];
    if (same(current, cands[0].value)) continue;
    suggestions.push({ field, current: current ?? null, value: cands[0].value, source: cands[0].source, alternatives: cands.slice(1).filter((x) => !same(x.value, cands[0].value)) });
  }
  return { kind, providers, suggestions };
}

/** the *Tester*: one documented request with the stored key, no cache */
export async function testProvider(ctx: CoreContext, name: ProviderName, o: EnrichOptions = {}): Promise<{ ok: boolean; code?: UnavailableCode; message: string; ms: number }> {
  const c = (await listConfigs(ctx.db)).find((x) => x.name === name)!;
  const info = PROVIDER_INFO[name];
  const started = Date.now();
  if (info.key === 'required' && !(await ctx.vault.has(secret(name, 'key')))) return { ok: false, code: 'bad_key', message: `${info.label}: no API key configured`, ms: 0 };
  cooldown.delete(name);
  try {
    await probe(name, await makeFetcher(ctx, c, { ...o, noCache: true }));
    return { ok: true, message: `${info.label}: OK`, ms: Date.now() - started };
  } catch (e) {
    if (!(e instanceof ProviderUnavailable)) throw e;
    return { ok: false, code: e.code, message: e.message, ms: Date.now() - started };
  }
}

/** expired cache rows (the daily cleanup) */
export async function purgeEnrichCache(db: Kysely<any>): Promise<number> {
  const r = await table(db).deleteFrom('enrich_cache').where('expires_at', '<', new Date()).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}

/** tests: forget tokens and cool-downs held in memory */
export function resetEnrichState(): void {
  tokens.clear();
  cooldown.clear();
}
