// Polite page fetching for one run: retries with the 10/30/60 s schedule (scaled by
// PROMOTEURS_TIME_SCALE; a longer Retry-After wins), per-request timeout, robots.txt, an HTTP page
// cache with conditional requests (ETag / Last-Modified; bodies in the blob store, validators in
// promoteurs.page_cache) and the optional browser engine. All requests of one site go through that
// site's Pacer, so a site never sees two requests at once.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HttpClient, HttpResponse } from '../../core/http.ts';
import type { BlobStore } from '../../core/files.ts';
import { Pacer } from './pacer.ts';
import { parseRobots, type RobotsRules } from './robots.ts';
import type { BrowserEngine } from './browser.ts';

export interface FetchOptions {
  engine?: 'http' | 'browser';
  timeoutMs?: number;
  maxRetries?: number;
  waitForMs?: number;
  /** use and fill the page cache (conditional requests) */
  cache?: boolean;
  referer?: string;
  /** politeness delay before this request (ms, before jitter) */
  delayMs?: number;
  jitter?: number;
}

export interface FetchedPage {
  url: string;
  status: number;
  html: string;
  /** the bytes as received (a gzip sitemap is binary) */
  body: Buffer;
  contentType: string;
  /** 304: body served from the page cache */
  notModified: boolean;
  attempts: number;
}

/** what went wrong, for counts and messages: never call a network failure a robots.txt refusal */
export type FetchErrorKind = 'network' | 'http' | 'robots' | 'browser';

export class FetchError extends Error {
  readonly status: number | null;
  readonly url: string;
  readonly kind: FetchErrorKind;
  constructor(url: string, status: number | null, message: string, kind: FetchErrorKind = status === null ? 'network' : 'http') {
    super(message);
    this.name = 'FetchError';
    this.status = status;
    this.url = url;
    this.kind = kind;
  }
}

export class RobotsDisallowedError extends FetchError {
  constructor(url: string, note: string) {
    super(url, null, `robots.txt disallows ${url} (${note})`, 'robots');
    this.name = 'RobotsDisallowedError';
  }
}

/** The site could not be reached at all (connection refused, DNS, timeout): not a robots.txt decision. */
export class NetworkError extends FetchError {
  constructor(url: string, message: string) {
    super(url, null, message, 'network');
    this.name = 'NetworkError';
  }
}

export interface FetcherDeps {
  http: HttpClient;
  /** page cache; absent: no cache */
  db?: Kysely<any>;
  files?: BlobStore;
  /** true: read the cache but never write it (dry-run writes nothing) */
  readOnlyCache?: boolean;
  browser?: () => Promise<BrowserEngine>;
  userAgent: string;
  timeScale: number;
  retryDelaysSec: number[];
  obeyRobots: boolean;
  allowPrivate?: boolean;
  signal?: AbortSignal;
  onRetry?: (info: { url: string; attempt: number; status: number | null; waitMs: number; error?: string }) => void;
}

const isRetryable = (status: number) => status === 429 || status >= 500;

export function retryAfterMs(h: string | undefined): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : null;
}

/** One fetcher per site (it owns the site's Pacer and robots rules). */
export class SiteFetcher {
  readonly pacer = new Pacer();
  readonly origin: string;
  private deps: FetcherDeps;
  private robots: Promise<RobotsRules> | null = null;
  /** robots.txt could not be fetched at all (network): the error, and when to try again */
  private robotsDown: { error: string; retryAt: number } | null = null;
  /** requests sent (including retries and robots.txt), 304s, retries */
  stats = { requests: 0, notModified: 0, retries: 0, robotsBlocked: 0 };

  constructor(origin: string, deps: FetcherDeps) {
    this.origin = origin.replace(/\/+$/, '');
    this.deps = deps;
    // ctx.http also spaces requests per host; the pacer is the real politeness, this is the belt
    deps.http.configureHost(new URL(this.origin).host, { concurrency: 1, minIntervalMs: 0, jitterMs: 0 });
  }

  robotsRules(): Promise<RobotsRules> {
    if (!this.deps.obeyRobots) return Promise.resolve({ allowed: () => true, crawlDelaySec: undefined, note: 'robots.txt not checked (PROMOTEURS_ROBOTS=false)', sitemaps: [] });
    // a site that could not be reached is tried again after a while (the next city), not given up for the run
    if (this.robotsDown && Date.now() >= this.robotsDown.retryAt) { this.robots = null; this.robotsDown = null; }
    this.robots ??= (async () => {
      try {
        const res = await this.pacer.run(0, 0, () => this.httpWithRetries(`${this.origin}/robots.txt`, { maxRetries: 2, timeoutMs: 15_000 }));
        return parseRobots(this.origin, res.status, res.text(), this.deps.userAgent);
      } catch (e) {
        if (this.deps.signal?.aborted) throw e;
        // no answer at all: RFC 9309 says "assume disallowed", and the pages are unreachable anyway;
        // the error is the network's, and it is reported as such
        this.robotsDown = { error: (e as Error).message, retryAt: Date.now() + Math.max(1000, this.scaled(this.deps.retryDelaysSec.at(-1) ?? 60)) };
        return parseRobots(this.origin, null, '', this.deps.userAgent);
      }
    })();
    return this.robots;
  }

  /** the network error that kept robots.txt out of reach, when that is why nothing can be fetched */
  get unreachable(): string | null {
    return this.robotsDown?.error ?? null;
  }

  private scaled(sec: number): number {
    return sec * 1000 * this.deps.timeScale;
  }

  /** GET with the retry schedule; returns the last response (even 4xx); throws FetchError when it never got one. */
  private async httpWithRetries(url: string, o: FetchOptions & { headers?: Record<string, string> }): Promise<HttpResponse> {
    const max = o.maxRetries ?? this.deps.retryDelaysSec.length;
    for (let attempt = 0; ; attempt++) {
      this.stats.requests++;
      let res: HttpResponse | null = null;
      let err: Error | null = null;
      try {
        res = await this.deps.http.request(url, {
          headers: o.headers, timeoutMs: o.timeoutMs, retries: 0, retryOn: () => false,
          signal: this.deps.signal, allowPrivate: this.deps.allowPrivate, referer: o.referer,
        });
      } catch (e) {
        if (this.deps.signal?.aborted) throw e;
        err = e as Error;
      }
      if (res && !isRetryable(res.status)) return res;
      if (attempt >= max) {
        if (res) return res;
        throw new NetworkError(url, `network error: GET ${url} failed after ${attempt + 1} attempts: ${err?.message}`);
      }
      const schedule = this.deps.retryDelaysSec;
      let wait = this.scaled(schedule[Math.min(attempt, schedule.length - 1)] ?? 10);
      const ra = retryAfterMs(res?.headers['retry-after']);
      if (ra !== null) wait = Math.max(wait, Math.min(ra, 5 * 60_000) * this.deps.timeScale);
      this.stats.retries++;
      this.deps.onRetry?.({ url, attempt: attempt + 1, status: res?.status ?? null, waitMs: wait, error: err?.message });
      await this.pacer.backoff(wait, this.deps.signal);
    }
  }

  private cacheKey(url: string): string {
    return `promoteurs/pages/${crypto.createHash('sha256').update(url).digest('hex').slice(0, 40)}.html`;
  }

  /** A polite GET of one page: robots, pacing, conditional request, retries, cache. */
  async fetch(url: string, o: FetchOptions = {}): Promise<FetchedPage> {
    const robots = await this.robotsRules();
    if (!robots.allowed(url)) {
      if (this.robotsDown) throw new NetworkError(url, `network error: ${this.origin} unreachable (${this.robotsDown.error})`);
      this.stats.robotsBlocked++;
      throw new RobotsDisallowedError(url, robots.note);
    }
    let delayMs = o.delayMs ?? 0;
    if (robots.crawlDelaySec !== undefined) delayMs = Math.max(delayMs, this.scaled(robots.crawlDelaySec));
    return this.pacer.run(delayMs, o.jitter ?? 0, async () => {
      if (o.engine === 'browser') return this.fetchBrowser(url, o);
      return this.fetchHttp(url, o);
    }, this.deps.signal);
  }

  private async fetchHttp(url: string, o: FetchOptions): Promise<FetchedPage> {
    const { db, files } = this.deps;
    const useCache = !!(o.cache && db && files);
    let cached: { etag: string | null; last_modified: string | null; body_key: string; content_type?: string | null } | undefined;
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'accept-language': 'fr-FR,fr;q=0.9' };
    if (useCache) {
      cached = await db!.withSchema('promoteurs').selectFrom('page_cache').select(['etag', 'last_modified', 'body_key', 'content_type']).where('url', '=', url).executeTakeFirst();
      if (cached?.etag) headers['if-none-match'] = cached.etag;
      if (cached?.last_modified) headers['if-modified-since'] = cached.last_modified;
    }
    const before = this.stats.requests;
    const res = await this.httpWithRetries(url, { ...o, headers });
    const attempts = this.stats.requests - before;
    if (res.status === 304 && cached) {
      const body = await files!.get(cached.body_key).catch(() => null);
      if (body) {
        this.stats.notModified++;
        if (!this.deps.readOnlyCache) await db!.withSchema('promoteurs').updateTable('page_cache').set({ validated_at: new Date() }).where('url', '=', url).execute();
        return { url, status: 200, html: body.toString('utf8'), body, contentType: cached.content_type ?? res.headers['content-type'] ?? '', notModified: true, attempts };
      }
      // cache body lost: fetch again without validators
      return this.fetchHttp(url, { ...o, cache: false });
    }
    if (res.status >= 400) throw new FetchError(url, res.status, `GET ${url} → HTTP ${res.status}${res.status === 429 || res.status >= 500 ? ` after ${attempts} attempts` : ''}`);
    const html = res.text();
    if (useCache && !this.deps.readOnlyCache && res.status === 200 && (res.headers.etag || res.headers['last-modified'])) {
      const key = this.cacheKey(url);
      await files!.put(key, res.body);
      const row = {
        url, status: res.status, etag: res.headers.etag ?? null, last_modified: res.headers['last-modified'] ?? null, body_key: key, content_type: res.headers['content-type'] ?? null,
        content_hash: crypto.createHash('sha256').update(res.body).digest('hex'), fetched_at: new Date(), validated_at: new Date(),
      };
      await db!.withSchema('promoteurs').insertInto('page_cache').values(row)
        .onConflict((oc) => oc.column('url').doUpdateSet({ ...row })).execute();
    }
    return { url: res.url || url, status: res.status, html, body: res.body, contentType: res.headers['content-type'] ?? '', notModified: false, attempts };
  }

  private async fetchBrowser(url: string, o: FetchOptions): Promise<FetchedPage> {
    if (!this.deps.browser) throw new FetchError(url, null, 'browser engine not available');
    if (!this.deps.allowPrivate) await this.deps.http.guard(new URL(url));
    const engine = await this.deps.browser();
    const max = o.maxRetries ?? this.deps.retryDelaysSec.length;
    for (let attempt = 0; ; attempt++) {
      this.stats.requests++;
      let status: number | null = null;
      let html = '';
      let err: Error | null = null;
      try {
        ({ status, html } = await engine.render(url, { timeoutMs: o.timeoutMs ?? 30_000, waitForMs: (o.waitForMs ?? 0), referer: o.referer, signal: this.deps.signal }));
      } catch (e) {
        if (this.deps.signal?.aborted) throw e;
        err = e as Error;
      }
      if (status !== null && !isRetryable(status)) {
        if (status >= 400) throw new FetchError(url, status, `GET ${url} (browser) → HTTP ${status}`);
        return { url, status, html, body: Buffer.from(html), contentType: 'text/html', notModified: false, attempts: attempt + 1 };
      }
      if (attempt >= max) throw new FetchError(url, status, `GET ${url} (browser) failed after ${attempt + 1} attempts: ${err?.message ?? `HTTP ${status}`}`, status === null ? 'network' : 'http');
      const schedule = this.deps.retryDelaysSec;
      const wait = this.scaled(schedule[Math.min(attempt, schedule.length - 1)] ?? 10);
      this.stats.retries++;
      this.deps.onRetry?.({ url, attempt: attempt + 1, status, waitMs: wait, error: err?.message });
      await this.pacer.backoff(wait, this.deps.signal);
    }
  }
}
