// Fields computed from a programme's lots: price/surface ranges, count, typologies, mean €/m²,
// and the per-typology summary {T2: {nbLots, prixMin, prixMax, surfaceMin}, …}.
import type { Lot, LotsSummary, TypeLot, TypologiesSummary, TypologySummary } from '../types.ts';
import { sortTypes } from './numbers.ts';

function min(a: number | null, b: number | null | undefined): number | null {
  if (b == null) return a;
  return a == null ? b : Math.min(a, b);
}
function max(a: number | null, b: number | null | undefined): number | null {
  if (b == null) return a;
  return a == null ? b : Math.max(a, b);
}

/** Summary of the lots; every lot listed is counted as available (sites list unsold lots only). */
export function summarizeLots(lots: readonly Lot[]): LotsSummary {
  let prixMin: number | null = null;
  let prixMax: number | null = null;
  let surfaceMin: number | null = null;
  let surfaceMax: number | null = null;
  let m2Sum = 0;
  let m2Count = 0;
  const types = new Set<TypeLot>();
  const parTypologie: TypologiesSummary = {};
  for (const lot of lots) {
    prixMin = min(prixMin, lot.prix);
    prixMax = max(prixMax, lot.prix);
    surfaceMin = min(surfaceMin, lot.surface);
    surfaceMax = max(surfaceMax, lot.surface);
    if (lot.prix != null && lot.surface != null && lot.surface > 0) {
      m2Sum += lot.prix / lot.surface;
      m2Count++;
    }
    types.add(lot.type);
    const t: TypologySummary = (parTypologie[lot.type] ??= { nbLots: 0, prixMin: null, prixMax: null, surfaceMin: null, surfaceMax: null });
    t.nbLots++;
    t.prixMin = min(t.prixMin, lot.prix);
    t.prixMax = max(t.prixMax, lot.prix);
    t.surfaceMin = min(t.surfaceMin, lot.surface);
    t.surfaceMax = max(t.surfaceMax ?? null, lot.surface);
  }
  // stable key order (Studio, T1…T5, Maison, Autre) so JSON diffs stay quiet
  const ordered: TypologiesSummary = {};
  for (const k of sortTypes(types)) ordered[k] = parTypologie[k];
  return {
    prixMin,
    prixMax,
    surfaceMin,
    surfaceMax,
    nbLotsDisponibles: lots.length,
    typesLots: sortTypes(types),
    prixM2Moyen: m2Count ? Math.round(m2Sum / m2Count) : null,
    parTypologie: ordered,
  };
}
