// The wardrobe as the app knows it: one row per Vinted listing of an account, with its state
// (live, hidden, reserved, sold, deleted, draft) and, when we published it, the article it came from.
import type { Kysely } from 'kysely';

export type ListingState = 'live' | 'hidden' | 'reserved' | 'sold' | 'deleted' | 'draft';

export interface Listing {
  account_id: string;
  vinted_id: string;
  title: string;
  price: number | null;
  currency: string | null;
  url: string | null;
  photo_url: string | null;
  state: ListingState;
  publication_id: string | null;
  job_id: string | null;
  cluster_id: string | null;
  views: number | null;
  favourites: number | null;
  first_seen_at: string;
  seen_at: string;
  updated_at: string;
}

const L = (db: Kysely<any>) => db.withSchema('vinted');

export function toListing(r: any): Listing {
  return {
    account_id: r.account_id, vinted_id: r.vinted_id, title: r.title, price: r.price === null ? null : Number(r.price), currency: r.currency, url: r.url,
    photo_url: r.photo_url, state: r.state, publication_id: r.publication_id, job_id: r.job_id, cluster_id: r.cluster_id,
    views: r.views === null ? null : Number(r.views), favourites: r.favourites === null ? null : Number(r.favourites),
    first_seen_at: new Date(r.first_seen_at).toISOString(), seen_at: new Date(r.seen_at).toISOString(), updated_at: new Date(r.updated_at).toISOString(),
  };
}

export async function upsertListing(db: Kysely<any>, l: Partial<Listing> & { account_id: string; vinted_id: string; state: ListingState }): Promise<void> {
  const now = new Date();
  const values: Record<string, unknown> = {
    account_id: l.account_id, vinted_id: l.vinted_id, title: l.title ?? '', price: l.price ?? null, currency: l.currency ?? null, url: l.url ?? null,
    photo_url: l.photo_url ?? null, state: l.state, publication_id: l.publication_id ?? null, job_id: l.job_id ?? null, cluster_id: l.cluster_id ?? null,
    views: l.views ?? null, favourites: l.favourites ?? null, seen_at: now, updated_at: now,
  };
  const set: Record<string, unknown> = { state: l.state, seen_at: now, updated_at: now };
  for (const k of ['title', 'price', 'currency', 'url', 'photo_url', 'views', 'favourites', 'publication_id', 'job_id', 'cluster_id'] as const) {
    if (l[k] !== undefined && l[k] !== null) set[k] = l[k];
  }
  await L(db).insertInto('listings').values(values).onConflict((oc) => oc.columns(['account_id', 'vinted_id']).doUpdateSet(set)).execute();
}

export async function getListing(db: Kysely<any>, accountId: string, vintedId: string): Promise<Listing | null> {
  const r = await L(db).selectFrom('listings').selectAll().where('account_id', '=', accountId).where('vinted_id', '=', vintedId).executeTakeFirst();
  return r ? toListing(r) : null;
}

export async function listListings(db: Kysely<any>, f: { accountId?: string; states?: ListingState[]; limit?: number } = {}): Promise<Listing[]> {
  let q = L(db).selectFrom('listings').selectAll().orderBy('first_seen_at', 'desc').orderBy('vinted_id', 'desc').limit(Math.min(f.limit ?? 1000, 5000));
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.states?.length) q = q.where('state', 'in', f.states);
  return (await q.execute()).map(toListing);
}

export async function setListingState(db: Kysely<any>, accountId: string, vintedId: string, state: ListingState, patch: Partial<Listing> = {}): Promise<void> {
  await L(db).updateTable('listings').set({ ...patch, state, updated_at: new Date() }).where('account_id', '=', accountId).where('vinted_id', '=', vintedId).execute();
}
