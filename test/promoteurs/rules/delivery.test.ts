import { describe, expect, it } from 'vitest';
import { parseDelivery, todayIso } from '../../../src/promoteurs/parse/delivery.ts';
import { deliveryDecision, isDelivered } from '../../../src/promoteurs/rules/delivered.ts';

// delivery text → end of the announced period
const TABLE: [string, string | null][] = [
  ['4ème trim. 2027', '2027-12-31'],
  ['Livraison 4ème trim. 2027', '2027-12-31'],
  ['4E TRIMESTRE 2027', '2027-12-31'],
  ['4e trimestre 2025', '2025-12-31'],
  ['4<sup>e</sup> trimestre 2025', '2025-12-31'],
  ['3ème trimestre 2025', '2025-09-30'],
  ['1er trimestre 2026', '2026-03-31'],
  ['1er trim 2026', '2026-03-31'],
  ['2nd trimestre 2026', '2026-06-30'],
  ['Premier trimestre 2028', '2028-03-31'],
  ['T2 2026', '2026-06-30'],
  ['T1-2027', '2027-03-31'],
  ['Q3 2026', '2026-09-30'],
  ['3T 2026', '2026-09-30'],
  ['4e trim. 26', '2026-12-31'],
  ['1er semestre 2027', '2027-06-30'],
  ['2ème semestre 2026', '2026-12-31'],
  ['second semestre 2026', '2026-12-31'],
  ['S1 2027', '2027-06-30'],
  ['Livraison prévue fin 2026', '2026-12-31'],
  ['fin 2026', '2026-12-31'],
  ['courant 2027', '2027-12-31'],
  ['2028', '2028-12-31'],
  ['début 2027', '2027-03-31'],
  ['mi-2027', '2027-06-30'],
  ['septembre 2026', '2026-09-30'],
  ['Livraison : sept. 2026', '2026-09-30'],
  ['février 2028', '2028-02-29'],
  ['Été 2026', '2026-09-22'],
  ['hiver 2026', '2027-03-20'],
  ['2025-09-30', '2025-09-30'],
  ['2027-12-31T00:00:00+01:00', '2027-12-31'],
  ['30/09/2025', '2025-09-30'],
  ['06/2027', '2027-06-30'],
  ['4T2027', '2027-12-31'],
  ['1T26', '2026-03-31'],
  ['Achèvement prévu au 2e trimestre 2026', '2026-06-30'],
  ['Livraison prévisionnelle : 3ème trimestre 2026', '2026-09-30'],
  ['Livraison à partir du 1er trim. 2027', '2027-03-31'],
  ['Octobre 2026', '2026-10-31'],
  ['Déc. 2026', '2026-12-31'],
  ['Travaux en cours', null],
  ['', null],
  ['Nous consulter', null],
];

describe('parseDelivery', () => {
  it.each(TABLE)('%j → %s', (text, date) => {
    expect(parseDelivery(text).date).toBe(date);
  });

  it('"Disponible immédiatement" and similar mean already delivered', () => {
    for (const t of ['Disponible immédiatement', 'Livraison immédiate', 'Déjà livré', 'Livré', 'Programme livré', 'Emménagement immédiat']) {
      const p = parseDelivery(t);
      expect(p, t).toMatchObject({ delivered: true, precision: 'delivered' });
    }
  });

  it('invalid calendar dates are not dates', () => {
    expect(parseDelivery('2025-02-30').precision).not.toBe('day');
  });

  it('reports the precision', () => {
    expect(parseDelivery('T2 2026').precision).toBe('quarter');
    expect(parseDelivery('1er semestre 2027').precision).toBe('semester');
    expect(parseDelivery('fin 2026').precision).toBe('year');
    expect(parseDelivery('2025-09-30').precision).toBe('day');
    expect(parseDelivery('blabla').precision).toBe('unknown');
  });
});

describe('skip delivered programmes', () => {
  const now = new Date('2026-02-15T10:00:00Z');
  const CASES: [string | null, boolean][] = [
    ['4ème trim. 2027', false],
    ['T4 2025', true],
    ['1er trimestre 2026', false], // ends 2026-03-31, after today
    ['4e trimestre 2025', true],
    ['2026-02-14', true],
    ['2026-02-15', false], // today is not before today
    ['Livraison prévue fin 2026', false],
    ['Disponible immédiatement', true],
    ['Travaux en cours', false], // unknown → keep
    [null, false],
  ];
  it.each(CASES)('%j delivered=%s', (text, delivered) => {
    expect(isDelivered(text, now)).toBe(delivered);
  });

  it('explains the decision', () => {
    expect(deliveryDecision('T4 2025', now).reason).toMatch(/2025-12-31 < 2026-02-15/);
    expect(deliveryDecision('Travaux en cours', now).reason).toMatch(/unknown/);
  });

  it('today is the Paris calendar day', () => {
    expect(todayIso(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});
