// vinted-web: the seller's own web session, calling the endpoints Vinted's web app calls
// (contract §1): cookies + the browser's user agent, `X-CSRF-Token` read from /items/new,
// `X-Anon-Id`, the access token as bearer too. On a 401 the session is refreshed once — one refresh
// at a time per account across every process, the rotated refresh token saved at once — and the
// call replayed; a second 401 means the account must be reconnected. No call is retried here: the
// queue decides (a blind retry of a create could publish twice).
import { FormData } from 'undici';
import type { CoreContext } from '../../core/module.ts';
import { SsrfError, type HttpResponse } from '../../core/http.ts';
import { registerSecret, scrub } from '../../core/log.ts';
import { applySetCookie, cookieHeader, jwtClaims, parseCookies, sessionExpiry, type CookieJar } from '../accounts/cookies.ts';
import { updateAccount, webVaultName, type Account } from '../accounts/store.ts';
import { classify, VintedError } from './errors.ts';

interface StoredSession { cookie_value: string; user_agent: string; saved_at?: string; csrf_token?: string | null }

const refreshing = new Map<string, Promise<void>>();

export interface PhotoUploaded { id: number; url: string | null }
export interface CreatedItem { id: string; url: string | null }
export interface WardrobePage { items: any[]; totalPages: number }

export class WebAdapter {
  readonly kind = 'web' as const;
  private ctx: CoreContext;
  private account: Account;
  private base: string;
  private jar: CookieJar | null = null;
  private ua = '';
  private csrf: string | null = null;

  constructor(ctx: CoreContext, account: Account, baseUrl: string) {
    this.ctx = ctx;
    this.account = account;
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async load(): Promise<void> {
    const raw = await this.ctx.vault.get(webVaultName(this.account.name));
    if (!raw) throw new VintedError('auth', `no session stored for account ${this.account.name}`);
    const s = JSON.parse(raw) as StoredSession;
    this.jar = parseCookies(s.cookie_value);
    this.ua = s.user_agent;
    this.csrf = s.csrf_token ?? null;
    // each value on its own, so that a token quoted alone in an error or a URL is masked too
    for (const v of Object.values(this.jar.values)) registerSecret(v);
    registerSecret(this.ua);
  }

  private async save(): Promise<void> {
    for (const v of Object.values(this.jar!.values)) registerSecret(v);
    const list = Object.entries(this.jar!.values).map(([name, value]) => ({ name, value, ...(this.jar!.expires[name] ? { expirationDate: Math.floor(this.jar!.expires[name] / 1000) } : {}) }));
    await this.ctx.vault.set(webVaultName(this.account.name), JSON.stringify({ cookie_value: JSON.stringify(list), user_agent: this.ua, saved_at: new Date().toISOString(), csrf_token: this.csrf }));
    const exp = sessionExpiry(this.jar!);
    await updateAccount(this.ctx, this.account.id, { session_expires_at: exp ? new Date(exp) : null });
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const v = this.jar!.values;
    const anon = v.anon_id ?? (jwtClaims(v.access_token_web)?.anid as string | undefined);
    return {
      'user-agent': this.ua,
      accept: 'application/json, text/plain, */*, image/webp',
      'accept-language': 'fr-FR,fr;q=0.9',
      cookie: cookieHeader(v),
      origin: this.base,
      referer: `${this.base}/items/new`,
      ...(v.access_token_web ? { authorization: `Bearer ${v.access_token_web}` } : {}),
      ...(anon ? { 'x-anon-id': anon } : {}),
      ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
      ...extra,
    };
  }

  // the FormData of the undici the HTTP client uses (Node's global one is another class to it)
  private async send(method: string, path: string, o: { body?: string | FormData; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpResponse> {
    try {
      return await this.ctx.http.request(`${this.base}${path}`, {
        method, headers: this.headers(o.headers), body: o.body as never, retries: 0, retryOn: () => false, redirect: 'manual', timeoutMs: o.timeoutMs,
      });
    } catch (e) {
      if (e instanceof SsrfError) throw e;
      throw new VintedError('network', scrub(`${method} ${path}: ${(e as Error).message}`));
    }
  }

  /** The CSRF token the web app embeds in its pages (per deployment, cached in the vault). */
  private async fetchCsrf(): Promise<void> {
    const r = await this.send('GET', '/items/new', { headers: { accept: 'text/html,application/xhtml+xml' } });
    if (r.status === 403 || r.status >= 500 || r.status === 429) {
      const e = classify(r, 'GET /items/new');
      if (e) throw e;
    }
    const m = /CSRF_TOKEN\\?"?\s*:\s*\\?"?([0-9a-f-]{36})/i.exec(r.text()) ?? /<meta[^>]+name="csrf-token"[^>]+content="([^"]+)"/i.exec(r.text());
    if (!m) throw new VintedError('unexpected', `GET /items/new: no CSRF token in the page (${r.status}); is VINTED_BASE_URL a Vinted site?`, { status: r.status });
    this.csrf = m[1];
    await this.save();
  }

  private async refresh(tokenUsed: string | undefined): Promise<void> {
    const key = this.account.id;
    const running = refreshing.get(key);
    if (running) {
      await running;
      await this.load();
      return;
    }
    const p = (async () => {
      await this.load();
      if (this.jar!.values.access_token_web !== tokenUsed) return; // another call (or process) already refreshed
      const db = this.ctx.db.withSchema('vinted');
      const deadline = Date.now() + 20_000;
      // one refresh across processes: the refresh token is single-use
      for (;;) {
        const got = await db.updateTable('accounts').set({ refresh_until: new Date(Date.now() + 15_000) })
          .where('id', '=', key).where((eb) => eb.or([eb('refresh_until', 'is', null), eb('refresh_until', '<', new Date())]))
          .returning('id').executeTakeFirst();
        if (got) break;
        await new Promise((r) => setTimeout(r, 300));
        await this.load();
        if (this.jar!.values.access_token_web !== tokenUsed) return;
        if (Date.now() > deadline) throw new VintedError('auth', 'session refresh: another process holds the refresh lock');
      }
      try {
        await this.load();
        if (this.jar!.values.access_token_web !== tokenUsed) return;
        const r = await this.send('POST', '/web/api/auth/refresh', { headers: { 'content-type': 'application/json' }, body: '{}' });
        if (r.status !== 200) {
          const e = classify(r, 'refresh');
          if (e?.kind === 'captcha') throw e;
          throw new VintedError('auth', `session refresh refused (${r.status})`, { status: r.status });
        }
        applySetCookie(this.jar!, r.headers['set-cookie']);
        try {
          const b = r.json<{ access_token?: string }>();
          if (b?.access_token) this.jar!.values.access_token_web = b.access_token;
        } catch { /* the cookies carry it */ }
        await this.save();
      } finally {
        await db.updateTable('accounts').set({ refresh_until: null }).where('id', '=', key).execute();
      }
    })();
    refreshing.set(key, p);
    try {
      await p;
    } finally {
      refreshing.delete(key);
    }
  }

  /** One call: 401 → refresh once → replay; 403 106 on a write with a cached CSRF → fetch it again once → replay. */
  async call(method: string, path: string, o: { json?: unknown; form?: () => FormData; write?: boolean; what?: string; timeoutMs?: number; extraHeaders?: Record<string, string> } = {}): Promise<any> {
    if (!this.jar) await this.load();
    const write = o.write ?? method !== 'GET';
    if (write && !this.csrf) await this.fetchCsrf();
    const what = o.what ?? `${method} ${path.split('?')[0]}`;
    let refreshed = false;
    let csrfRetried = false;
    for (;;) {
      const tokenUsed = this.jar!.values.access_token_web;
      const body = o.json !== undefined ? JSON.stringify(o.json) : o.form?.();
      const r = await this.send(method, path, { body, headers: { ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}), ...o.extraHeaders }, timeoutMs: o.timeoutMs });
      applySetCookie(this.jar!, r.headers['set-cookie']);
      const err = classify(r, what);
      if (!err) {
        try {
          return r.body.length ? r.json() : {};
        } catch {
          return {};
        }
      }
      if (err.kind === 'auth' && !refreshed) {
        refreshed = true;
        await this.refresh(tokenUsed);
        continue;
      }
      if (err.kind === 'access_denied' && write && !csrfRetried) {
        csrfRetried = true;
        await this.fetchCsrf();
        continue;
      }
      throw err;
    }
  }

  // ---------- operations ----------

  async currentUser(): Promise<{ id: string; login: string; expiresAt: Date | null }> {
    const b = await this.call('GET', '/api/v2/users/current', { what: 'check' });
    const u = b?.user ?? b;
    if (!u?.id) throw new VintedError('unexpected', 'users/current: no user in the answer');
    const exp = sessionExpiry(this.jar!);
    return { id: String(u.id), login: String(u.login ?? u.id), expiresAt: exp ? new Date(exp) : null };
  }

  async uploadPhoto(tempUuid: string, bytes: Buffer, filename: string, timeoutMs?: number): Promise<PhotoUploaded> {
    const b = await this.call('POST', '/api/v2/photos', {
      what: 'photo upload', timeoutMs,
      form: () => {
        const f = new FormData();
        f.append('photo[type]', 'item');
        f.append('photo[temp_uuid]', tempUuid);
        f.append('photo[file]', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), filename);
        return f;
      },
    });
    // clients read body.id ?? body.photo.id (contract §1.3)
    const id = Number(b?.id ?? b?.photo?.id);
    if (!Number.isFinite(id) || id <= 0) throw new VintedError('unexpected', 'photo upload: no photo id in the answer');
    return { id, url: b?.url ?? b?.photo?.url ?? null };
  }

  /** The photos already uploaded under a listing's temp_uuid (GET /photos, [L]: tolerant, [] when unsupported). */
  async photosOf(tempUuid: string): Promise<number[] | null> {
    try {
      const b = await this.call('GET', `/api/v2/photos?temp_uuid=${encodeURIComponent(tempUuid)}`, { what: 'photo list' });
      const list = b?.photos ?? b?.items ?? (Array.isArray(b) ? b : null);
      if (!Array.isArray(list)) return null;
      return list.filter((p: any) => !p?.temp_uuid || p.temp_uuid === tempUuid).map((p: any) => Number(p.id)).filter((n: number) => Number.isFinite(n));
    } catch (e) {
      if (e instanceof VintedError && (e.kind === 'not_found' || e.kind === 'unexpected' || e.kind === 'validation')) return null;
      throw e;
    }
  }

  async createItem(body: unknown, timeoutMs?: number): Promise<CreatedItem> {
    const b = await this.call('POST', '/api/v2/item_upload/items', { json: body, what: 'item creation', timeoutMs, extraHeaders: { 'x-upload-form': 'true', 'x-enable-multiple-size-groups': 'true' } });
    const id = b?.item?.id ?? b?.id;
    // "id may sometimes be null" (contract §1.4): the wardrobe tells then
    return { id: id === null || id === undefined ? '' : String(id), url: b?.item?.url ?? null };
  }

  async getItem(id: string): Promise<any> {
    const b = await this.call('GET', `/api/v2/item_upload/items/${encodeURIComponent(id)}`, { what: 'item read', extraHeaders: { 'x-enable-multiple-size-groups': 'true' } });
    return b?.item ?? b;
  }

  async updateItem(id: string, item: Record<string, unknown>): Promise<any> {
    const b = await this.call('PUT', `/api/v2/item_upload/items/${encodeURIComponent(id)}`, {
      json: { item: { ...item, id: Number(id) }, feedback_id: null, push_up: false, parcel: null, upload_session_id: item.temp_uuid ?? null },
      what: 'item edit', extraHeaders: { 'x-enable-multiple-size-groups': 'true' },
    });
    return b?.item ?? b;
  }

  async deleteItem(id: string): Promise<void> {
    await this.call('POST', `/api/v2/items/${encodeURIComponent(id)}/delete`, { json: {}, what: 'item deletion' });
  }

  async setHidden(id: string, hidden: boolean): Promise<void> {
    await this.call('PUT', `/api/v2/items/${encodeURIComponent(id)}/is_hidden`, { json: { is_hidden: hidden }, what: hidden ? 'hide' : 'unhide' });
  }

  async wardrobe(userId: string, page: number, perPage = 96): Promise<WardrobePage> {
    const b = await this.call('GET', `/api/v2/wardrobe/${encodeURIComponent(userId)}/items?page=${page}&per_page=${perPage}&order=relevance`, { what: 'wardrobe' });
    const items = Array.isArray(b?.items) ? b.items : [];
    const totalPages = Number(b?.pagination?.total_pages ?? (items.length < perPage ? page : page + 1));
    return { items, totalPages: Number.isFinite(totalPages) ? totalPages : page };
  }

  async lookup(path: string): Promise<any> {
    return this.call('GET', path, { what: `lookup ${path.split('?')[0]}` });
  }
}
