// Orders read from Vinted (job `vinted.orders`): sold and purchased through the web session
// (`my_orders`, contract §1.8), sold through the Pro API (§2). Vinted's status word is kept as given;
// ours is derived from it, and a word we do not know is `unknown` — shown as such, never a crash.
// A new order is recorded once in the events outbox (`order.created`).
import type { Kysely } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import { recordEvent } from '../events/outbox.ts';
import { getAccount, listAccounts, updateAccount, type Account } from '../accounts/store.ts';
import { adapterFor, VintedError } from '../vinted-api/index.ts';

export const ORDER_STATES = ['pending', 'to_ship', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded', 'disputed', 'unknown'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** Our state for Vinted's status word (web or Pro, any case); `unknown` when we cannot tell. */
export function orderState(status: unknown): OrderState {
  const s = String(status ?? '').toLowerCase().trim();
  if (!s || /^\d+$/.test(s)) return 'unknown';
  if (/cancel/.test(s)) return 'cancelled';
  if (/refund/.test(s)) return 'refunded';
  if (/disput|claim|complain/.test(s)) return 'disputed';
  if (/complet|finish|closed/.test(s)) return 'completed';
  if (/deliver|received/.test(s)) return 'delivered';
  if (/shipping_pending|to_ship|awaiting_shipment|waiting_for_shipment|label_created|ready_to_ship/.test(s)) return 'to_ship';
  if (/shipped|in_transit|^sent$/.test(s)) return 'shipped';
  if (/payment_pending|awaiting_payment|^pending$|^new$|^created$/.test(s)) return 'pending';
  return 'unknown';
}

export interface Order {
  account_id: string; order_id: string; side: 'sold' | 'purchased'; source: 'web' | 'pro'; status: string; state: OrderState; item_id: string | null;
  title: string; price: number | null; currency: string | null; counterpart: string | null; shipment_id: string | null; label_url: string | null;
  ship_by: string | null; ordered_at: string; overdue: boolean; first_seen_at: string; updated_at: string;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const OPEN: OrderState[] = ['pending', 'to_ship'];

export function toOrder(r: any, now = Date.now()): Order {
  const shipBy = iso(r.ship_by);
  return {
    account_id: r.account_id, order_id: r.order_id, side: r.side, source: r.source, status: r.status, state: r.state, item_id: r.item_id, title: r.title,
    price: r.price === null ? null : Number(r.price), currency: r.currency, counterpart: r.counterpart, shipment_id: r.shipment_id, label_url: r.label_url,
    ship_by: shipBy, ordered_at: iso(r.ordered_at)!, first_seen_at: iso(r.first_seen_at)!, updated_at: iso(r.updated_at)!,
    // a sale still to ship after its deadline
    overdue: r.side === 'sold' && OPEN.includes(r.state) && !!shipBy && Date.parse(shipBy) < now,
  };
}

interface Seen { order_id: string; side: 'sold' | 'purchased'; status: string; item_id: string | null; title: string; price: number | null; currency: string | null; counterpart: string | null; shipment_id: string | null; ship_by: Date | null; ordered_at: Date; data: unknown }

const num = (v: unknown) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
const date = (v: unknown): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = typeof v === 'number' ? new Date(v < 1e12 ? v * 1000 : v) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};
const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

async function save(db: Kysely<any>, account: Account, source: 'web' | 'pro', list: Seen[]): Promise<{ seen: number; created: number }> {
  const V = db.withSchema('vinted');
  let created = 0;
  for (const o of list) {
    const state = orderState(o.status);
    const row = {
      account_id: account.id, order_id: o.order_id, side: o.side, source, status: o.status || '', state, item_id: o.item_id, title: o.title, price: o.price,
      currency: o.currency, counterpart: o.counterpart, shipment_id: o.shipment_id, ship_by: o.ship_by, ordered_at: o.ordered_at, data: JSON.stringify(o.data ?? {}), updated_at: new Date(),
    };
    const ins = await V.insertInto('orders').values(row).onConflict((oc) => oc.columns(['account_id', 'side', 'order_id']).doNothing()).returning('order_id').executeTakeFirst();
    if (ins) {
      created++;
      // news are the orders still in progress; completed ones found by a first sync are history
      if (!['completed', 'cancelled', 'refunded'].includes(state)) {
        await recordEvent(db, {
          type: 'order.created', accountId: account.id, dedupeKey: `order.created:${account.id}:${o.order_id}`,
          data: { order_id: o.order_id, side: o.side, item_id: o.item_id, title: o.title, price: o.price, currency: o.currency, status: o.status, state, ship_by: o.ship_by?.toISOString() ?? null },
        });
      }
    } else {
      const { account_id: _a, order_id: _o, side: _s, ...set } = row;
      await V.updateTable('orders').set(set).where('account_id', '=', account.id).where('side', '=', o.side).where('order_id', '=', o.order_id).execute();
    }
    if (o.side === 'sold' && o.item_id) {
      // analytics reads the sale from the listing (no join): its price, and when it sold — the order's
      // date is better than the sync that saw it sold; a cancelled or refunded order is no sale
      const L = V.updateTable('listings').where('account_id', '=', account.id).where('vinted_id', '=', o.item_id);
      if (['cancelled', 'refunded'].includes(state)) await L.set({ sold_price: null, updated_at: new Date() }).where('sold_price', 'is not', null).execute();
      else {
        await L.set({ sold_price: o.price, updated_at: new Date() }).execute();
        await L.set({ sold_at: o.ordered_at }).where((eb) => eb.or([eb('sold_at', 'is', null), eb('sold_at', '>', o.ordered_at)])).execute();
      }
    }
  }
  return { seen: list.length, created };
}

export async function syncOrders(ctx: CoreContext, account: Account): Promise<{ seen: number; created: number; unknown_states: number }> {
  const a = adapterFor(ctx, account);
  const list: Seen[] = [];
  if (a.kind === 'web') {
    for (const side of ['sold', 'purchased'] as const) {
      for (let page = 1; page <= 50; page++) {
        if (page > 1) await new Promise((r) => setTimeout(r, 300 + Math.random() * 200));
        const { orders, totalPages } = await a.myOrders(side, page);
        for (const o of orders) {
          const id = str(o?.transaction_id ?? o?.id);
          if (!id) continue;
          list.push({
            order_id: id, side, status: String(o?.status ?? o?.transaction_user_status ?? ''), item_id: str(o?.item_id ?? o?.item?.id), title: String(o?.title ?? o?.item?.title ?? ''),
            price: num(o?.price?.amount ?? o?.price), currency: str(o?.price?.currency_code ?? o?.currency), counterpart: str(o?.opposite_user?.login ?? o?.user?.login),
            shipment_id: str(o?.shipment_id ?? o?.shipment?.id), ship_by: date(o?.ship_by ?? o?.shipment?.shipping_deadline), ordered_at: date(o?.date ?? o?.created_at) ?? new Date(), data: o,
          });
        }
        if (page >= totalPages || !orders.length) break;
      }
    }
    // the deadline to ship is on the transaction: read it for the sales still to ship that lack it
    for (const o of list) {
      if (o.side !== 'sold' || o.ship_by || !OPEN.includes(orderState(o.status))) continue;
      try {
        const t = await a.transaction(o.order_id);
        o.ship_by = date(t?.shipment?.shipping_deadline ?? t?.shipment?.ship_by ?? t?.shipping_deadline);
        o.shipment_id ??= str(t?.shipment?.id);
      } catch (e) {
        if (!(e instanceof VintedError && e.kind === 'not_found')) throw e;
      }
    }
  } else {
    for (const o of await a.orders()) {
      const id = str(o?.id ?? o?.order_id);
      if (!id) continue;
      const it = Array.isArray(o?.items) ? o.items[0] : o?.item;
      list.push({
        order_id: id, side: 'sold', status: String(o?.status ?? ''), item_id: str(it?.vinted_item_id ?? it?.item_id ?? it?.id), title: String(it?.title ?? o?.title ?? ''),
        price: num(o?.total?.amount ?? it?.price?.amount ?? it?.price), currency: str(o?.total?.currency_code ?? it?.price?.currency_code ?? o?.currency),
        counterpart: str(o?.buyer?.login), shipment_id: str(o?.shipment_id ?? o?.shipment?.id), ship_by: date(o?.ship_by ?? o?.shipment?.ship_by), ordered_at: date(o?.created_at) ?? new Date(), data: o,
      });
    }
  }
  const r = await save(ctx.db, account, a.kind, list);
  return { ...r, unknown_states: list.filter((o) => orderState(o.status) === 'unknown').length };
}

/** Job `vinted.orders`: one account ({account_id}) or every connected one (the schedule). */
export async function ordersHandler(job: JobContext<{ account_id?: string }>, ctx: CoreContext): Promise<unknown> {
  const accounts = job.payload.account_id ? [await getAccount(ctx, job.payload.account_id)].filter((a): a is Account => !!a) : (await listAccounts(ctx)).filter((a) => a.status === 'ok');
  const out: Record<string, unknown> = {};
  for (const a of accounts) {
    job.throwIfCancelled();
    try {
      out[a.name] = await syncOrders(ctx, a);
      await job.log('info', `${a.name}: ${JSON.stringify(out[a.name])}`, { code: 'sync.account', account: a.name });
    } catch (e) {
      // one account failing does not stop the others
      out[a.name] = { error: e instanceof VintedError ? e.kind : 'failed' };
      await job.log('error', `${a.name}: ${(e as Error).message}`, { code: 'sync.failed', account: a.name, error: (e as Error).message });
      if (e instanceof VintedError && e.kind === 'auth') await updateAccount(ctx, a.id, { status: 'reconnect', status_code: 'auth' });
    }
  }
  if (job.payload.account_id && accounts.length === 1 && (out[accounts[0].name] as any)?.error) throw new Error(`orders of ${accounts[0].name}: ${(out[accounts[0].name] as any).error}`);
  return out;
}

export async function listOrders(db: Kysely<any>, f: { accountId?: string; side?: 'sold' | 'purchased'; limit?: number } = {}): Promise<Order[]> {
  let q = db.withSchema('vinted').selectFrom('orders').selectAll().orderBy('ordered_at', 'desc').orderBy('order_id', 'desc').limit(Math.min(f.limit ?? 500, 5000));
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.side) q = q.where('side', '=', f.side);
  const now = Date.now();
  return (await q.execute()).map((r) => toOrder(r, now));
}
