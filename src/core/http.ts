// The one outbound HTTP client: per-host concurrency and spacing (politeness), timeouts, retries with
// exponential backoff + jitter honouring Retry-After, an identifying User-Agent, an SSRF guard, and
// logs without secrets (only method, host, path, status, duration).
import dns from 'node:dns/promises';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { fetch, ProxyAgent, Agent, type Dispatcher } from 'undici';
import type { Logger } from './log.ts';
import { httpMetrics } from './metrics.ts';

export interface HostPolicy {
  concurrency: number;
  /** minimum delay between two request starts to this host */
  minIntervalMs: number;
  /** random extra delay 0..jitterMs added to minIntervalMs */
  jitterMs: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Uint8Array | URLSearchParams | FormData;
  timeoutMs?: number;
  retries?: number;
  /** base of the exponential backoff (ms) */
  backoffMs?: number;
  /** explicit backoff schedule in ms (overrides backoffMs), e.g. [10000, 30000, 60000] */
  backoffScheduleMs?: number[];
  signal?: AbortSignal;
  allowPrivate?: boolean;
  referer?: string;
  /** statuses that are returned instead of retried/thrown (default: everything but 429/5xx is returned) */
  retryOn?: (status: number) => boolean;
  redirect?: 'follow' | 'manual';
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  url: string;
  text(): string;
  json<T = any>(): T;
}

export class HttpError2 extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = 'OutboundHttpError';
    this.status = status;
  }
}

export class SsrfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SsrfError';
  }
}

interface HostState { active: number; nextStart: number; queue: (() => void)[] }

export interface HttpClientOptions {
  userAgent: string;
  allowPrivate: boolean;
  timeoutMs: number;
  retries: number;
  proxy?: string;
  log?: Logger;
  defaultPolicy?: Partial<HostPolicy>;
  /** which addresses are refused (default: every non-unicast one, isPrivateAddress); tests narrow it */
  isBlocked?: (ip: string) => boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });

/** true for loopback, private, link-local, unique-local, CGNAT, multicast, unspecified… */
export function isPrivateAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return true;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return addr.range() !== 'unicast';
}

/**
 * dns.lookup for the guarded connections: the address checked is the address connected to (no
 * second resolution an attacker's DNS could answer differently).
 */
const guardedLookup = (isBlocked: (ip: string) => boolean) => (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isBlocked(a.address));
    if (bad) return callback(Object.assign(new SsrfError(`refused: ${hostname} resolves to a private or loopback address (${bad.address}); set ATELIER_HTTP_ALLOW_PRIVATE=true only for local testing`), { code: 'ESSRF' }), '');
    if (!list.length) return callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), '');
    if (options.all) callback(null, list);
    else callback(null, list[0].address, list[0].family);
  });
};

const MAX_REDIRECTS = 5;

function isSsrf(e: Error): boolean {
  return e instanceof SsrfError || (e as { cause?: unknown }).cause instanceof SsrfError || (e as { cause?: { code?: string } }).cause?.code === 'ESSRF';
}
function ssrfOf(e: Error): SsrfError {
  const c = (e as { cause?: unknown }).cause;
  return c instanceof SsrfError ? c : e instanceof SsrfError ? e : new SsrfError((c as Error)?.message ?? e.message);
}

export class HttpClient {
  private opts: HttpClientOptions;
  private hosts = new Map<string, HostState>();
  private policies = new Map<string, HostPolicy>();
  /** connections whose every address is checked at connect time */
  private guarded: Dispatcher;
  /** connections allowed to reach private addresses (ATELIER_HTTP_ALLOW_PRIVATE, or a request's allowPrivate) */
  private open: Dispatcher;
  private isBlocked: (ip: string) => boolean;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    // through a proxy the proxy resolves names: the pre-connect DNS check in guard() is what remains
    this.open = opts.proxy ? new ProxyAgent(opts.proxy) : new Agent({ connections: 32 });
    this.isBlocked = opts.isBlocked ?? isPrivateAddress;
    this.guarded = opts.proxy ? this.open : new Agent({ connections: 32, connect: { lookup: guardedLookup(this.isBlocked) as any } });
  }

  get userAgent(): string {
    return this.opts.userAgent;
  }

  configureHost(host: string, policy: Partial<HostPolicy>): void {
    this.policies.set(host.toLowerCase(), { ...this.policyFor(host), ...policy });
  }

  policyFor(host: string): HostPolicy {
    return this.policies.get(host.toLowerCase()) ?? { concurrency: 4, minIntervalMs: 0, jitterMs: 0, ...this.opts.defaultPolicy };
  }

  /** Throws SsrfError when the URL targets a private/loopback address and that is not allowed. */
  async guard(url: URL, allowPrivate?: boolean): Promise<void> {
    if (!['http:', 'https:'].includes(url.protocol)) throw new SsrfError(`only http(s) URLs are allowed: ${url.protocol}`);
    if (allowPrivate ?? this.opts.allowPrivate) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // an address literal is never resolved, so never seen by the connect-time lookup: checked here;
    // a name is checked when connecting (guardedLookup), except through a proxy, which resolves it itself
    if (!net.isIP(host) && !this.opts.proxy) return;
    const addrs = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
    for (const a of addrs) {
      if (this.isBlocked(a)) throw new SsrfError(`refused: ${url.hostname} resolves to a private or loopback address (${a}); set ATELIER_HTTP_ALLOW_PRIVATE=true only for local testing`);
    }
  }

  private async acquire(host: string, signal?: AbortSignal): Promise<() => void> {
    let st = this.hosts.get(host);
    if (!st) this.hosts.set(host, (st = { active: 0, nextStart: 0, queue: [] }));
    const policy = this.policyFor(host);
    const state = st;
    // a released slot is handed straight to the next waiter, so nobody can overtake it
    if (state.active >= policy.concurrency) await new Promise<void>((r) => state.queue.push(r));
    else state.active++;
    const now = Date.now();
    const wait = Math.max(0, state.nextStart - now);
    state.nextStart = Math.max(now, state.nextStart) + policy.minIntervalMs + Math.random() * policy.jitterMs;
    try {
      if (wait > 0) await sleep(wait, signal);
    } catch (e) {
      release();
      throw e;
    }
    function release() {
      const next = state.queue.shift();
      if (next) next();
      else state.active--;
    }
    return release;
  }

  /**
   * Redirects are followed here, not by fetch, so that every hop goes through the SSRF guard (an
   * allowed host answering `Location: http://127.0.0.1/` is refused like a direct request).
   */
  async request(urlStr: string, o: RequestOptions = {}): Promise<HttpResponse> {
    let url = new URL(urlStr);
    let opts = o;
    for (let hop = 0; ; hop++) {
      const res = await this.requestOnce(url, opts);
      const location = res.headers.location;
      if (o.redirect === 'manual' || ![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      if (hop >= MAX_REDIRECTS) throw new HttpError2(`${o.method ?? 'GET'} ${url.host}${url.pathname}: more than ${MAX_REDIRECTS} redirects`, res.status);
      const next = new URL(location, url);
      // as fetch does: 303 (and 301/302 after a POST) become a GET without body; credentials stay on their origin
      const toGet = res.status === 303 || ((res.status === 301 || res.status === 302) && (opts.method ?? 'GET') === 'POST');
      const headers = { ...opts.headers };
      if (next.origin !== url.origin) for (const h of Object.keys(headers)) if (/^(authorization|cookie|proxy-authorization)$/i.test(h)) delete headers[h];
      opts = { ...opts, headers, ...(toGet ? { method: 'GET', body: undefined } : {}) };
      url = next;
    }
  }

  private async requestOnce(url: URL, o: RequestOptions): Promise<HttpResponse> {
    await this.guard(url, o.allowPrivate);
    const allowPrivate = o.allowPrivate ?? this.opts.allowPrivate;
    const retries = o.retries ?? this.opts.retries;
    const retryOn = o.retryOn ?? ((s: number) => s === 429 || s >= 500);
    const host = url.host.toLowerCase();
    let attempt = 0;
    for (;;) {
      const release = await this.acquire(host, o.signal);
      const started = Date.now();
      let res: Awaited<ReturnType<typeof fetch>> | null = null;
      let body: Buffer | null = null;
      let error: Error | null = null;
      const timeout = AbortSignal.timeout(o.timeoutMs ?? this.opts.timeoutMs);
      const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
      try {
        res = await fetch(url, {
          method: o.method ?? 'GET',
          headers: { 'user-agent': this.opts.userAgent, ...(o.referer ? { referer: o.referer } : {}), ...o.headers },
          body: o.body as any,
          signal,
          redirect: 'manual',
          dispatcher: allowPrivate ? this.open : this.guarded,
        });
        body = Buffer.from(await res.arrayBuffer());
      } catch (e) {
        error = e as Error;
      } finally {
        release();
      }
      if (error && o.signal?.aborted) throw o.signal.reason ?? error;
      if (error && isSsrf(error)) throw ssrfOf(error); // refused, not a network error: no retry
      const status = res?.status ?? 0;
      httpMetrics.outbound.inc({ host, status: String(status || 'error') });
      this.opts.log?.debug({ method: o.method ?? 'GET', host, path: url.pathname, status, ms: Date.now() - started, attempt }, 'outbound request');
      const retryable = error !== null || retryOn(status);
      if (!retryable && res && body) {
        const headers = headersOf(res);
        const b = body;
        return { status, headers, body: b, url: res.url || url.toString(), text: () => b.toString('utf8'), json: () => JSON.parse(b.toString('utf8')) };
      }
      if (attempt >= retries) {
        if (error) {
          // undici says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND…) in its cause
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          const why = error.name === 'TimeoutError' ? 'timeout' : cause?.code ? `${error.message} (${cause.code})` : error.message;
          throw new HttpError2(`${o.method ?? 'GET'} ${url.host}${url.pathname} failed after ${attempt + 1} attempts: ${why}`, null);
        }
        const headers = headersOf(res!);
        const b = body!;
        return { status, headers, body: b, url: res!.url || url.toString(), text: () => b.toString('utf8'), json: () => JSON.parse(b.toString('utf8')) };
      }
      const delay = this.backoff(attempt, o, res?.headers.get('retry-after') ?? null);
      attempt++;
      await sleep(delay, o.signal);
    }
  }

  backoff(attempt: number, o: RequestOptions, retryAfter: string | null): number {
    if (retryAfter) {
      const secs = Number(retryAfter);
      if (Number.isFinite(secs)) return Math.min(secs * 1000, 5 * 60_000);
      const date = Date.parse(retryAfter);
      if (Number.isFinite(date)) return Math.max(0, Math.min(date - Date.now(), 5 * 60_000));
    }
    if (o.backoffScheduleMs?.length) return o.backoffScheduleMs[Math.min(attempt, o.backoffScheduleMs.length - 1)];
    const base = o.backoffMs ?? 500;
    const exp = base * 2 ** attempt;
    return exp / 2 + Math.random() * (exp / 2); // "equal jitter"
  }

  async close(): Promise<void> {
    await this.open.close().catch(() => {});
    if (this.guarded !== this.open) await this.guarded.close().catch(() => {});
  }
}

/** Response headers by lower-case name; several Set-Cookie headers are kept, one per line (a header value cannot hold a newline). */
function headersOf(res: { headers: { forEach(cb: (v: string, k: string) => void): void; getSetCookie?(): string[] } }): Record<string, string> {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  const cookies = res.headers.getSetCookie?.() ?? [];
  if (cookies.length > 1) headers['set-cookie'] = cookies.join('\n');
  return headers;
}
