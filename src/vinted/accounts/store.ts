// Vinted seller accounts: metadata and queue state in vinted.accounts, secrets in the vault only —
// a web session (cookies + user agent) under vinted.session.<name> (the same entry POST /auth/session
// writes), a Pro token under vinted.pro.<name>, a Pro webhook key under vinted.webhook.<id>.
import { recordEvent } from '../events/outbox.ts';
import type { CoreContext } from '../../core/module.ts';
import { registerSecret } from '../../core/log.ts';
import { parseCookies, sessionExpiry, CookieFileError } from './cookies.ts';
import { splitProToken } from '../vinted-api/hmac.ts';

export type AccountKind = 'web' | 'pro';

export interface Account {
  id: string;
  name: string;
  kind: AccountKind;
  login: string | null;
  vinted_user_id: string | null;
  status: 'unchecked' | 'ok' | 'reconnect' | 'error';
  status_code: string | null;
  checked_at: Date | null;
  session_expires_at: Date | null;
  queue_state: 'running' | 'paused' | 'stopped';
  queue_code: string | null;
  queue_changed_at: Date | null;
  writes_per_hour: number | null;
  active_hours: string | null;
  next_write_at: Date | null;
  failures: number;
  circuit_opens: number;
  circuit_until: Date | null;
  slots_used: number | null;
  slots_total: number | null;
  synced_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const webVaultName = (name: string) => `vinted.session.${name}`;
export const proVaultName = (name: string) => `vinted.pro.${name}`;
export const webhookVaultName = (id: string) => `vinted.webhook.${id}`;

export const ACCOUNT_NAME = /^[\w.-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const A = (ctx: Pick<CoreContext, 'db'>) => ctx.db.withSchema('vinted');

function row(r: any): Account {
  const d = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    id: r.id, name: r.name, kind: r.kind, login: r.login, vinted_user_id: r.vinted_user_id, status: r.status, status_code: r.status_code,
    checked_at: d(r.checked_at), session_expires_at: d(r.session_expires_at ?? r.expires_at), queue_state: r.queue_state, queue_code: r.queue_code,
    queue_changed_at: d(r.queue_changed_at), writes_per_hour: r.writes_per_hour, active_hours: r.active_hours, next_write_at: d(r.next_write_at),
    failures: Number(r.failures), circuit_opens: Number(r.circuit_opens), circuit_until: d(r.circuit_until), slots_used: r.slots_used, slots_total: r.slots_total,
    synced_at: d(r.synced_at), created_at: new Date(r.created_at), updated_at: new Date(r.updated_at),
  };
}

/** By id (uuid) or by name. */
export async function getAccount(ctx: Pick<CoreContext, 'db'>, idOrName: string): Promise<Account | null> {
  const q = A(ctx).selectFrom('accounts').selectAll();
  const r = await (UUID.test(idOrName) ? q.where('id', '=', idOrName) : q.where('name', '=', idOrName)).executeTakeFirst();
  return r ? row(r) : null;
}

export async function listAccounts(ctx: Pick<CoreContext, 'db'>): Promise<Account[]> {
  return (await A(ctx).selectFrom('accounts').selectAll().orderBy('name').execute()).map(row);
}

export class AccountInputError extends Error {}

/**
 * Connects (or reconnects) an account: the secret goes to the vault, the row keeps what is safe to
 * show. A web session needs access_token_web and refresh_token_web among the cookies.
 */
export async function saveAccount(ctx: CoreContext, o: { name: string; kind: AccountKind; cookies?: string; userAgent?: string; token?: string; by?: string | null }): Promise<Account> {
  if (!ACCOUNT_NAME.test(o.name)) throw new AccountInputError('account name: letters, digits, dot, dash, underscore (1–64)');
  const existing = await getAccount(ctx, o.name);
  if (existing && existing.kind !== o.kind) throw new AccountInputError(`account ${o.name} is a ${existing.kind} account: delete it first to connect it as ${o.kind}`);
  let expires: number | null = null;
  if (o.kind === 'web') {
    if (!o.cookies) throw new AccountInputError('a web account needs the cookies of the logged-in browser');
    if (!o.userAgent?.trim()) throw new AccountInputError('a web account needs the user agent of the browser the cookies come from');
    let jar;
    try {
      jar = parseCookies(o.cookies);
    } catch (e) {
      throw new AccountInputError(e instanceof CookieFileError ? e.message : 'unreadable cookies');
    }
    const missing = ['access_token_web', 'refresh_token_web'].filter((n) => !jar.values[n]);
    if (missing.length) throw new AccountInputError(`the cookies lack ${missing.join(' and ')}: export them from a browser logged into Vinted`);
    expires = sessionExpiry(jar);
    for (const v of Object.values(jar.values)) registerSecret(v);
    registerSecret(o.userAgent.trim());
    await ctx.vault.set(webVaultName(o.name), JSON.stringify({ cookie_value: o.cookies, user_agent: o.userAgent.trim(), saved_at: new Date().toISOString() }));
  } else {
    const keys = o.token ? splitProToken(o.token) : null;
    if (!keys) throw new AccountInputError('a Pro account needs the token shown by the Vinted Pro portal: "<access_key>,<signing_key>"');
    registerSecret(keys.accessKey);
    registerSecret(keys.signingKey);
    await ctx.vault.set(proVaultName(o.name), JSON.stringify({ token: o.token!.trim(), saved_at: new Date().toISOString() }));
  }
  const now = new Date();
  const values = {
    name: o.name, vault_name: o.kind === 'web' ? webVaultName(o.name) : proVaultName(o.name), kind: o.kind, cookie_names: JSON.stringify([]),
    has_user_agent: o.kind === 'web', expires_at: expires ? new Date(expires) : null, expiry_source: expires ? 'jwt' : null,
    session_expires_at: expires ? new Date(expires) : null, status: 'unchecked', status_code: null, created_by: o.by ?? null, updated_at: now,
  };
  await A(ctx).insertInto('accounts').values({ ...values, active: false })
    .onConflict((oc) => oc.column('name').doUpdateSet({
      vault_name: values.vault_name, expires_at: values.expires_at, expiry_source: values.expiry_source, has_user_agent: values.has_user_agent,
      session_expires_at: values.session_expires_at, status: 'unchecked', status_code: null, updated_at: now,
    }))
    .execute();
  const active = await A(ctx).selectFrom('accounts').select('name').where('active', '=', true).executeTakeFirst();
  if (!active) await A(ctx).updateTable('accounts').set({ active: true }).where('name', '=', o.name).execute();
  return (await getAccount(ctx, o.name))!;
}

export async function updateAccount(ctx: Pick<CoreContext, 'db'>, id: string, patch: Partial<Record<string, unknown>>): Promise<void> {
  await A(ctx).updateTable('accounts').set({ ...patch, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Stops or restarts an account's queue, with the reason (a code the UI and the CLI translate). */
export async function setQueue(ctx: Pick<CoreContext, 'db'>, id: string, state: Account['queue_state'], code: string | null): Promise<void> {
  const before = await A(ctx).selectFrom('accounts').select(['queue_state', 'queue_code']).where('id', '=', id).executeTakeFirst();
  const at = new Date();
  await updateAccount(ctx, id, { queue_state: state, queue_code: code, queue_changed_at: at });
  // a stop the seller did not ask for is news (notification, webhook); the same stop seen twice is not
  if (state === 'stopped' && code !== 'user' && !(before?.queue_state === 'stopped' && before.queue_code === code)) {
    const type = code === 'reconnect' ? 'account.reconnect' : code === 'captcha' || code === 'html_block' || code === 'access_denied' ? 'account.blocked' : 'queue.blocked';
    await recordEvent(ctx.db, { type, accountId: id, dedupeKey: `${type}:${id}:${at.toISOString()}`, data: { code } });
  }
}

export async function deleteAccount(ctx: CoreContext, a: Account): Promise<void> {
  await ctx.vault.delete(webVaultName(a.name));
  await ctx.vault.delete(proVaultName(a.name));
  await ctx.vault.delete(webhookVaultName(a.id));
  await A(ctx).deleteFrom('accounts').where('id', '=', a.id).execute();
}

/** What the API and the CLI may show of an account (never a secret). */
export function publicAccount(a: Account) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: a.id, name: a.name, kind: a.kind, login: a.login, vinted_user_id: a.vinted_user_id, status: a.status, status_code: a.status_code,
    checked_at: iso(a.checked_at), session_expires_at: iso(a.session_expires_at), queue_state: a.queue_state, queue_code: a.queue_code,
    queue_changed_at: iso(a.queue_changed_at), writes_per_hour: a.writes_per_hour, active_hours: a.active_hours, next_write_at: iso(a.next_write_at),
    circuit_until: iso(a.circuit_until), slots_used: a.slots_used, slots_total: a.slots_total, synced_at: iso(a.synced_at), created_at: iso(a.created_at),
  };
}
export type PublicAccount = ReturnType<typeof publicAccount>;
