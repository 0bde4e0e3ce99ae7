import { describe, expect, it } from 'vitest';
import { summarizeLots } from '../../../src/promoteurs/parse/lots.ts';
import type { Lot } from '../../../src/promoteurs/types.ts';

const lot = (type: Lot['type'], surface: number | null, prix: number | null, extra: Partial<Lot> = {}): Lot => ({ type, surface, etage: null, prix, ...extra });

describe('lots summary', () => {
  it('computes ranges, count, typologies, mean €/m² and the per-typology summary', () => {
    const s = summarizeLots([
      lot('T3', 67.9, 471000),
      lot('T2', 46.9, 336000, { prixTvaReduite: 286000 }),
      lot('Studio', 24.3, 224900),
      lot('T2', 42.1, 312000),
      lot('T4', 86, null), // price on request: counted, no price
    ]);
    expect(s).toMatchObject({ prixMin: 224900, prixMax: 471000, surfaceMin: 24.3, surfaceMax: 86, nbLotsDisponibles: 5, typesLots: ['Studio', 'T2', 'T3', 'T4'] });
    // mean of 471000/67.9, 336000/46.9, 224900/24.3, 312000/42.1 (reduced-VAT prices are not mixed in)
    const expected = Math.round((471000 / 67.9 + 336000 / 46.9 + 224900 / 24.3 + 312000 / 42.1) / 4);
    expect(s.prixM2Moyen).toBe(expected);
    expect(s.parTypologie).toEqual({
      Studio: { nbLots: 1, prixMin: 224900, prixMax: 224900, surfaceMin: 24.3, surfaceMax: 24.3 },
      T2: { nbLots: 2, prixMin: 312000, prixMax: 336000, surfaceMin: 42.1, surfaceMax: 46.9 },
      T3: { nbLots: 1, prixMin: 471000, prixMax: 471000, surfaceMin: 67.9, surfaceMax: 67.9 },
      T4: { nbLots: 1, prixMin: null, prixMax: null, surfaceMin: 86, surfaceMax: 86 },
    });
    expect(Object.keys(s.parTypologie)).toEqual(['Studio', 'T2', 'T3', 'T4']);
  });

  it('no lots → nulls and zero', () => {
    expect(summarizeLots([])).toEqual({ prixMin: null, prixMax: null, surfaceMin: null, surfaceMax: null, nbLotsDisponibles: 0, typesLots: [], prixM2Moyen: null, parTypologie: {} });
  });

  it('Maison and Autre are typologies too', () => {
    expect(summarizeLots([lot('Maison', 110, 520000), lot('Autre', null, 15000)]).typesLots).toEqual(['Maison', 'Autre']);
  });
});
