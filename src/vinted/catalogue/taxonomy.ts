// Vinted's taxonomy for one market: the catalog tree, colours, conditions, size groups, package sizes
// and a few brands. The shipped snapshot (snapshot-fr.json) is used until a connected account has
// refreshed it (vinted.taxonomy); lookups go by folded titles so a refreshed tree's ids win.
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { fold } from '../listings/text.ts';

export interface CatalogNode {
  id: number;
  title: string;
  code?: string | null;
  size_group_ids?: number[];
  package_size_ids?: number[];
  verified?: boolean;
  catalogs: CatalogNode[];
}
export interface NamedId { id: number; title: string; code?: string | null; hex?: string | null; verified?: boolean }
export interface SizeGroup { id: number; description?: string; sizes: NamedId[] }

export interface TaxonomyData {
  market: string;
  source: string;
  generated_at?: string;
  refreshed_at?: string;
  catalogs: CatalogNode[];
  colors: NamedId[];
  conditions: NamedId[];
  package_sizes: NamedId[];
  size_groups: SizeGroup[];
  brands: NamedId[];
  no_brand_id: number;
}

interface Indexed { node: CatalogNode; path: CatalogNode[] }

export class Taxonomy {
  readonly data: TaxonomyData;
  private byId = new Map<number, Indexed>();
  private groups = new Map<number, SizeGroup>();

  constructor(data: TaxonomyData) {
    this.data = data;
    const walk = (nodes: CatalogNode[], parents: CatalogNode[]) => {
      for (const n of nodes) {
        const p = [...parents, n];
        this.byId.set(n.id, { node: n, path: p });
        walk(n.catalogs ?? [], p);
      }
    };
    walk(data.catalogs, []);
    for (const g of data.size_groups) this.groups.set(g.id, g);
  }

  get source(): string {
    return this.data.source;
  }

  catalog(id: number): CatalogNode | undefined {
    return this.byId.get(id)?.node;
  }

  /** "Femmes › Vêtements › Jeans › Jeans droits" as a list of titles. */
  pathOf(id: number): string[] {
    return this.byId.get(id)?.path.map((n) => n.title.trim()) ?? [];
  }

  isLeaf(id: number): boolean {
    const n = this.catalog(id);
    return !!n && !(n.catalogs?.length);
  }

  /** The node at a path of titles (folded, so accents/case/spaces do not matter). */
  findPath(titles: string[]): CatalogNode | null {
    let level = this.data.catalogs;
    let found: CatalogNode | null = null;
    for (const t of titles) {
      const f = fold(t);
      found = level.find((n) => fold(n.title) === f) ?? null;
      if (!found) return null;
      level = found.catalogs ?? [];
    }
    return found;
  }

  /**
   * Like findPath, tolerant of a tree refreshed from Vinted that renamed a level: at a title that is
   * not there, the child sharing the most words with it is taken ("Jeans droits" → "Jeans coupe
   * droite"); when none shares a word, the deepest node found so far. null when even the first is missing.
   */
  resolvePath(titles: string[]): CatalogNode | null {
    // French plural and feminine endings do not make another word: droits, droite → droit
    const words = (t: string) => new Set(fold(t).split(' ').filter(Boolean).map((w) => (w.length > 3 ? w.replace(/(es|s|e)$/, '') : w)));
    let level = this.data.catalogs;
    let found: CatalogNode | null = null;
    for (const t of titles) {
      const f = fold(t);
      let next = level.find((n) => fold(n.title) === f) ?? null;
      if (!next) {
        const want = words(t);
        let best = 0;
        for (const n of level) {
          const score = [...words(n.title)].filter((w) => want.has(w)).length;
          if (score > best) [best, next] = [score, n];
        }
      }
      if (!next) return found;
      found = next;
      level = next.catalogs ?? [];
    }
    return found;
  }

  /** A leaf under `node`: itself when it is one, else the child named "Autre(s) …" or the first child, recursively. */
  leafUnder(node: CatalogNode): CatalogNode {
    let n = node;
    while (n.catalogs?.length) n = n.catalogs.find((c) => /^autres?\b/.test(fold(c.title))) ?? n.catalogs[0];
    return n;
  }

  /** Leaves under `root` (or everywhere) whose title contains every word of `label` (singular/plural folded). */
  search(label: string, root?: CatalogNode): CatalogNode[] {
    const words = fold(label).split(' ').filter(Boolean).map((w) => w.replace(/s$/, ''));
    if (!words.length) return [];
    const out: CatalogNode[] = [];
    const walk = (nodes: CatalogNode[]) => {
      for (const n of nodes) {
        const tw = fold(n.title).split(' ').map((w) => w.replace(/s$/, ''));
        if (words.every((w) => tw.includes(w))) out.push(n);
        walk(n.catalogs ?? []);
      }
    };
    walk(root ? [root] : this.data.catalogs);
    return out;
  }

  /** The size group of a catalog: its own, or the nearest ancestor's. */
  sizeGroupOf(id: number): SizeGroup | null {
    const p = this.byId.get(id)?.path ?? [];
    for (let i = p.length - 1; i >= 0; i--) {
      for (const g of p[i].size_group_ids ?? []) if (this.groups.has(g)) return this.groups.get(g)!;
    }
    return null;
  }

  packageSizesOf(id: number): NamedId[] {
    const p = this.byId.get(id)?.path ?? [];
    for (let i = p.length - 1; i >= 0; i--) {
      const ids = p[i].package_size_ids;
      if (ids?.length) return this.data.package_sizes.filter((s) => ids.includes(s.id));
    }
    return this.data.package_sizes;
  }

  colorId(label: string): number | null {
    const f = fold(label);
    return this.data.colors.find((c) => fold(c.title) === f)?.id ?? null;
  }

  conditionId(label: string): number | null {
    const f = fold(label);
    return this.data.conditions.find((c) => fold(c.title) === f)?.id ?? null;
  }

  brandId(title: string): NamedId | null {
    const f = fold(title);
    return this.data.brands.find((b) => fold(b.title) === f) ?? null;
  }
}

const SNAPSHOT_FILE = path.join(import.meta.dirname, 'snapshot-fr.json');
let snapshot: Taxonomy | null = null;

/** The taxonomy shipped with the app (French market). */
export function snapshotTaxonomy(): Taxonomy {
  snapshot ??= new Taxonomy(JSON.parse(fs.readFileSync(SNAPSHOT_FILE, 'utf8')) as TaxonomyData);
  return snapshot;
}

/** The last taxonomy refreshed from a connected account, else the snapshot. */
export async function loadTaxonomy(db: Kysely<any>, market = 'fr'): Promise<Taxonomy> {
  const row = await db.withSchema('vinted').selectFrom('taxonomy').selectAll().where('market', '=', market).executeTakeFirst();
  if (!row) return snapshotTaxonomy();
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as TaxonomyData;
  return new Taxonomy({ ...data, source: row.source, refreshed_at: new Date(row.refreshed_at).toISOString() });
}

export async function saveTaxonomy(db: Kysely<any>, data: TaxonomyData, source: string): Promise<void> {
  const row = { market: data.market, source, data: JSON.stringify({ ...data, source }), refreshed_at: new Date() };
  await db.withSchema('vinted').insertInto('taxonomy').values(row)
    .onConflict((oc) => oc.column('market').doUpdateSet({ source: row.source, data: row.data, refreshed_at: row.refreshed_at }))
    .execute();
}
