// The wardrobe kept in sync: read the account's listings back from Vinted (web: the wardrobe pages;
// Pro: the item list), match them to our publications, and track live / hidden / reserved / sold /
// deleted. A listing we knew that is gone from the wardrobe is deleted. Edit, hide/unhide and
// delete go to Vinted first, inside the account's write budget, then to our copy.
import { recordEvent } from '../events/outbox.ts';
import type { CoreContext } from '../../core/module.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import { HttpError } from '../../core/errors.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { getAccount, listAccounts, setQueue, updateAccount, type Account } from '../accounts/store.ts';
import { adapterFor, VintedError } from '../vinted-api/index.ts';
import { BudgetExhausted, paceOf, reserveWrite } from '../publish/pacer.ts';
import { getListing, listListings, setListingState, upsertListing, type ListingState } from './store.ts';

function stateOf(it: any): ListingState {
  const closing = String(it?.item_closing_action ?? '').toLowerCase();
  if (closing === 'sold' || it?.is_closed === true || it?.status === 'sold') return 'sold';
  if (closing === 'deleted' || it?.is_deleted === true) return 'deleted';
  if (it?.is_reserved === true) return 'reserved';
  if (it?.is_draft === true) return 'draft';
  if (it?.is_hidden === true) return 'hidden';
  return 'live';
}

export async function syncAccount(ctx: CoreContext, account: Account): Promise<{ seen: number; gone: number }> {
  const a = adapterFor(ctx, account);
  const seen = new Map<string, { title: string; price: number | null; currency: string | null; url: string | null; photo_url: string | null; state: ListingState; views: number | null; favourites: number | null; catalog_id: number | null; brand: string | null; status_id: number | null }>();
  // the wardrobe list is not documented to carry category, brand or condition [contract §1.6]: read them when it does
  const extra = (it: any) => ({ catalog_id: num(it.catalog_id), brand: typeof it.brand_title === 'string' && it.brand_title ? it.brand_title : typeof it.brand === 'string' && it.brand ? it.brand : null, status_id: num(it.status_id) });
  const num = (v: unknown) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  if (a.kind === 'web') {
    let uid = account.vinted_user_id;
    if (!uid) {
      uid = (await a.currentUser()).id;
      await updateAccount(ctx, account.id, { vinted_user_id: uid });
    }
    for (let page = 1; page <= 100; page++) {
      // reads are not budgeted but a burst of them is what anti-bot systems notice: a second between pages
      if (page > 1) await new Promise((r) => setTimeout(r, 800 + Math.random() * 400));
      const w = await a.wardrobe(uid, page);
      for (const it of w.items) {
        seen.set(String(it.id), {
          title: String(it.title ?? ''), price: num(it.price?.amount ?? it.price), currency: it.price?.currency_code ?? null, url: it.url ?? null,
          photo_url: it.photo?.url ?? it.photos?.[0]?.url ?? null, state: stateOf(it), views: num(it.view_count), favourites: num(it.favourite_count), ...extra(it),
        });
      }
      if (page >= w.totalPages || !w.items.length) break;
    }
  } else {
    for (const it of await a.listAll()) {
      const id = it.vinted_item_id ?? it.vinted_id;
      if (!id) continue;
      seen.set(String(id), {
        title: String(it.title ?? ''), price: num(it.price?.amount ?? it.price), currency: it.price?.currency_code ?? it.currency ?? null, url: it.url ?? null,
        photo_url: null, state: stateOf(it), views: num(it.view_count), favourites: num(it.favourite_count), ...extra(it),
      });
    }
  }
  const pubs = await ctx.db.withSchema('vinted').selectFrom('publications').select(['id', 'vinted_id', 'job_id', 'cluster_id', 'payload'])
    .where('account_id', '=', account.id).where('vinted_id', 'is not', null).execute();
  const byVinted = new Map(pubs.map((p) => [String(p.vinted_id), p]));
  const known = new Map((await listListings(ctx.db, { accountId: account.id, limit: 100_000 })).map((l) => [l.vinted_id, l.state]));
  for (const [id, l] of seen) {
    const p = byVinted.get(id);
    // a sale is news once: when a listing we knew unsold is now sold (a first sync's old sales are not)
    const was = known.get(id);
    if (l.state === 'sold' && was && was !== 'sold') {
      await recordEvent(ctx.db, {
        type: 'listing.sold', accountId: account.id, dedupeKey: `listing.sold:${account.id}:${id}`,
        data: { vinted_id: id, title: l.title, price: l.price, currency: l.currency, url: l.url, job_id: p?.job_id ?? null, cluster_id: p?.cluster_id ?? null },
      });
    }
    const f = p ? ((typeof p.payload === 'string' ? JSON.parse(p.payload) : p.payload) as { catalog_id?: number; brand?: string; status_id?: number }) : null;
    await upsertListing(ctx.db, {
      account_id: account.id, vinted_id: id, ...l, publication_id: p?.id ?? null, job_id: p?.job_id ?? null, cluster_id: p?.cluster_id ?? null,
      catalog_id: f?.catalog_id ?? l.catalog_id, brand: f?.brand || l.brand, status_id: f?.status_id ?? l.status_id,
    });
  }
  let gone = 0;
  for (const [id, state] of known) {
    if (!seen.has(id) && state !== 'deleted') {
      await setListingState(ctx.db, account.id, id, 'deleted');
      gone++;
    }
  }
  await updateAccount(ctx, account.id, { synced_at: new Date() });
  return { seen: seen.size, gone };
}

/** Job `vinted.sync`: one account ({account_id}) or every connected one (the schedule). */
export async function syncHandler(job: JobContext<{ account_id?: string }>, ctx: CoreContext): Promise<unknown> {
  const accounts = job.payload.account_id ? [await getAccount(ctx, job.payload.account_id)].filter((a): a is Account => !!a) : (await listAccounts(ctx)).filter((a) => a.status === 'ok');
  const out: Record<string, unknown> = {};
  for (const a of accounts) {
    job.throwIfCancelled();
    try {
      out[a.name] = await syncAccount(ctx, a);
      await job.log('info', `${a.name}: ${JSON.stringify(out[a.name])}`, { code: 'sync.account', account: a.name });
    } catch (e) {
      // one account failing does not stop the others
      out[a.name] = { error: e instanceof VintedError ? e.kind : 'failed' };
      await job.log('error', `${a.name}: ${(e as Error).message}`, { code: 'sync.failed', account: a.name, error: (e as Error).message });
      if (e instanceof VintedError && e.kind === 'auth') await updateAccount(ctx, a.id, { status: 'reconnect', status_code: 'auth' });
    }
  }
  if (job.payload.account_id && accounts.length === 1 && (out[accounts[0].name] as any)?.error) throw new Error(`sync of ${accounts[0].name} failed: ${(out[accounts[0].name] as any).error}`);
  return out;
}

export type ListingAction = { action: 'hide' } | { action: 'unhide' } | { action: 'delete' } | { action: 'edit'; title?: string; description?: string; price?: number };

/** A manual action on one listing: Vinted first (inside the write budget), then our copy. */
export async function listingAction(ctx: CoreContext, account: Account, vintedId: string, act: ListingAction): Promise<void> {
  const listing = await getListing(ctx.db, account.id, vintedId);
  if (!listing) throw new HttpError(404, 'not_found', `listing ${vintedId} of account ${account.name} not found (sync the wardrobe?)`);
  if (listing.state === 'deleted' || listing.state === 'sold') throw new HttpError(409, 'conflict', `listing ${vintedId} is ${listing.state}`);
  try {
    await reserveWrite(ctx, account.id, paceOf(settingsOf(ctx).publish, account), { kind: act.action, immediate: true });
  } catch (e) {
    if (e instanceof BudgetExhausted) throw new HttpError(429, 'budget', `this account's write budget for the hour is used up: try again after ${e.at.toISOString()}`, { at: e.at.toISOString() });
    throw e;
  }
  const a = adapterFor(ctx, account);
  const pubRef = listing.publication_id
    ? (await ctx.db.withSchema('vinted').selectFrom('publications').select('remote_ref').where('id', '=', listing.publication_id).executeTakeFirst())?.remote_ref ?? null
    : null;
  try {
    if (act.action === 'delete') {
      if (a.kind === 'web') await a.deleteItem(vintedId).catch((e) => {
        if (!(e instanceof VintedError && e.kind === 'not_found')) throw e; // already gone: the result the seller wanted
      });
      else {
        if (!pubRef) throw new HttpError(409, 'conflict', 'this listing was not published through the Pro API by this app: delete it from the Vinted Pro portal');
        await a.delete([pubRef]);
      }
      await setListingState(ctx.db, account.id, vintedId, 'deleted');
    } else if (act.action === 'hide' || act.action === 'unhide') {
      if (a.kind !== 'web') throw new HttpError(409, 'unsupported', 'the Vinted Pro API cannot hide a listing');
      await a.setHidden(vintedId, act.action === 'hide');
      await setListingState(ctx.db, account.id, vintedId, act.action === 'hide' ? 'hidden' : 'live');
    } else {
      const patch: Record<string, unknown> = {};
      if (act.title !== undefined) patch.title = act.title;
      if (act.description !== undefined) patch.description = act.description;
      if (act.price !== undefined) patch.price = act.price;
      if (a.kind === 'web') {
        const current = await a.getItem(vintedId);
        const photos = (current?.photos ?? []).map((ph: any) => ({ id: ph.id, orientation: 0 }));
        await a.updateItem(vintedId, {
          currency: current?.price?.currency_code ?? 'EUR', title: current?.title, description: current?.description, price: Number(current?.price?.amount ?? current?.price),
          brand_id: current?.brand_id, brand: current?.brand_dto?.title ?? '', size_id: current?.size_id, catalog_id: current?.catalog_id, status_id: current?.status_id,
          package_size_id: current?.package_size_id, color_ids: [current?.color1_id, current?.color2_id].filter(Boolean), assigned_photos: photos,
          item_attributes: current?.item_attributes ?? [], is_unisex: current?.is_unisex ?? false, ...patch,
        });
      } else {
        if (!pubRef) throw new HttpError(409, 'conflict', 'this listing was not published through the Pro API by this app');
        const p = await ctx.db.withSchema('vinted').selectFrom('publications').select(['payload']).where('id', '=', listing.publication_id!).executeTakeFirstOrThrow();
        const payload = typeof p.payload === 'string' ? JSON.parse(p.payload) : p.payload;
        await a.update(pubRef, { ...payload, brand: payload.brand || 'Sans marque', is_draft: false, ...patch });
      }
      await setListingState(ctx.db, account.id, vintedId, listing.state, { ...(act.title !== undefined ? { title: act.title } : {}), ...(act.price !== undefined ? { price: act.price } : {}) });
    }
  } catch (e) {
    if (e instanceof VintedError) {
      // a challenge on any write stops the account's queue too; a refused session asks for a reconnection
      if (e.kind === 'captcha') await setQueue(ctx, account.id, 'stopped', e.details.html && !e.details.datadome ? 'html_block' : 'captcha');
      if (e.kind === 'auth') {
        await setQueue(ctx, account.id, 'stopped', 'reconnect');
        await updateAccount(ctx, account.id, { status: 'reconnect', status_code: 'auth' });
      }
      const status = e.kind === 'rate_limited' ? 429 : e.kind === 'validation' ? 400 : e.kind === 'captcha' || e.kind === 'auth' || e.kind === 'access_denied' ? 409 : 502;
      throw new HttpError(status, `vinted_${e.kind}`, e.message, { fields: e.fields });
    }
    throw e;
  }
}
