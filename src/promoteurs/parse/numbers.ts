// Prices, surfaces, floors and typologies as French developer sites write them.
import type { TypeLot } from '../types.ts';
import { clean, fold } from './text.ts';

/**
 * "301 420 €", "224 900€", "1 250 000 €", "471.000 €", "336 000,00 €", "à partir de 241 000 €",
 * "Prix : 199 K€" → number of euros; null when no price ("Nous consulter", "Vendu").
 */
export function parsePrice(input: string | number | null | undefined): number | null {
  if (input == null) return null;
  if (typeof input === 'number') return Number.isFinite(input) && input > 0 ? Math.round(input) : null;
  const s = clean(input);
  // "199 K€", "1,2 M€"
  const km = /(\d+(?:[.,]\d+)?)\s*([kKmM])\s*€/.exec(s);
  if (km) {
    const v = Number(km[1].replace(',', '.')) * (km[2].toLowerCase() === 'k' ? 1_000 : 1_000_000);
    return v > 0 ? Math.round(v) : null;
  }
  // a group of digits with space / dot / NBSP thousands separators, optional ",00" decimals
  const m = /(\d{1,3}(?:[ .]\d{3})+|\d+)(?:,(\d{1,2}))?\s*(?:€|eur|euros?\b)?/i.exec(s);
  if (!m) return null;
  const v = Number(m[1].replace(/[ .]/g, ''));
  if (!Number.isFinite(v) || v <= 0) return null;
  return v;
}

/** All prices in a text: "224 900 € à 639 900 €" → [224900, 639900]. */
export function parsePrices(input: string | null | undefined): number[] {
  if (!input) return [];
  const s = clean(input);
  const out: number[] = [];
  const re = /(\d{1,3}(?:[ .]\d{3})+|\d{4,})(?:,\d{1,2})?\s*(?:€|eur)/gi;
  for (const m of s.matchAll(re)) {
    const v = Number(m[1].replace(/[ .]/g, ''));
    if (v > 0) out.push(v);
  }
  return out;
}

/** "224 900 € à 639 900 €" → {min, max}; "à partir de 241 000 €" → {min: 241000, max: null}. */
export function parsePriceRange(input: string | null | undefined): { min: number | null; max: number | null } {
  const p = parsePrices(input);
  if (p.length === 0) return { min: null, max: null };
  if (p.length === 1) return { min: p[0], max: /partir|d[eè]s\b/i.test(input ?? '') ? null : p[0] };
  return { min: Math.min(...p), max: Math.max(...p) };
}

/** "46 m²", "67,9 m2", "81.79", "De 46 m² à 48 m²" (first) → 46 / 67.9 / 81.79. */
export function parseSurface(input: string | number | null | undefined): number | null {
  if (input == null) return null;
  if (typeof input === 'number') return Number.isFinite(input) && input > 0 ? Math.round(input * 100) / 100 : null;
  const s = clean(input);
  const m = /(\d+(?:[.,]\d+)?)\s*(?:m²|m2|m\b|㎡)/i.exec(s) ?? /^(\d+(?:[.,]\d+)?)$/.exec(s);
  if (!m) return null;
  const v = Number(m[1].replace(',', '.'));
  return Number.isFinite(v) && v > 0 ? Math.round(v * 100) / 100 : null;
}

/** Ordinal label for a floor number: 0 → "RDC", 1 → "1er", 2 → "2ème". */
export function floorLabel(n: number): string {
  if (n === 0) return 'RDC';
  if (n === 1) return '1er';
  if (n < 0) return `Sous-sol ${-n}`;
  return `${n}ème`;
}

/**
 * "Étage 16", "2ème étage", "2e", "RDC", "Rez-de-chaussée", "R+3", "3", 10 →
 * {label: "16ème" | "RDC" …, num}. Unknown → {label: raw text or null, num: null}.
 */
export function parseFloor(input: string | number | null | undefined): { label: string | null; num: number | null } {
  if (input == null || input === '') return { label: null, num: null };
  if (typeof input === 'number') return Number.isInteger(input) ? { label: floorLabel(input), num: input } : { label: null, num: null };
  const s = fold(input);
  if (!s || s === '-') return { label: null, num: null };
  if (/\b(rdc|rez[- ]de[- ]chaussee|rez[- ]de[- ]jardin|r\+0)\b/.test(s)) return { label: 'RDC', num: 0 };
  const m =
    /r\s*\+\s*(\d+)/.exec(s) ??
    /(?:etage|niveau|niv\.?)\s*:?\s*(-?\d+)/.exec(s) ??
    /(-?\d+)\s*(?:er|ere|eme|e|°)?\s*(?:etage)?\b/.exec(s);
  if (m) {
    const n = Number(m[1]);
    return { label: floorLabel(n), num: n };
  }
  return { label: clean(input), num: null };
}

/** Rooms → typology: 1 → T1, 5+ → T5. */
export function typeFromPieces(pieces: number | null | undefined): TypeLot {
  if (pieces == null || !Number.isFinite(pieces) || pieces < 1) return 'Autre';
  if (pieces >= 5) return 'T5';
  return `T${pieces}` as TypeLot;
}

/**
 * Typology of a lot from its label: "Studio", "T2", "2 pièces", "3 pcs", "F4", "Appartement 4 pièces",
 * "Maison 5 pièces" → Maison, "Duplex T4" → T4, "Parking"/"Local commercial" → Autre.
 * Returns the typology and the room count when one was written.
 */
export function parseTypology(input: string | null | undefined): { type: TypeLot; pieces: number | null } {
  const s = fold(input ?? '');
  if (!s) return { type: 'Autre', pieces: null };
  const n =
    /\b[tf]\s?(\d+)\b/.exec(s) ?? /(\d+)\s*(?:pieces?|pcs?\.?|p\b)/.exec(s) ?? /\b(\d+)\s*ch(?:ambres?)?\b/.exec(s);
  let pieces = n ? Number(n[1]) : null;
  // "3 chambres" = 4 rooms
  if (n && /ch(?:ambres?)?\b/.test(n[0]) && !/piece|pcs|\bt|\bf/.test(n[0])) pieces = Number(n[1]) + 1;
  if (/\b(maison|villa|pavillon)\b/.test(s)) return { type: 'Maison', pieces };
  if (/\bstudio\b|\bstudette\b/.test(s)) return { type: 'Studio', pieces: pieces ?? 1 };
  if (pieces != null) return { type: typeFromPieces(pieces), pieces };
  return { type: 'Autre', pieces: null };
}

/**
 * Typology range of a card text: "Du studio au 5 pièces" → [Studio, T1?, …]; we list what is
 * implied: Studio, T2, T3, T4, T5. "Appartements du 3 au 5 pièces" → [T3, T4, T5]; "2 et 4 pièces" → [T2, T4].
 */
export function parseTypesRange(input: string | null | undefined): TypeLot[] {
  const s = fold(input ?? '');
  if (!s) return [];
  const out = new Set<TypeLot>();
  const studio = /\bstudios?\b/.test(s);
  const range = /(?:du|de)\s+(studio|\d+)\s*(?:pieces?|pcs?)?\s+(?:au|a)\s+(\d+)\s*(?:pieces?|pcs?)?/.exec(s);
  if (range) {
    const lo = range[1] === 'studio' ? 2 : Number(range[1]);
    if (range[1] === 'studio') out.add('Studio');
    const hi = Math.min(Number(range[2]), 5);
    for (let i = lo; i <= hi; i++) out.add(typeFromPieces(i));
  } else {
    if (studio) out.add('Studio');
    for (const m of s.matchAll(/\b[tf](\d)\b|(\d)\s*(?:pieces?|pcs?)/g)) out.add(typeFromPieces(Number(m[1] ?? m[2])));
    // "2, 3 et 4 pièces": the numbers before the word
    const list = /((?:\d\s*(?:,|et|ou|\/)\s*)+\d)\s*(?:pieces?|pcs?)/.exec(s);
    if (list) for (const d of list[1].match(/\d/g) ?? []) out.add(typeFromPieces(Number(d)));
  }
  if (/\bmaisons?\b|\bvillas?\b/.test(s)) out.add('Maison');
  return sortTypes([...out]);
}

const ORDER: TypeLot[] = ['Studio', 'T1', 'T2', 'T3', 'T4', 'T5', 'Maison', 'Autre'];
export function sortTypes(types: Iterable<TypeLot>): TypeLot[] {
  return [...new Set(types)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

/** "8 lots disponibles", "Plus que 3 logements" → 8 / 3. */
export function parseCount(input: string | null | undefined): number | null {
  const m = /(\d+)\s*(?:lots?|logements?|appartements?|biens?|maisons?)/i.exec(clean(input ?? ''));
  return m ? Number(m[1]) : null;
}

/** "69007" from "Lyon (69007)" / "Lyon 7e - 69007". */
export function parsePostcode(input: string | null | undefined): string | null {
  const m = /\b((?:0[1-9]|[1-8]\d|9[0-8])\d{3})\b/.exec(input ?? '');
  return m ? m[1] : null;
}
