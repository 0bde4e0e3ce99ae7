// Plan listings (spec §5, no side effect): one draft per article from the templates, price rules and
// quality gates. Pure: the routes and the CLI persist the result.
import type { Catalog, CatalogCluster } from '../catalog/types.ts';
import type { VintedSettings } from '../settings.ts';
import { normalizeCondition, conditionStatusId } from './conditions.ts';
import { computePrice, withLearned, type LearnedEvidence } from './pricing.ts';
import { renderTemplate, TemplateError, type TemplateValues } from './templates.ts';
import { runGates } from './gates.ts';
import { capitalize, fold, hashtagSlug } from './text.ts';
import { mapArticle, type BrandIndex, type VintedMapping } from '../catalogue/mapping.ts';
import { GENDERS, type Gender } from '../catalogue/studio-map.ts';
import { snapshotTaxonomy, type Taxonomy } from '../catalogue/taxonomy.ts';
import { CLASS_TABLE, isGarmentClass } from '../vision/classes.ts';

export interface ItemOverride {
  title?: string;
  description?: string;
  price?: number;
  brand?: string | null;
  size?: string | null;
  condition?: string | null;
  category?: string | null;
  color?: string | null;
  publish?: boolean;
  /** Vinted: women's or men's catalog, an explicit catalog (leaf) id, a parcel size id */
  gender?: Gender;
  catalog_id?: number | null;
  package_size_id?: number | null;
}

export interface PlanOptions {
  defaults?: { condition?: string; size?: string; brand?: string; category?: string; city?: string; gender?: Gender };
  templates?: { title?: string; description?: string };
  overrides?: Record<string, ItemOverride>;
  /** Vinted's taxonomy to map against (default: the shipped snapshot) and brands found by keyword */
  vinted?: { taxonomy?: Taxonomy; brands?: BrandIndex };
  /**
   * What the seller's own sales say of each article's kind (per article id, from the analytics' price
   * evidence when the plan was made): it moves the price and stays in the plan's options, so the
   * publish step rebuilds the same prices.
   */
  learned?: Record<string, LearnedEvidence>;
}

export interface PlanItem {
  cluster_id: string;
  title: string;
  price: number | null;
  price_min: number | null;
  price_target: number | null;
  price_max: number | null;
  /** the seller's own sales behind the price, when there were enough */
  price_learned: LearnedEvidence | null;
  description: string;
  condition: string | null;
  status_id: number | null;
  brand: string;
  brand_tier: string | null;
  size: string | null;
  category: string | null;
  color: string | null;
  photos: string[];
  cover: string;
  publish: boolean;
  publish_ready: boolean;
  missing_fields: string[];
  gender: Gender;
  /** the article in Vinted's ids (catalog path, size, condition, colours, parcel, brand) */
  vinted: VintedMapping;
}

export interface Plan {
  job_id: string;
  created_at: string;
  templates: { title: string; description: string };
  items: PlanItem[];
}

type PlanSettings = Pick<VintedSettings, 'defaultPrice' | 'priceRules' | 'brandTiers' | 'conditionFactors' | 'marketingPhrases'
  | 'city' | 'titleTemplate' | 'descriptionTemplate' | 'defaultCondition' | 'defaultSize'> & { defaultGender?: Gender };

const pick = <T>(...vals: (T | null | undefined)[]): T | null => {
  for (const v of vals) if (v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '')) return v;
  return null;
};

function hashtags(category: string | null, colors: string[], brand: string | null): string {
  const tags: string[] = [];
  for (const v of [category, ...colors.slice(0, 2), brand]) if (v) tags.push(hashtagSlug(v));
  // the quality gate asks for 3–5 hashtags
  const unique = [...new Set(tags.filter(Boolean))];
  for (const filler of ['secondemain', 'mode', 'vintage']) if (unique.length < 3 && !unique.includes(filler)) unique.push(filler);
  return unique.slice(0, 5).map((t) => `#${t}`).join(' ');
}

export function planItem(cluster: CatalogCluster, s: PlanSettings, opts: PlanOptions, templates: { title: string; description: string }): PlanItem {
  const o = opts.overrides?.[cluster.id] ?? {};
  const d = opts.defaults ?? {};
  const category = pick(o.category, cluster.category, d.category);
  const colors = o.color !== undefined && o.color !== null ? [o.color] : cluster.colors ?? [];
  const rawCondition = pick(o.condition, cluster.condition, d.condition, s.defaultCondition);
  const condition = normalizeCondition(rawCondition);
  const size = pick(o.size, cluster.size, d.size, s.defaultSize);
  const brandRaw = pick(o.brand, cluster.brand, d.brand);
  const brand = brandRaw && fold(brandRaw) !== 'unknown' ? brandRaw : null;
  const price = withLearned(computePrice({ category, brand, condition }, s), opts.learned?.[cluster.id] ?? null);
  const finalPrice = o.price !== undefined && o.price !== null ? o.price : price.price_target;
  const city = d.city ?? s.city;
  const sizeKnown = size && fold(size) !== fold(s.defaultSize) ? size : null;
  const tags = hashtags(category, colors, brand);
  const vars: TemplateValues = {
    'Catégorie': category ?? '', Couleur: colors[0] ?? '', Couleurs: colors.join(' et '),
    'État': condition ? condition.toLowerCase() : '', Taille: sizeKnown ?? '', Marque: brand ?? '',
    Ville: city, Prix: finalPrice, Hashtags: tags,
  };
  const missing: string[] = [];
  let title = o.title ?? '';
  let description = o.description ?? '';
  try {
    if (o.title === undefined) title = renderTemplate(templates.title, vars);
    if (o.description === undefined) description = renderTemplate(templates.description, vars);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    missing.push('template_error');
  }
  // a template starting with an empty variable ("{Category}" without category) still reads as a sentence
  title = capitalize(title);
  description = description.split('\n').map(capitalize).join('\n');
  const gates = runGates({ title, description, condition, size, price: finalPrice, category }, s.marketingPhrases);
  if (rawCondition && !condition) gates.missing_fields.push('condition_invalid');
  const genderRaw = o.gender ?? d.gender ?? s.defaultGender ?? 'femmes';
  const gender: Gender = (GENDERS as readonly string[]).includes(genderRaw) ? genderRaw : 'femmes';
  // a category the classifier gave (kept, or one of its suggestions clicked) maps through its class, not
  // its shown label: a label renamed with VINTED_CLASS_LABELS_JSON still publishes to the right catalog
  const cls = category ? cluster.suggestions?.category?.find((x) => x.source === 'classifier' && fold(x.value) === fold(category))?.class : undefined;
  const vinted = mapArticle(opts.vinted?.taxonomy ?? snapshotTaxonomy(), {
    category, catalogue_label: isGarmentClass(cls) ? CLASS_TABLE[cls].catalogue : null, colors, condition, size, brand, gender, catalog_id: o.catalog_id, package_size_id: o.package_size_id,
  }, opts.vinted?.brands);
  // Vinted needs a catalog, a size, a condition and a parcel size: without them no publish
  const missing_fields = [...missing, ...gates.missing_fields, ...vinted.missing.filter((m) => !(m === 'vinted_condition_missing' && !condition))];
  return {
    cluster_id: cluster.id,
    title,
    price: finalPrice,
    price_min: price.price_min,
    price_target: price.price_target,
    price_max: price.price_max,
    price_learned: price.learned,
    description,
    condition,
    status_id: conditionStatusId(condition),
    brand: brand ?? 'Unknown',
    brand_tier: price.brand_tier,
    size,
    category,
    color: colors[0] ?? null,
    photos: cluster.photos,
    cover: cluster.cover,
    publish: o.publish ?? false,
    publish_ready: missing_fields.length === 0,
    missing_fields,
    gender,
    vinted,
  };
}

export function buildPlan(catalog: Catalog, s: PlanSettings, opts: PlanOptions = {}): Plan {
  const templates = { title: opts.templates?.title || s.titleTemplate, description: opts.templates?.description || s.descriptionTemplate };
  return {
    job_id: catalog.job_id,
    created_at: new Date().toISOString(),
    templates,
    items: catalog.clusters.map((c) => planItem(c, s, opts, templates)),
  };
}
