// The seller's corrections to a catalog: merge, split, move a photo, reorder, choose the cover, set
// fields. Pure functions on a Catalog (the routes load, apply, save); every refusal is an EditError
// naming the problem.
import type { Catalog, CatalogCluster } from './types.ts';
import { normalizeCondition, CONDITIONS } from '../listings/conditions.ts';

export class EditError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'EditError';
    this.status = status;
    this.code = code;
  }
}

function cluster(c: Catalog, id: string): CatalogCluster {
  const found = c.clusters.find((x) => x.id === id);
  if (!found) throw new EditError(404, 'not_found', `article ${id} not found in this catalog`);
  return found;
}

function positionOf(c: Catalog): Map<string, number> {
  return new Map(c.photos.map((p) => [p.id, p.position]));
}

function byCapture(c: Catalog, ids: string[]): string[] {
  const pos = positionOf(c);
  return [...ids].sort((a, b) => (pos.get(a) ?? 0) - (pos.get(b) ?? 0));
}

export function nextClusterId(c: Catalog): string {
  let max = 0;
  for (const x of c.clusters) {
    const m = /^c(\d+)$/.exec(x.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `c${max + 1}`;
}

function newCluster(c: Catalog, photos: string[], from?: CatalogCluster): CatalogCluster {
  return {
    id: nextClusterId(c), photos, cover: photos[0],
    category: from?.category ?? null, category_score: from?.category_score ?? null, colors: from ? [...from.colors] : [],
    score: 1, joins: [], brand: null, size: null, condition: null, edited: true,
    suggestions: from?.suggestions ? structuredClone(from.suggestions) : {},
  };
}

function fixCover(x: CatalogCluster): void {
  if (!x.photos.includes(x.cover)) x.cover = x.photos[0];
}

function clone(c: Catalog): Catalog {
  return structuredClone(c);
}

/** Merges the given articles into the first one named. */
export function merge(src: Catalog, ids: string[]): Catalog {
  const unique = [...new Set(ids)];
  if (unique.length < 2) throw new EditError(400, 'bad_request', 'merge needs at least two different articles');
  const c = clone(src);
  const parts = unique.map((id) => cluster(c, id));
  const [target, ...rest] = parts;
  for (const r of rest) {
    target.photos.push(...r.photos);
    for (const k of ['category', 'brand', 'size', 'condition'] as const) if (target[k] === null && r[k] !== null) (target as any)[k] = r[k];
    if (target.colors.length === 0) target.colors = r.colors;
    target.joins.push(...r.joins);
  }
  target.edited = true;
  target.score = 1; // confirmed by the seller
  const drop = new Set(rest.map((r) => r.id));
  c.clusters = c.clusters.filter((x) => !drop.has(x.id));
  return c;
}

/** Moves `photos` out of article `id` into a new article placed right after it. */
export function split(src: Catalog, id: string, photos: string[]): Catalog {
  const c = clone(src);
  const from = cluster(c, id);
  const take = new Set(photos);
  if (take.size === 0) throw new EditError(400, 'bad_request', 'split needs at least one photo');
  for (const p of take) if (!from.photos.includes(p)) throw new EditError(400, 'bad_request', `photo ${p} is not in article ${id}`);
  if (take.size === from.photos.length) throw new EditError(400, 'bad_request', 'split must leave at least one photo in the article');
  const moved = from.photos.filter((p) => take.has(p));
  from.photos = from.photos.filter((p) => !take.has(p));
  from.joins = from.joins.filter((j) => !take.has(j.a) && !take.has(j.b));
  from.edited = true;
  from.score = 1;
  fixCover(from);
  const created = newCluster(c, moved, from);
  c.clusters.splice(c.clusters.indexOf(from) + 1, 0, created);
  return c;
}

/** Moves one photo to another article (or to a new one when `to` is null); an emptied article disappears. */
export function movePhoto(src: Catalog, photo: string, to: string | null, index?: number): Catalog {
  const c = clone(src);
  const from = c.clusters.find((x) => x.photos.includes(photo));
  if (!from) throw new EditError(404, 'not_found', `photo ${photo} not found in this catalog`);
  if (to === from.id) return reorderTo(c, from, photo, index);
  const dest = to === null ? null : cluster(c, to);
  from.photos = from.photos.filter((p) => p !== photo);
  from.joins = from.joins.filter((j) => j.a !== photo && j.b !== photo);
  from.edited = true;
  fixCover(from);
  if (dest) {
    const i = index === undefined ? dest.photos.length : Math.max(0, Math.min(index, dest.photos.length));
    dest.photos.splice(i, 0, photo);
    dest.edited = true;
    dest.score = 1;
  } else {
    c.clusters.splice(c.clusters.indexOf(from) + 1, 0, newCluster(c, [photo], from));
  }
  if (from.photos.length === 0) c.clusters = c.clusters.filter((x) => x !== from);
  return c;
}

function reorderTo(c: Catalog, x: CatalogCluster, photo: string, index?: number): Catalog {
  if (index === undefined) return c;
  x.photos = x.photos.filter((p) => p !== photo);
  x.photos.splice(Math.max(0, Math.min(index, x.photos.length)), 0, photo);
  x.edited = true;
  return c;
}

/** Sets the order of an article's photos (a permutation of its photos). */
export function reorder(src: Catalog, id: string, photos: string[]): Catalog {
  const c = clone(src);
  const x = cluster(c, id);
  const same = photos.length === x.photos.length && new Set(photos).size === photos.length && photos.every((p) => x.photos.includes(p));
  if (!same) throw new EditError(400, 'bad_request', `the new order must list each photo of article ${id} exactly once`);
  x.photos = [...photos];
  x.edited = true;
  return c;
}

export function setCover(src: Catalog, id: string, photo: string): Catalog {
  const c = clone(src);
  const x = cluster(c, id);
  if (!x.photos.includes(photo)) throw new EditError(400, 'bad_request', `photo ${photo} is not in article ${id}`);
  x.cover = photo;
  x.edited = true;
  return c;
}

export interface FieldPatch {
  category?: string | null;
  color?: string | null;
  colors?: string[];
  brand?: string | null;
  size?: string | null;
  condition?: string | null;
}

export function setFields(src: Catalog, id: string, patch: FieldPatch): Catalog {
  const c = clone(src);
  const x = cluster(c, id);
  const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());
  if (patch.category !== undefined) {
    x.category = clean(patch.category) ?? null;
    x.category_score = x.category ? 1 : null; // chosen by the seller
  }
  if (patch.colors !== undefined) x.colors = patch.colors.map((s) => s.trim()).filter(Boolean).slice(0, 2);
  else if (patch.color !== undefined) {
    const v = clean(patch.color);
    x.colors = v ? [v, ...x.colors.filter((k) => k !== v)].slice(0, 2) : [];
  }
  if (patch.brand !== undefined) x.brand = clean(patch.brand) ?? null;
  if (patch.size !== undefined) x.size = clean(patch.size) ?? null;
  if (patch.condition !== undefined) {
    const v = clean(patch.condition);
    const canon = v ? normalizeCondition(v) : null;
    if (v && !canon) throw new EditError(400, 'bad_request', `unknown condition "${v}": use one of ${CONDITIONS.map((k) => k.label).join(', ')}`);
    x.condition = canon;
  }
  x.edited = true;
  return c;
}

/** The photos of each article in capture order (used when a seller asks to reset the order). */
export function captureOrder(c: Catalog, id: string): string[] {
  return byCapture(c, cluster(c, id).photos);
}
