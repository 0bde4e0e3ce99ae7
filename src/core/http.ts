// The one outbound HTTP client: per-host concurrency and spacing (politeness), timeouts, retries with
// exponential backoff + jitter honouring Retry-After, an identifying User-Agent, an SSRF guard, and
// logs without secrets (only method, host, path, status, duration).
import dns from 'node:dns/promises';
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

export class HttpClient {
  private opts: HttpClientOptions;
  private hosts = new Map<string, HostState>();
  private policies = new Map<string, HostPolicy>();
  private dispatcher: Dispatcher;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.dispatcher = opts.proxy ? new ProxyAgent(opts.proxy) : new Agent({ connections: 32 });
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
    const addrs = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
    for (const a of addrs) {
      if (isPrivateAddress(a)) throw new SsrfError(`refused: ${url.hostname} resolves to a private or loopback address (${a}); set ATELIER_HTTP_ALLOW_PRIVATE=true only for local testing`);
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

  async request(urlStr: string, o: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(urlStr);
    await this.guard(url, o.allowPrivate);
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
          redirect: o.redirect ?? 'follow',
          dispatcher: this.dispatcher,
        });
        body = Buffer.from(await res.arrayBuffer());
      } catch (e) {
        error = e as Error;
      } finally {
        release();
      }
      if (error && o.signal?.aborted) throw o.signal.reason ?? error;
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
        if (error) throw new HttpError2(`${o.method ?? 'GET'} ${url.host}${url.pathname} failed after ${attempt + 1} attempts: ${error.name === 'TimeoutError' ? 'timeout' : error.message}`, null);
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
    await this.dispatcher.close().catch(() => {});
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
