// vinted-pro: the official Vinted Pro Integrations API (contract §2), for business sellers. Every
// request is signed (X-Vpi-Access-Key + X-Vpi-Hmac-Sha256, re-signed on each attempt); CreateItems
// answers 202 and the result comes by status poll or a signed webhook; photos are not uploaded but
// fetched by Vinted from `photo_urls` (our signed, expiring URLs). Shapes marked [L]/[M] in the
// contract are read tolerantly (several field names, upper or lower case statuses).
import type { CoreContext } from '../../core/module.ts';
import { SsrfError } from '../../core/http.ts';
import { registerSecret, scrub } from '../../core/log.ts';
import { proVaultName, type Account } from '../accounts/store.ts';
import { classify, fieldErrors, VintedError, type FieldError } from './errors.ts';
import { signRequest, splitProToken } from './hmac.ts';

export interface ProStatus { state: 'in_progress' | 'success' | 'failure'; vintedId: string | null; url: string | null; errors: FieldError[] }

export const PRO_EVENTS = ['CREATE_ITEM_SUCCESS', 'CREATE_ITEM_FAILURE', 'UPDATE_ITEM_SUCCESS', 'UPDATE_ITEM_FAILURE', 'DELETE_ITEM_SUCCESS', 'ITEM_DELETED', 'ITEM_SOLD', 'ITEM_PUBLISHED', 'VINTED_AUTHENTICATION_ERROR'];

export function readProStatus(b: any): ProStatus {
  const raw = String(b?.status ?? b?.state ?? '').toLowerCase();
  const state = /success|succeeded|completed|active|published|done/.test(raw) ? 'success' : /fail|error|rejected/.test(raw) ? 'failure' : 'in_progress';
  const vid = b?.vinted_item_id ?? b?.vinted_id ?? b?.item?.id ?? null;
  return { state, vintedId: vid === null || vid === undefined ? null : String(vid), url: b?.url ?? b?.item?.url ?? null, errors: fieldErrors(b) };
}

export class ProAdapter {
  readonly kind = 'pro' as const;
  private ctx: CoreContext;
  private account: Account;
  private base: string;
  private keys: { accessKey: string; signingKey: string } | null = null;

  constructor(ctx: CoreContext, account: Account, baseUrl: string) {
    this.ctx = ctx;
    this.account = account;
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async load(): Promise<{ accessKey: string; signingKey: string }> {
    if (this.keys) return this.keys;
    const raw = await this.ctx.vault.get(proVaultName(this.account.name));
    const keys = raw ? splitProToken(JSON.parse(raw).token) : null;
    if (!keys) throw new VintedError('auth', `no Pro token stored for account ${this.account.name}`);
    registerSecret(keys.accessKey);
    registerSecret(keys.signingKey);
    this.keys = keys;
    return keys;
  }

  async call(method: string, pathAndQuery: string, o: { json?: unknown; what?: string; timeoutMs?: number } = {}): Promise<{ status: number; body: any }> {
    const k = await this.load();
    const body = o.json !== undefined ? JSON.stringify(o.json) : '';
    const what = o.what ?? `${method} ${pathAndQuery.split('?')[0]}`;
    let r;
    try {
      r = await this.ctx.http.request(`${this.base}${pathAndQuery}`, {
        method, body: body || undefined, retries: 0, retryOn: () => false, redirect: 'manual', timeoutMs: o.timeoutMs,
        headers: {
          accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}),
          'x-vpi-access-key': k.accessKey,
          'x-vpi-hmac-sha256': signRequest({ method, pathAndQuery, accessKey: k.accessKey, signingKey: k.signingKey, body }),
        },
      });
    } catch (e) {
      if (e instanceof SsrfError) throw e;
      throw new VintedError('network', scrub(`${what}: ${(e as Error).message}`));
    }
    const err = classify(r, what);
    if (err) throw err;
    let b: any = {};
    try {
      b = r.body.length ? r.json() : {};
    } catch { /* empty */ }
    return { status: r.status, body: b };
  }

  async currentUser(): Promise<{ id: string; login: string; expiresAt: Date | null }> {
    await this.call('GET', '/api/v1/items?limit=1', { what: 'check' });
    // the Pro API has no "current user": the account is known by the name it was given
    return { id: `pro:${(await this.load()).accessKey.slice(0, 12)}`, login: this.account.name, expiresAt: null };
  }

  /** CreateItems with one item: the whole request is refused when the slots are short. */
  async submit(item: Record<string, unknown>, timeoutMs?: number): Promise<{ ref: string }> {
    const { body } = await this.call('POST', '/api/v1/items', { json: { items: [item] }, what: 'item creation', timeoutMs });
    const first = (body?.items ?? body?.data ?? [])[0];
    const ref = first?.item_id ?? first?.id ?? first?.uuid;
    if (!ref) throw new VintedError('unexpected', 'CreateItems: no item id in the answer');
    return { ref: String(ref) };
  }

  async status(ref: string): Promise<ProStatus> {
    const { body } = await this.call('GET', `/api/v1/items/${encodeURIComponent(ref)}/status`, { what: 'item status' });
    return readProStatus(body);
  }

  /** Every item of the account (cursor pages). */
  async listAll(max = 5000): Promise<any[]> {
    const out: any[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = await this.call('GET', `/api/v1/items?limit=100${after ? `&after_item_id=${encodeURIComponent(after)}` : ''}`, { what: 'item list' });
      const page: any[] = body?.items ?? body?.data ?? [];
      out.push(...page);
      const last = page[page.length - 1];
      if (!page.length || !(body?.has_more ?? page.length === 100) || out.length >= max) return out;
      after = String(last.item_id ?? last.id);
    }
  }

  async update(ref: string, item: Record<string, unknown>): Promise<void> {
    await this.call('PUT', '/api/v1/items', { json: { items: [{ ...item, item_id: ref }] }, what: 'item edit' });
  }

  async delete(refs: string[]): Promise<void> {
    await this.call('DELETE', '/api/v1/items', { json: { item_ids: refs }, what: 'item deletion' });
  }

  async registerWebhook(url: string): Promise<{ id: string; signingKey: string }> {
    const { body } = await this.call('POST', '/api/v1/webhooks', { json: { url, event_types: PRO_EVENTS }, what: 'webhook registration' });
    const key = body?.signing_key ?? body?.webhook?.signing_key;
    if (!key) throw new VintedError('unexpected', 'webhook registration: no signing key in the answer');
    return { id: String(body?.id ?? body?.webhook?.id ?? ''), signingKey: String(key) };
  }

  async ontologies(): Promise<any> {
    return (await this.call('GET', '/api/v1/ontologies', { what: 'ontologies' })).body;
  }
}
