// The Studio's French garment labels → where they live in Vinted's catalog, for women and men, as
// paths of titles under the gender's root ("Femmes", "Hommes"), plus the usual parcel size. Paths
// (not ids) so that a taxonomy refreshed from a live account resolves them to its own ids. A path
// may stop at a branch: the leaf is then its "Autre(s) …" child (or its first).
//
// Used by the plan (publish_ready) and joined by the garment classifier (vision/classes.ts: each
// class names its entry here): catalogForLabel('jeans', 'femmes') → {id, path}; labelForCatalog(1845) → 'jeans'.
import { fold } from '../listings/text.ts';
import type { Taxonomy, CatalogNode } from './taxonomy.ts';

export const GENDERS = ['femmes', 'hommes'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_ROOT: Record<Gender, string> = { femmes: 'Femmes', hommes: 'Hommes' };

/** Vinted package size ids: 1 petit, 2 moyen, 3 grand. */
export type PackageSize = 1 | 2 | 3;

export interface StudioEntry { femmes?: string[]; hommes?: string[]; package: PackageSize }

const V = 'Vêtements';
const STUDIO_TABLE = {
  't-shirt': { femmes: [V, 'Hauts & t-shirts', 'T-shirts'], hommes: [V, 'Hauts & t-shirts', 'T-shirts'], package: 1 },
  't-shirt manches longues': { femmes: [V, 'Hauts & t-shirts', 'T-shirts à manches longues'], hommes: [V, 'Hauts & t-shirts', 'T-shirts à manches longues'], package: 1 },
  // the garment classifier's "longsleeve" (long-sleeved tops, sweatshirts, jumpers): the photo cannot tell them apart
  'haut manches longues': { femmes: [V, 'Hauts & t-shirts', 'T-shirts à manches longues'], hommes: [V, 'Hauts & t-shirts', 'T-shirts à manches longues'], package: 2 },
  'hoodie': { femmes: [V, 'Sweats & sweats à capuche', 'Sweats & sweats à capuche'], hommes: [V, 'Sweats & pulls', 'Sweats à capuche'], package: 2 },
  'sweatshirt': { femmes: [V, 'Sweats & sweats à capuche', 'Sweats'], hommes: [V, 'Sweats & pulls', 'Sweats'], package: 2 },
  'pull': { femmes: [V, 'Sweats & sweats à capuche', 'Sweats', "Pulls d'hiver"], hommes: [V, 'Sweats & pulls', 'Pulls'], package: 2 },
  'joggers': { femmes: [V, 'Pantalons & leggings', 'Pantalons de jogging'], hommes: [V, 'Pantalons', 'Joggings'], package: 2 },
  'jeans': { femmes: [V, 'Jeans', 'Jeans droits'], hommes: [V, 'Jeans', 'Jeans droits'], package: 2 },
  'pantalon': { femmes: [V, 'Pantalons & leggings', 'Pantalons droits'], hommes: [V, 'Pantalons', 'Chinos'], package: 2 },
  'short': { femmes: [V, 'Shorts & pantacourts'], hommes: [V, 'Shorts'], package: 1 },
  'puffer jacket': { femmes: [V, 'Manteaux & vestes', 'Vestes', 'Vestes matelassées'], hommes: [V, 'Manteaux & vestes', 'Vestes', 'Doudounes'], package: 3 },
  'veste': { femmes: [V, 'Manteaux & vestes', 'Vestes', 'Vestes légères'], hommes: [V, 'Manteaux & vestes', 'Vestes', 'Vestes légères'], package: 2 },
  'manteau': { femmes: [V, 'Manteaux & vestes', 'Manteaux', "Manteaux d'hiver"], hommes: [V, 'Manteaux & vestes', 'Manteaux', "Manteaux d'hiver"], package: 3 },
  'parka': { femmes: [V, 'Manteaux & vestes', 'Manteaux', 'Parkas'], hommes: [V, 'Manteaux & vestes', 'Manteaux', 'Parkas'], package: 3 },
  'windbreaker': { femmes: [V, 'Manteaux & vestes', 'Vestes', 'Vestes légères'], hommes: [V, 'Manteaux & vestes', 'Vestes', 'Coupe-vent'], package: 2 },
  'chemise': { femmes: [V, 'Hauts & t-shirts', 'Chemises'], hommes: [V, 'Hauts & t-shirts', 'Chemises'], package: 1 },
  'polo': { femmes: [V, 'Hauts & t-shirts', 'Polos'], hommes: [V, 'Hauts & t-shirts', 'Polos'], package: 1 },
  'robe': { femmes: [V, 'Robes'], package: 2 },
  'jupe': { femmes: [V, 'Jupes'], package: 1 },
  'casquette': { femmes: ['Accessoires', 'Chapeaux & casquettes', 'Casquettes'], hommes: ['Accessoires', 'Chapeaux & casquettes', 'Casquettes'], package: 1 },
  'bonnet': { femmes: ['Accessoires', 'Chapeaux & casquettes', 'Bonnets'], hommes: ['Accessoires', 'Chapeaux & casquettes', 'Bonnets'], package: 1 },
  'chapeau': { femmes: ['Accessoires', 'Chapeaux & casquettes', 'Chapeaux'], hommes: ['Accessoires', 'Chapeaux & casquettes', 'Chapeaux'], package: 2 },
  'sneakers': { femmes: ['Chaussures', 'Baskets'], hommes: ['Chaussures', 'Baskets'], package: 2 },
  'chaussures': { femmes: ['Chaussures'], hommes: ['Chaussures'], package: 2 },
  'sac': { femmes: ['Sacs'], hommes: ['Accessoires', 'Sacs & sacoches'], package: 2 },
} satisfies Record<string, StudioEntry>;
/** a label of the table (the garment classifier's classes point at one each: vision/classes.ts) */
export type StudioLabel = keyof typeof STUDIO_TABLE;
export const STUDIO_MAP: Record<string, StudioEntry> = STUDIO_TABLE;

const ALIASES: Record<string, string> = {
  'tshirt': 't-shirt', 'tee shirt': 't-shirt', 'sweat a capuche': 'hoodie', 'sweat': 'sweatshirt', 'jogging': 'joggers',
  'jean': 'jeans', 'shorts': 'short', 'doudoune': 'puffer jacket', 'coupe vent': 'windbreaker', 'baskets': 'sneakers',
  'longsleeve': 'haut manches longues', 'outwear': 'veste', 'pants': 'pantalon', 'shirt': 'chemise', 'dress': 'robe',
  'skirt': 'jupe', 'hat': 'chapeau', 'shoes': 'chaussures',
};

export function studioEntry(label: string | null | undefined): { label: string; entry: StudioEntry } | null {
  if (!label) return null;
  const f = fold(label);
  for (const [k, e] of Object.entries(STUDIO_MAP)) if (fold(k) === f) return { label: k, entry: e };
  const alias = ALIASES[f];
  return alias ? { label: alias, entry: STUDIO_MAP[alias] } : null;
}

/** The Vinted catalog (a leaf) for a Studio label and a gender, or null when Vinted has no such place (a dress for men). */
export function catalogForLabel(tax: Taxonomy, label: string | null | undefined, gender: Gender): { id: number; path: string[]; node: CatalogNode } | null {
  const root = tax.findPath([GENDER_ROOT[gender]]);
  if (!root) return null;
  const e = studioEntry(label);
  let node: CatalogNode | null = null;
  const path = e?.entry[gender];
  if (path) node = tax.findPath([GENDER_ROOT[gender], ...path]) ?? tax.resolvePath([GENDER_ROOT[gender], ...path]);
  if (node === root) node = null;
  // not in the table, or the refreshed tree renamed it: the leaves of this gender named like the label
  if (!node && label && (!e || path)) node = tax.search(label, root)[0] ?? null;
  if (!node) return null;
  const leaf = tax.leafUnder(node);
  return { id: leaf.id, path: tax.pathOf(leaf.id), node: leaf };
}

/** The Studio label whose catalog (or branch) contains this Vinted catalog id. */
export function labelForCatalog(tax: Taxonomy, id: number): string | null {
  const path = tax.pathOf(id).map(fold);
  if (!path.length) return null;
  // the label that resolves to this very catalog (also after Vinted renamed a level)
  for (const [label, e] of Object.entries(STUDIO_MAP)) {
    for (const g of GENDERS) if (e[g] && catalogForLabel(tax, label, g)?.id === id) return label;
  }
  let best: { label: string; depth: number } | null = null;
  for (const [label, e] of Object.entries(STUDIO_MAP)) {
    for (const g of GENDERS) {
      const p = e[g];
      if (!p) continue;
      const full = [GENDER_ROOT[g], ...p].map(fold);
      if (full.length <= path.length && full.every((t, i) => path[i] === t) && (!best || full.length > best.depth)) best = { label, depth: full.length };
    }
  }
  return best?.label ?? null;
}
