// Vinted web sessions: the cookie and user agent go to the vault (sealed, scrubbed from logs); the
// database keeps only metadata (cookie names, expiry, whether a user agent was given).
import type { CoreContext } from '../../core/module.ts';
import { inspectCookie } from './cookie.ts';

export const vaultName = (account: string) => `vinted.session.${account}`;

export async function saveSession(ctx: CoreContext, account: string, cookie: string, userAgent: string, by?: string | null): Promise<void> {
  const info = inspectCookie(cookie);
  await ctx.vault.set(vaultName(account), JSON.stringify({ cookie_value: cookie, user_agent: userAgent, saved_at: new Date().toISOString() }));
  const row = {
    name: account, vault_name: vaultName(account), cookie_names: JSON.stringify(info.names), has_user_agent: userAgent.length > 0,
    expires_at: info.expires_at ? new Date(info.expires_at) : null, expiry_source: info.expiry_source, created_by: by ?? null, updated_at: new Date(),
  };
  await ctx.db.withSchema('vinted').insertInto('accounts').values({ ...row, active: false })
    .onConflict((oc) => oc.column('name').doUpdateSet({
      vault_name: row.vault_name, cookie_names: row.cookie_names, has_user_agent: row.has_user_agent, expires_at: row.expires_at,
      expiry_source: row.expiry_source, updated_at: row.updated_at,
    }))
    .execute();
  // the first account stored becomes the active one
  const active = await ctx.db.withSchema('vinted').selectFrom('accounts').select('name').where('active', '=', true).executeTakeFirst();
  if (!active) await ctx.db.withSchema('vinted').updateTable('accounts').set({ active: true }).where('name', '=', account).execute();
}

type Check = {
  account: string; present: boolean; status: 'missing' | 'valid' | 'expired' | 'unknown_expiry'; expires_at: string | null;
  expiry_source: string | null; has_user_agent: boolean; cookie_names: string[]; updated_at: string | null; active: boolean;
};

function toCheck(account: string, present: boolean, row: any, now = Date.now()): Check {
  if (!present || !row) return { account, present: false, status: 'missing', expires_at: null, expiry_source: null, has_user_agent: false, cookie_names: [], updated_at: null, active: false };
  const exp = row.expires_at ? new Date(row.expires_at) : null;
  return {
    account, present: true,
    status: exp ? (exp.getTime() <= now ? 'expired' : 'valid') : 'unknown_expiry',
    expires_at: exp ? exp.toISOString() : null,
    expiry_source: row.expiry_source ?? null,
    has_user_agent: !!row.has_user_agent,
    cookie_names: typeof row.cookie_names === 'string' ? JSON.parse(row.cookie_names) : row.cookie_names ?? [],
    updated_at: row.updated_at ? new Date(row.updated_at).toISOString() : null,
    active: !!row.active,
  };
}

/** Presence and expiry of a stored session, offline (no call to Vinted). */
export async function checkSession(ctx: CoreContext, account: string): Promise<Check> {
  const present = await ctx.vault.has(vaultName(account));
  const row = await ctx.db.withSchema('vinted').selectFrom('accounts').selectAll().where('name', '=', account).executeTakeFirst();
  return toCheck(account, present, row);
}

/** One active account at a time: the one actions use when none is named. */
export async function activateAccount(ctx: CoreContext, account: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx.withSchema('vinted').selectFrom('accounts').select('name').where('name', '=', account).executeTakeFirst();
    if (!row) return false;
    await tx.withSchema('vinted').updateTable('accounts').set({ active: false }).where('active', '=', true).execute();
    await tx.withSchema('vinted').updateTable('accounts').set({ active: true }).where('name', '=', account).execute();
    return true;
  });
}

export async function deleteSession(ctx: CoreContext, account: string): Promise<void> {
  await ctx.vault.delete(vaultName(account));
  await ctx.db.withSchema('vinted').deleteFrom('accounts').where('name', '=', account).execute();
}

export async function listAccounts(ctx: CoreContext): Promise<Check[]> {
  const rows = await ctx.db.withSchema('vinted').selectFrom('accounts').selectAll().orderBy('name').execute();
  const out: Check[] = [];
  for (const r of rows) out.push(toCheck(r.name, await ctx.vault.has(r.vault_name), r));
  return out;
}
