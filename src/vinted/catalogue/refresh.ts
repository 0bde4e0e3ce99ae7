// Refreshing Vinted's taxonomy from a connected account (web: the item-upload lookups of §1.7; Pro:
// GetOntologies), and brands found by keyword (cached). Whatever a lookup does not give (or gives in
// a shape we cannot read) keeps the snapshot's value, and the source says so.
import type { CoreContext } from '../../core/module.ts';
import { fold } from '../listings/text.ts';
import type { Account } from '../accounts/store.ts';
import { adapterFor } from '../vinted-api/index.ts';
import type { WebAdapter } from '../vinted-api/web.ts';
import { snapshotTaxonomy, loadTaxonomy, saveTaxonomy, Taxonomy, type CatalogNode, type NamedId, type SizeGroup, type TaxonomyData } from './taxonomy.ts';
import type { BrandIndex } from './mapping.ts';

function nodes(list: unknown): CatalogNode[] | null {
  if (!Array.isArray(list)) return null;
  const out: CatalogNode[] = [];
  for (const n of list as any[]) {
    if (!Number.isFinite(Number(n?.id)) || typeof n?.title !== 'string') continue;
    out.push({
      id: Number(n.id), title: n.title, code: n.code ?? null,
      size_group_ids: Array.isArray(n.size_group_ids) ? n.size_group_ids.map(Number) : n.size_group_id ? [Number(n.size_group_id)] : undefined,
      package_size_ids: Array.isArray(n.package_size_ids) ? n.package_size_ids.map(Number) : undefined,
      catalogs: nodes(n.catalogs ?? n.children) ?? [],
    });
  }
  return out;
}

function named(list: unknown): NamedId[] | null {
  if (!Array.isArray(list)) return null;
  const out = (list as any[]).filter((x) => Number.isFinite(Number(x?.id)) && typeof (x?.title ?? x?.name) === 'string')
    .map((x) => ({ id: Number(x.id), title: String(x.title ?? x.name), code: x.code ?? null, hex: x.hex ?? null }));
  return out.length ? out : null;
}

function groups(list: unknown): SizeGroup[] | null {
  if (!Array.isArray(list)) return null;
  const out = (list as any[]).filter((g) => Number.isFinite(Number(g?.id)) && Array.isArray(g?.sizes))
    .map((g) => ({ id: Number(g.id), description: g.description ?? g.caption, sizes: named(g.sizes) ?? [] }));
  return out.length ? out : null;
}

export async function refreshTaxonomy(ctx: CoreContext, account: Account): Promise<{ taxonomy: Taxonomy; kept: string[] }> {
  const snap = snapshotTaxonomy().data;
  const kept: string[] = [];
  const pick = <T>(name: string, v: T | null, fallback: T): T => {
    if (v === null) kept.push(name);
    return v ?? fallback;
  };
  const a = adapterFor(ctx, account);
  let data: TaxonomyData;
  if (a.kind === 'pro') {
    const e = (await a.ontologies())?.enumerations ?? {};
    data = {
      ...snap, source: '', catalogs: pick('catalogs', nodes(e.catalogs), snap.catalogs), colors: pick('colors', named(e.colors), snap.colors),
      conditions: pick('conditions', named(e.statuses), snap.conditions), package_sizes: pick('package_sizes', named(e.package_sizes), snap.package_sizes),
      size_groups: pick('size_groups', groups(e.size_groups), snap.size_groups),
    };
  } else {
    const catalogs = nodes((await a.lookup('/api/v2/item_upload/catalogs'))?.catalogs);
    const colors = named((await a.lookup('/api/v2/item_upload/colors'))?.colors);
    const conditions = named((await a.lookup('/api/v2/item_upload/conditions'))?.conditions);
    // one representative catalog per size group: a single request for every group the tree uses
    let sizeGroups: SizeGroup[] | null = null;
    if (catalogs) {
      const tree = new Taxonomy({ ...snap, catalogs });
      const byGroup = new Map<number, number>();
      const walk = (ns: CatalogNode[]) => {
        for (const n of ns) {
          for (const g of n.size_group_ids ?? []) if (!byGroup.has(g)) byGroup.set(g, n.id);
          walk(n.catalogs);
        }
      };
      walk(tree.data.catalogs);
      if (byGroup.size) sizeGroups = groups((await a.lookup(`/api/v2/size_groups?catalog_ids=${[...byGroup.values()].join(',')}`))?.size_groups);
    }
    data = {
      ...snap, source: '', catalogs: pick('catalogs', catalogs, snap.catalogs), colors: pick('colors', colors, snap.colors),
      conditions: pick('conditions', conditions, snap.conditions), size_groups: pick('size_groups', sizeGroups, snap.size_groups),
    };
  }
  const source = `account:${account.name}${kept.length ? ` (snapshot kept for ${kept.join(', ')})` : ''}`;
  await saveTaxonomy(ctx.db, data, source);
  return { taxonomy: await loadTaxonomy(ctx.db, data.market), kept };
}

/** The taxonomy to map with: refreshed through the account when older than maxAgeDays (a failed refresh keeps the current one). */
export async function ensureTaxonomy(ctx: CoreContext, account: Account | null, maxAgeDays: number): Promise<Taxonomy> {
  const current = await loadTaxonomy(ctx.db);
  if (!account || account.status !== 'ok') return current;
  const age = current.data.refreshed_at ? Date.now() - Date.parse(current.data.refreshed_at) : Infinity;
  if (current.source !== 'snapshot' && age < maxAgeDays * 86400_000) return current;
  try {
    return (await refreshTaxonomy(ctx, account)).taxonomy;
  } catch (e) {
    ctx.log.warn({ err: (e as Error).message, account: account.name }, 'vinted catalogue refresh failed; mapping with the current one');
    return current;
  }
}

/** Brands by keyword for the brands the taxonomy does not know: cache first, then Vinted (web accounts). */
export async function brandIndex(ctx: CoreContext, tax: Taxonomy, account: Account | null, names: (string | null | undefined)[]): Promise<BrandIndex> {
  const index: BrandIndex = new Map();
  const wanted = [...new Set(names.filter((n): n is string => !!n && fold(n) !== 'unknown' && !tax.brandId(n)).map(fold))];
  if (!wanted.length) return index;
  const V = ctx.db.withSchema('vinted');
  const cached = await V.selectFrom('brand_cache').selectAll().where('market', '=', tax.data.market).where('keyword', 'in', wanted).execute();
  for (const c of cached) index.set(c.keyword, typeof c.brands === 'string' ? JSON.parse(c.brands) : c.brands);
  if (!account || account.kind !== 'web' || account.status !== 'ok') return index;
  const a = adapterFor(ctx, account);
  for (const k of wanted.filter((w) => !index.has(w)).slice(0, 20)) {
    try {
      const b = await (a as WebAdapter).lookup(`/api/v2/item_upload/brands?keyword=${encodeURIComponent(k)}`);
      const found = named(b?.brands) ?? [];
      index.set(k, found);
      await V.insertInto('brand_cache').values({ market: tax.data.market, keyword: k, brands: JSON.stringify(found), fetched_at: new Date() })
        .onConflict((oc) => oc.columns(['market', 'keyword']).doUpdateSet({ brands: JSON.stringify(found), fetched_at: new Date() })).execute();
    } catch (e) {
      ctx.log.warn({ err: (e as Error).message }, 'vinted brand lookup failed');
      break;
    }
  }
  return index;
}
