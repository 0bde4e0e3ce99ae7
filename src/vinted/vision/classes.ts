// The garment classifier's classes (the folders of the CC0 training set) → the Studio's French
// category label → Vinted catalogue id. Vinted's catalogue ids are per leaf and per gender (men's
// jeans 5, women's jeans 1187: ../shared/spec/vinted-contract.md, the only ids it gives); a photo
// does not tell the gender, so no id is set here: the publishing taxonomy (issue 11) is meant to be
// joined to this table on `label`. The labels can be replaced with VINTED_CLASS_LABELS_JSON.

export const GARMENT_CLASSES = ['dress', 'hat', 'longsleeve', 'outwear', 'pants', 'shirt', 'shoes', 'shorts', 'skirt', 't-shirt'] as const;
export type GarmentClass = (typeof GARMENT_CLASSES)[number];

export interface ClassInfo {
  /** French Studio label (the category shown on the card, used by price rules and templates) */
  label: string;
  /** Vinted catalogue id when one is known for every gender, else null (see the header) */
  vintedCatalogId: number | null;
  /** what the training photos of this class show (for the docs and the LLM prompt) */
  means: string;
}

export const CLASS_TABLE: Record<GarmentClass, ClassInfo> = {
  dress: { label: 'robe', vintedCatalogId: null, means: 'dresses' },
  hat: { label: 'chapeau', vintedCatalogId: null, means: 'hats, caps, beanies' },
  longsleeve: { label: 'haut manches longues', vintedCatalogId: null, means: 'long-sleeved tops, sweatshirts, jumpers' },
  outwear: { label: 'veste', vintedCatalogId: null, means: 'jackets, coats, parkas' },
  pants: { label: 'pantalon', vintedCatalogId: null, means: 'trousers, jeans, joggers' },
  shirt: { label: 'chemise', vintedCatalogId: null, means: 'button-up shirts' },
  shoes: { label: 'chaussures', vintedCatalogId: null, means: 'shoes, sneakers, boots' },
  shorts: { label: 'short', vintedCatalogId: null, means: 'shorts' },
  skirt: { label: 'jupe', vintedCatalogId: null, means: 'skirts' },
  't-shirt': { label: 't-shirt', vintedCatalogId: null, means: 'short-sleeved t-shirts and polos' },
};

/** class → label, with the seller's replacements (VINTED_CLASS_LABELS_JSON) applied. */
export function classLabels(overrides: Partial<Record<string, string>> = {}): Record<GarmentClass, string> {
  const out = {} as Record<GarmentClass, string>;
  for (const c of GARMENT_CLASSES) out[c] = overrides[c]?.trim() || CLASS_TABLE[c].label;
  return out;
}
