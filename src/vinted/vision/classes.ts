// The garment classifier's classes (the folders of the CC0 training set) → the Studio's French
// category label → the class's place in Vinted's catalogue. The place is a key of the publishing
// table (catalogue/studio-map.ts: paths per gender, resolved to leaf ids by the taxonomy in use,
// snapshot or refreshed), never an id here: Vinted's ids are per leaf and per gender, and a photo
// does not tell the gender. The shown labels can be replaced with VINTED_CLASS_LABELS_JSON; the
// catalogue place follows the class, whatever the label says.
import { catalogForLabel, type Gender, type StudioLabel } from '../catalogue/studio-map.ts';
import type { Taxonomy } from '../catalogue/taxonomy.ts';

export const GARMENT_CLASSES = ['dress', 'hat', 'longsleeve', 'outwear', 'pants', 'shirt', 'shoes', 'shorts', 'skirt', 't-shirt'] as const;
export type GarmentClass = (typeof GARMENT_CLASSES)[number];

export interface ClassInfo {
  /** French Studio label (the category shown on the card, used by price rules and templates) */
  label: string;
  /** the class's entry of the publishing table (STUDIO_MAP): its Vinted catalog per gender */
  catalogue: StudioLabel;
  /** what the training photos of this class show (for the docs and the LLM prompt) */
  means: string;
}

export const CLASS_TABLE: Record<GarmentClass, ClassInfo> = {
  dress: { label: 'robe', catalogue: 'robe', means: 'dresses' },
  hat: { label: 'chapeau', catalogue: 'chapeau', means: 'hats, caps, beanies' },
  longsleeve: { label: 'haut manches longues', catalogue: 'haut manches longues', means: 'long-sleeved tops, sweatshirts, jumpers' },
  outwear: { label: 'veste', catalogue: 'veste', means: 'jackets, coats, parkas' },
  pants: { label: 'pantalon', catalogue: 'pantalon', means: 'trousers, jeans, joggers' },
  shirt: { label: 'chemise', catalogue: 'chemise', means: 'button-up shirts' },
  shoes: { label: 'chaussures', catalogue: 'chaussures', means: 'shoes, sneakers, boots' },
  shorts: { label: 'short', catalogue: 'short', means: 'shorts' },
  skirt: { label: 'jupe', catalogue: 'jupe', means: 'skirts' },
  't-shirt': { label: 't-shirt', catalogue: 't-shirt', means: 'short-sleeved t-shirts and polos' },
};

/** class → label, with the seller's replacements (VINTED_CLASS_LABELS_JSON) applied. */
export function classLabels(overrides: Partial<Record<string, string>> = {}): Record<GarmentClass, string> {
  const out = {} as Record<GarmentClass, string>;
  for (const c of GARMENT_CLASSES) out[c] = overrides[c]?.trim() || CLASS_TABLE[c].label;
  return out;
}

/** The Vinted catalog (leaf) of a class for a gender, in the taxonomy in use; null where Vinted has none (dresses for men). */
export function catalogForClass(tax: Taxonomy, cls: GarmentClass, gender: Gender): ReturnType<typeof catalogForLabel> {
  return catalogForLabel(tax, CLASS_TABLE[cls].catalogue, gender);
}

export const isGarmentClass = (x: unknown): x is GarmentClass => (GARMENT_CLASSES as readonly unknown[]).includes(x);
