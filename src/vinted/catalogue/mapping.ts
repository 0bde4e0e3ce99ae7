// One drafted article → Vinted's ids: catalog (a leaf), size (in the catalog's size group),
// condition (status id), colours (≤ 2), package size, brand. What cannot be mapped is listed in
// `missing` (publish is refused); what was guessed is listed in `warnings` (shown, not blocking).
import { fold } from '../listings/text.ts';
import { catalogForLabel, studioEntry, type Gender } from './studio-map.ts';
import type { NamedId, Taxonomy } from './taxonomy.ts';

export interface VintedMapping {
  gender: Gender;
  catalog_id: number | null;
  catalog_path: string[];
  size_id: number | null;
  size_title: string | null;
  status_id: number | null;
  color_ids: number[];
  package_size_id: number | null;
  brand_id: number;
  brand_title: string | null;
  missing: string[];
  warnings: string[];
}

export interface MappingInput {
  category: string | null;
  colors: string[];
  condition: string | null;
  size: string | null;
  brand: string | null;
  gender: Gender;
  /** the table entry to map on instead of `category` (the garment classifier's class, vision/classes.ts) */
  catalogue_label?: string | null;
  /** explicit choices of the seller (override the table) */
  catalog_id?: number | null;
  package_size_id?: number | null;
}

/** Brands found by keyword (cache or live lookup), by folded keyword. */
export type BrandIndex = Map<string, NamedId[]>;

const NO_SIZE = new Set(['taille non visible', 'inconnue', 'unknown', 'non visible', '']);

/** "M", "Taille M", "38", "EU 38", "M / 38" → the size of the group whose title has that token. */
export function sizeIdFor(sizes: NamedId[], input: string | null): NamedId | null {
  if (!input) return null;
  const raw = fold(input).replace(/^(taille|size|eu|fr|t)\s+/, '').trim();
  if (NO_SIZE.has(raw)) return null;
  // "Taille unique" is a size title of its own (hats, bags): matched before the "taille" prefix is dropped
  const exact = sizes.find((s) => fold(s.title) === fold(input)) ?? sizes.find((s) => fold(s.title) === raw);
  if (exact) return exact;
  const tokens = fold(input).split(/\s*\/\s*|\s+/).filter((t) => t && !['taille', 'size', 'eu', 'fr'].includes(t));
  for (const t of tokens) {
    const hit = sizes.find((s) => s.title.split('/').map((x) => fold(x)).includes(t));
    if (hit) return hit;
  }
  return null;
}

export function mapArticle(tax: Taxonomy, a: MappingInput, brands?: BrandIndex): VintedMapping {
  const missing: string[] = [];
  const warnings: string[] = [];
  // catalog
  let catalogId: number | null = null;
  if (a.catalog_id) {
    if (tax.catalog(a.catalog_id) && tax.isLeaf(a.catalog_id)) catalogId = a.catalog_id;
    else warnings.push('catalog_override_invalid');
  }
  const label = a.catalogue_label ?? a.category;
  if (catalogId === null) catalogId = catalogForLabel(tax, label, a.gender)?.id ?? null;
  if (catalogId === null) missing.push('vinted_category_missing');
  // size, in the catalog's own size group
  let size: NamedId | null = null;
  if (catalogId !== null) {
    const group = tax.sizeGroupOf(catalogId);
    size = group ? sizeIdFor(group.sizes, a.size) : null;
    if (!size) missing.push('vinted_size_missing');
  }
  // condition
  const statusId = a.condition ? tax.conditionId(a.condition) : null;
  if (statusId === null) missing.push('vinted_condition_missing');
  // colours: up to two, the unknown ones reported
  const colorIds: number[] = [];
  for (const c of a.colors) {
    const id = tax.colorId(c);
    if (id === null) warnings.push('color_not_found');
    else if (!colorIds.includes(id) && colorIds.length < 2) colorIds.push(id);
  }
  // package size: the seller's, else the garment's usual one, among those the catalog allows
  let packageId: number | null = null;
  if (catalogId !== null) {
    const allowed = tax.packageSizesOf(catalogId).map((p) => p.id);
    const wanted = a.package_size_id ?? studioEntry(label)?.entry.package ?? 2;
    packageId = allowed.includes(wanted) ? wanted : (allowed.find((p) => p >= wanted) ?? allowed[allowed.length - 1] ?? null);
    if (packageId === null) missing.push('vinted_package_missing');
  }
  // brand: the snapshot / refreshed list, then the keyword lookups; none → Vinted's "no brand"
  let brandId = tax.data.no_brand_id;
  let brandTitle: string | null = null;
  if (a.brand && fold(a.brand) !== 'unknown') {
    const f = fold(a.brand);
    const hit = tax.brandId(a.brand) ?? brands?.get(f)?.find((b) => fold(b.title) === f) ?? brands?.get(f)?.[0] ?? null;
    if (hit) {
      brandId = hit.id;
      brandTitle = hit.title;
    } else warnings.push('brand_not_found');
  } else warnings.push('brand_none');
  return {
    gender: a.gender, catalog_id: catalogId, catalog_path: catalogId !== null ? tax.pathOf(catalogId) : [],
    size_id: size?.id ?? null, size_title: size?.title ?? null, status_id: statusId, color_ids: colorIds,
    package_size_id: packageId, brand_id: brandId, brand_title: brandTitle, missing, warnings,
  };
}
