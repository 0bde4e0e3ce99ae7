// Sales analytics over the wardrobe and the orders (SQL aggregates; indexes from migration 004):
// revenue, sales, views, favourites and conversion, over time and by category, brand and price
// band; time to sell; and the price the seller's own sales suggest per category, brand and condition.
// A sale is a listing with a sold order that was not cancelled or refunded (the order's price), or a
// listing seen sold without an order (its listed price counts then). A listing relisted is counted once, under its newest id.
import { sql, type Kysely } from 'kysely';
import { snapshotTaxonomy } from '../catalogue/taxonomy.ts';
import { fold } from '../listings/text.ts';
import type { LearnedEvidence } from '../listings/pricing.ts';

export interface StatsFilter { accountId?: string; from?: Date; to?: Date; bucket?: 'day' | 'week' | 'month' }

export const PRICE_BANDS: [string, number, number][] = [['0-10', 0, 10], ['10-20', 10, 20], ['20-50', 20, 50], ['50-100', 50, 100], ['100+', 100, Number.POSITIVE_INFINITY]];
const band = sql`case when l.price is null then 'inconnu' when l.price < 10 then '0-10' when l.price < 20 then '10-20' when l.price < 50 then '20-50' when l.price < 100 then '50-100' else '100+' end`;

interface Group { key: string; label: string; listings: number; sales: number; revenue: number; views: number; favourites: number; conversion: number }
export interface Stats {
  totals: { listings: number; live: number; sales: number; revenue: number; views: number; favourites: number; conversion: number; avg_days_to_sell: number | null; median_days_to_sell: number | null; currency: string };
  over_time: { period: string; sales: number; revenue: number; listed: number }[];
  by_category: Group[];
  by_brand: Group[];
  by_price_band: Group[];
}

/** The wardrobe and its sales, as one table expression both the totals and the groups read. */
function base(db: Kysely<any>, f: StatsFilter) {
  // the sale is on the listing (sold_price and sold_at, kept by the order sync): one scan, no join
  return sql`
    with l as (
      select l.*, l.state = 'sold' or l.sold_price is not null as sold, coalesce(l.sold_price, l.price) as amount, l.sold_at as sold_on, ${band} as band
      from vinted.listings l
      where l.relisted_to is null and l.state <> 'draft' ${f.accountId ? sql`and l.account_id = ${f.accountId}::uuid` : sql``}
    )`;
}

const inRange = (f: StatsFilter) => sql`${f.from ? sql`and coalesce(sold_on, first_seen_at) >= ${f.from}` : sql``} ${f.to ? sql`and coalesce(sold_on, first_seen_at) < ${f.to}` : sql``}`;
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const r2 = (v: number) => Math.round(v * 100) / 100;

export async function stats(db: Kysely<any>, f: StatsFilter = {}): Promise<Stats> {
  const bucket = f.bucket ?? 'week';
  // the totals, the three groupings and both time series in one pass over the wardrobe (grouping sets)
  const all = (await sql<any>`${base(db, f)}
    select grouping(catalog_id) as g_cat, grouping(brand) as g_brand, grouping(band) as g_band, grouping(sold_period) as g_sold, grouping(listed_period) as g_listed,
      catalog_id::text as cat, brand, band, to_char(sold_period, 'YYYY-MM-DD') as sold_period, to_char(listed_period, 'YYYY-MM-DD') as listed_period,
      count(*) as listings, count(*) filter (where state = 'live') as live, count(*) filter (where sold ${inRange(f)}) as sales,
      coalesce(sum(amount) filter (where sold ${inRange(f)}), 0) as revenue, coalesce(sum(views), 0) as views, coalesce(sum(favourites), 0) as favourites,
      avg(extract(epoch from (sold_on - first_seen_at)) / 86400) filter (where sold and sold_on is not null ${inRange(f)}) as avg_days,
      percentile_cont(0.5) within group (order by extract(epoch from (sold_on - first_seen_at)) / 86400) filter (where sold and sold_on is not null ${inRange(f)}) as median_days,
      count(*) filter (where true ${f.from ? sql`and first_seen_at >= ${f.from}` : sql``} ${f.to ? sql`and first_seen_at < ${f.to}` : sql``}) as listed,
      max(currency) as currency
    from (select *, case when sold then date_trunc(${bucket}, sold_on) end as sold_period, date_trunc(${bucket}, first_seen_at) as listed_period from l) l
    group by grouping sets ((), (catalog_id), (brand), (band), (sold_period), (listed_period))`.execute(db)).rows;
  const series = new Map<string, { period: string; sales: number; revenue: number; listed: number }>();
  const point = (period: string) => {
    let x = series.get(period);
    if (!x) series.set(period, (x = { period, sales: 0, revenue: 0, listed: 0 }));
    return x;
  };
  for (const r of all) {
    // a period's sales are the listings sold then; its listings put online, those first seen then (both within the range)
    if (Number(r.g_sold) === 0 && r.sold_period && n(r.sales)) {
      const x = point(r.sold_period);
      x.sales += n(r.sales);
      x.revenue += n(r.revenue);
    }
    if (Number(r.g_listed) === 0 && r.listed_period && n(r.listed)) point(r.listed_period).listed += n(r.listed);
  }
  const t = all.find((r) => Number(r.g_cat) === 1 && Number(r.g_brand) === 1 && Number(r.g_band) === 1 && Number(r.g_sold) === 1 && Number(r.g_listed) === 1) ?? {};
  const tax = snapshotTaxonomy();
  const mk = (rows: any[], key: (r: any) => unknown, label: (k: string) => string): Group[] => rows.map((r) => {
    const k = String(key(r) ?? '');
    return {
      key: k, label: label(k), listings: n(r.listings), sales: n(r.sales), revenue: r2(n(r.revenue)), views: n(r.views), favourites: n(r.favourites),
      conversion: n(r.listings) ? r2(n(r.sales) / n(r.listings)) : 0,
    };
  }).sort((a, b) => b.revenue - a.revenue || b.listings - a.listings).slice(0, 50);
  const listings = n(t.listings);
  return {
    totals: {
      listings, live: n(t.live), sales: n(t.sales), revenue: r2(n(t.revenue)), views: n(t.views), favourites: n(t.favourites),
      conversion: listings ? r2(n(t.sales) / listings) : 0, avg_days_to_sell: t.avg_days === null || t.avg_days === undefined ? null : r2(Number(t.avg_days)),
      median_days_to_sell: t.median_days === null || t.median_days === undefined ? null : r2(Number(t.median_days)), currency: t.currency ?? 'EUR',
    },
    over_time: [...series.values()].sort((x, y) => x.period.localeCompare(y.period)).map((p) => ({ ...p, revenue: r2(p.revenue) })),
    by_category: mk(all.filter((r) => Number(r.g_cat) === 0), (r) => r.cat, (k) => (k ? tax.pathOf(Number(k)).slice(-2).join(' › ') || `#${k}` : '')),
    by_brand: mk(all.filter((r) => Number(r.g_brand) === 0), (r) => r.brand, (k) => k),
    by_price_band: mk(all.filter((r) => Number(r.g_band) === 0), (r) => r.band, (k) => k).sort((a, b) => bandOrder(a.key) - bandOrder(b.key)),
  };
}

const bandOrder = (k: string) => {
  const i = PRICE_BANDS.findIndex((b) => b[0] === k);
  return i < 0 ? 99 : i;
};

export interface PriceEvidence {
  catalog_id: number | null; category: string; brand: string | null; status_id: number | null;
  sales: number; median: number; p25: number; p75: number; min: number; max: number; median_days_to_sell: number | null;
}

/** What the seller's own sales say, per category, brand and condition (groups with at least `minSales`). */
export async function priceEvidence(db: Kysely<any>, f: { accountId?: string; minSales?: number } = {}): Promise<PriceEvidence[]> {
  const rows = (await sql<any>`${base(db, { accountId: f.accountId })}
    select catalog_id, brand, status_id, count(*) as sales,
      percentile_cont(0.5) within group (order by amount) as median, percentile_cont(0.25) within group (order by amount) as p25,
      percentile_cont(0.75) within group (order by amount) as p75, min(amount) as min, max(amount) as max,
      percentile_cont(0.5) within group (order by extract(epoch from (sold_on - first_seen_at)) / 86400) as days
    from l where sold and amount is not null
    group by catalog_id, brand, status_id having count(*) >= ${f.minSales ?? 3}
    order by count(*) desc limit 500`.execute(db)).rows;
  const tax = snapshotTaxonomy();
  return rows.map((r) => ({
    catalog_id: r.catalog_id === null ? null : Number(r.catalog_id), category: r.catalog_id === null ? '' : tax.pathOf(Number(r.catalog_id)).slice(-2).join(' › '),
    brand: r.brand ?? null, status_id: r.status_id === null ? null : Number(r.status_id), sales: n(r.sales), median: r2(n(r.median)), p25: r2(n(r.p25)), p75: r2(n(r.p75)),
    min: r2(n(r.min)), max: r2(n(r.max)), median_days_to_sell: r.days === null ? null : r2(Number(r.days)),
  }));
}

/**
 * The evidence that applies to each planned article: the seller's sales of the same Vinted catalogue,
 * brand and condition (exact match only: a neighbouring group's prices would be a guess).
 */
export function learnedFor(items: { cluster_id: string; vinted: { catalog_id: number | null; brand_title: string | null; status_id: number | null }; brand: string; status_id: number | null }[], ev: PriceEvidence[]): Record<string, LearnedEvidence> {
  const key = (c: number | null, b: string | null, st: number | null) => `${c ?? ''}|${fold(b ?? '')}|${st ?? ''}`;
  const byKey = new Map(ev.map((e) => [key(e.catalog_id, e.brand, e.status_id), e]));
  const out: Record<string, LearnedEvidence> = {};
  for (const i of items) {
    if (i.vinted.catalog_id === null) continue;
    const e = byKey.get(key(i.vinted.catalog_id, i.vinted.brand_title ?? i.brand, i.vinted.status_id ?? i.status_id));
    if (e) out[i.cluster_id] = { sales: e.sales, median: e.median, p25: e.p25, p75: e.p75 };
  }
  return out;
}

/** The analytics as CSV (one line per group of each kind, then the time series). */
export function statsCsv(s: Stats): string {
  const q = (v: unknown) => {
    const x = String(v ?? '');
    // a cell starting with = + - @ is text, not a formula, in a spreadsheet
    const safe = /^[=+\-@\t\r]/.test(x) ? `'${x}` : x;
    return /[",\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [['kind', 'key', 'label', 'listings', 'sales', 'revenue', 'views', 'favourites', 'conversion'].join(',')];
  const t = s.totals;
  lines.push(['total', '', '', t.listings, t.sales, t.revenue, t.views, t.favourites, t.conversion].map(q).join(','));
  for (const [kind, groups] of [['category', s.by_category], ['brand', s.by_brand], ['price_band', s.by_price_band]] as const) {
    for (const g of groups) lines.push([kind, g.key, g.label, g.listings, g.sales, g.revenue, g.views, g.favourites, g.conversion].map(q).join(','));
  }
  for (const p of s.over_time) lines.push(['period', p.period, '', p.listed, p.sales, p.revenue, '', '', ''].map(q).join(','));
  return lines.join('\n') + '\n';
}

// The figures change only when a sync, a publish or a relist writes the wardrobe or the orders: the
// last computed answer per filter is kept with the data's version (each table's latest update and
// row count, read from indexes) and served again while that version holds. Each process checks the
// version on every request, so separate workers never serve stale figures.
const memo = new Map<string, { version: string; value: unknown }>();

async function dataVersion(db: Kysely<any>): Promise<string> {
  const r = await sql<any>`select (select max(updated_at) from vinted.listings) as l, (select count(*) from vinted.listings) as ln,
    (select max(updated_at) from vinted.orders) as o, (select count(*) from vinted.orders) as onn`.execute(db);
  const x = r.rows[0] ?? {};
  return `${x.l ? new Date(x.l).getTime() : 0}:${x.ln}:${x.o ? new Date(x.o).getTime() : 0}:${x.onn}`;
}

export async function cached<T>(db: Kysely<any>, key: string, compute: () => Promise<T>): Promise<T> {
  const version = await dataVersion(db);
  const hit = memo.get(key);
  if (hit && hit.version === version) return hit.value as T;
  const value = await compute();
  if (memo.size > 200) memo.clear();
  memo.set(key, { version, value });
  return value;
}

export const cachedStats = (db: Kysely<any>, f: StatsFilter = {}) =>
  cached(db, `stats:${JSON.stringify({ a: f.accountId ?? null, f: f.from?.toISOString() ?? null, t: f.to?.toISOString() ?? null, b: f.bucket ?? 'week' })}`, () => stats(db, f));
export const cachedPriceEvidence = (db: Kysely<any>, f: { accountId?: string; minSales?: number } = {}) =>
  cached(db, `prices:${f.accountId ?? ''}:${f.minSales ?? 3}`, () => priceEvidence(db, f));
