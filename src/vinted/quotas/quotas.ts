// Per-user limits of the Studio and their usage:
// - articles: publications the user queued this calendar month (UTC), cancelled ones not counted;
// - accounts: Vinted accounts the user connected;
// - storage: the photo files of the user's batches (vinted/<job>/…), in bytes.
// A limit of 0 is unlimited; a user's own limit (vinted.quotas) wins over the env default.
import type { Kysely } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import { HttpError } from '../../core/errors.ts';
import { settingsOf } from '../catalog/runtime.ts';

type Db = Kysely<any>;
const V = (db: Db) => db.withSchema('vinted');

export interface Limits { articles_per_month: number; accounts: number; storage_mb: number }
export interface Usage { articles_this_month: number; accounts: number; storage_bytes: number }

export const monthStart = (now = new Date()) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));

export async function limitsOf(ctx: CoreContext, userId: string): Promise<Limits & { own: Partial<Limits> }> {
  const d = settingsOf(ctx).quota;
  const row = await V(ctx.db).selectFrom('quotas').selectAll().where('user_id', '=', userId).executeTakeFirst();
  const own: Partial<Limits> = {};
  if (row?.articles_per_month != null) own.articles_per_month = row.articles_per_month;
  if (row?.accounts != null) own.accounts = row.accounts;
  if (row?.storage_mb != null) own.storage_mb = row.storage_mb;
  return { articles_per_month: d.articlesPerMonth, accounts: d.accounts, storage_mb: d.storageMb, ...own, own };
}

export async function setLimits(ctx: CoreContext, userId: string, l: Partial<Record<keyof Limits, number | null>>, by: string | null): Promise<void> {
  const row = { user_id: userId, ...l, updated_by: by, updated_at: new Date() };
  await V(ctx.db).insertInto('quotas').values(row).onConflict((oc) => oc.column('user_id').doUpdateSet({ ...l, updated_by: by, updated_at: row.updated_at })).execute();
}

export async function storageOf(ctx: CoreContext, userId: string): Promise<number> {
  const jobs = await V(ctx.db).selectFrom('catalogs').select('job_id').where('created_by', '=', userId).execute();
  let bytes = 0;
  for (const j of jobs) for (const b of await ctx.files.list(`vinted/${j.job_id}/`)) bytes += b.size;
  return bytes;
}

export async function usageOf(ctx: CoreContext, userId: string, o: { storage?: boolean } = {}): Promise<Usage> {
  const n = (r: { n: unknown } | undefined) => Number(r?.n ?? 0);
  const articles = n(await V(ctx.db).selectFrom('publications').select((eb) => eb.fn.countAll().as('n'))
    .where('created_by', '=', userId).where('created_at', '>=', monthStart()).where('state', '!=', 'cancelled').executeTakeFirst());
  const accounts = n(await V(ctx.db).selectFrom('accounts').select((eb) => eb.fn.countAll().as('n')).where('created_by', '=', userId).executeTakeFirst());
  return { articles_this_month: articles, accounts, storage_bytes: o.storage === false ? 0 : await storageOf(ctx, userId) };
}

/** 403 with a code and a French message the Studio shows as is, when `adding` more would pass the limit. */
export async function enforce(ctx: CoreContext, userId: string, what: 'articles' | 'accounts' | 'storage', adding = 1): Promise<void> {
  const l = await limitsOf(ctx, userId);
  const u = await usageOf(ctx, userId, { storage: what === 'storage' });
  if (what === 'articles' && l.articles_per_month > 0 && u.articles_this_month + adding > l.articles_per_month) {
    const left = Math.max(0, l.articles_per_month - u.articles_this_month);
    throw new HttpError(403, 'quota_articles', `Limite atteinte : ${l.articles_per_month} articles par mois (${u.articles_this_month} déjà publiés ce mois-ci, il en reste ${left}). Demandez à l’administrateur d’augmenter votre limite.`,
      { limit: l.articles_per_month, used: u.articles_this_month, requested: adding });
  }
  if (what === 'accounts' && l.accounts > 0 && u.accounts + adding > l.accounts) {
    throw new HttpError(403, 'quota_accounts', `Limite atteinte : ${l.accounts} compte${l.accounts > 1 ? 's' : ''} Vinted au plus. Demandez à l’administrateur d’augmenter votre limite.`, { limit: l.accounts, used: u.accounts });
  }
  if (what === 'storage' && l.storage_mb > 0 && u.storage_bytes >= l.storage_mb * 1024 * 1024) {
    throw new HttpError(403, 'quota_storage', `Limite atteinte : ${l.storage_mb} Mo de photos. Supprimez d’anciens lots ou demandez à l’administrateur d’augmenter votre limite.`,
      { limit_mb: l.storage_mb, used_mb: Math.round(u.storage_bytes / 1024 / 1024) });
  }
}
