import { describe, expect, it } from 'vitest';
import { isLabel, stripLabelsFromName, withoutLabels } from '../../../src/promoteurs/rules/labels.ts';

describe('tax-scheme labels and availability flags are not data', () => {
  it.each([
    'LMNP', 'LMP', 'LLI', 'BRS', 'ANRU', 'Zone ANRU', 'TVA 5,5%', 'TVA 5.5 %', 'TVA réduite', 'TVA 7%', 'Éligible LMNP',
    'Éligible PTZ', 'PINEL', 'Pinel+', 'Éligible TVA réduite', 'Nouveauté', 'Nouveau', 'Dernières opportunités',
    'Derniers lots', '8 lots disponibles', 'Disponible', 'Vendu', 'Sous option', 'Avant-première', 'Exclusivité', 'Plus que 3 lots',
  ])('%j is a label', (t) => expect(isLabel(t)).toBe(true));

  it.each(['Le Parc des Muses', 'Signal', 'Balcon', 'Parking', 'Lyon 7e', 'Résidence Alto', 'Les Jardins de Gerland'])('%j is data', (t) => {
    expect(isLabel(t)).toBe(false);
  });

  it('filters badge lists', () => {
    expect(withoutLabels(['LMNP', 'Balcon', 'TVA 5,5%', 'Terrasse', 'Nouveauté', 'Éligible au dispositif Pinel'])).toEqual(['Balcon', 'Terrasse']);
  });

  it('removes labels glued to programme names', () => {
    expect(stripLabelsFromName('SIGNAL - TVA 5,5 %')).toBe('SIGNAL');
    expect(stripLabelsFromName('Le Clos des Vignes | Nouveauté')).toBe('Le Clos des Vignes');
    expect(stripLabelsFromName('Éligible LMNP - Résidence Alto')).toBe('Résidence Alto');
    expect(stripLabelsFromName('Saint-Germain - Le Parc')).toBe('Saint-Germain - Le Parc');
    expect(stripLabelsFromName('Le Parc des Muses')).toBe('Le Parc des Muses');
  });
});
