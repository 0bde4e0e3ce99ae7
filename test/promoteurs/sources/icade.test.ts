import { describe, expect, it } from 'vitest';
import { icade } from '../../../src/promoteurs/sources/icade.ts';
import { tryParse } from '../../../src/promoteurs/sources/index.ts';
import { cityLookup } from '../../../src/promoteurs/rules/cities.ts';
import { SourceParseError } from '../../../src/promoteurs/types.ts';
import { fixture } from './helpers.ts';

// Fixtures are hand-made from the spec's description (see test/fixtures/promoteurs/icade/README.md).
describe('icade listing', () => {
  const cards = icade.parseListing(fixture('icade/listing-lyon-69000.html'), {});

  it('id from data-program-id, else from ",p{id}" in the detail URL', () => {
    expect(cards.map((c) => c.idExterne)).toEqual(['1842', '1907', '1733']);
    expect(cards[1].urlExterne).toBe('https://www.icade-immobilier.com/programmes-immobiliers-neufs-lyon-2eme/confluence-rive-sud,p1907');
  });

  it('reads "3 pièces à partir de 241 000 €" and "Appartements du 3 au 5 pièces"; no delivery', () => {
    expect(cards[0]).toMatchObject({ name: 'Les Jardins de Gerland', prixMin: 241000, prixMax: null, typesLots: ['T3', 'T4', 'T5'], ville: 'Lyon' });
    expect(cards[2]).toMatchObject({ name: "L'Orée de Montchat", prixMin: 179000, typesLots: ['Studio', 'T2', 'T3'] });
    expect(cards.every((c) => c.dateLivraison === undefined)).toBe(true);
  });

  it('listing URL: slug and 5-digit postcode, {dept}000 for Paris/Lyon/Marseille', () => {
    expect(icade.listingUrl(cityLookup('Lyon')!)).toBe('https://www.icade-immobilier.com/programmes-immobilier-neufs,lyon-69000');
    expect(icade.listingUrl(cityLookup('Bordeaux')!)).toBe('https://www.icade-immobilier.com/programmes-immobilier-neufs,bordeaux-33000');
    expect(icade.listingUrl(cityLookup('Paris 15e')!)).toBe('https://www.icade-immobilier.com/programmes-immobilier-neufs,paris-75000');
  });
});

describe('icade detail', () => {
  const html = fixture('icade/detail-p1842-les-jardins-de-gerland.html');
  const d = icade.parseDetail(html, { sourceApi: 'icade', idExterne: '1842', name: '', urlExterne: '' }, {});

  it('reads 5 lots with 20 % and 5.5 % prices, promotions, parking, floors', () => {
    expect(d.lots).toHaveLength(5);
    expect(d.lots[0]).toEqual({ type: 'T3', pieces: 3, surface: 64.5, etage: '2ème', etageNum: 2, prix: 241000, prixTvaReduite: 218700, prixBarre: 262000, parking: true, numero: 'A21' });
    expect(d.lots[2]).toMatchObject({ numero: 'B05', etage: 'RDC', prix: 338000 });
    expect(d.lots[2].prixTvaReduite).toBeUndefined();
    expect(d.lots[3]).toMatchObject({ numero: 'B41', parking: false, prix: 335000, prixBarre: 349000 });
    expect(d.lots[4]).toMatchObject({ type: 'T5', parking: true, surface: 103.2 });
  });

  it('ignores monthly payments and tax flags', () => {
    expect(JSON.stringify(d.lots)).not.toMatch(/mois|1 012|1012/);
    const { description: _d, ...rest } = d;
    expect(JSON.stringify(rest)).not.toMatch(/PTZ|Nouveau|TVA 5/);
  });

  it('reads delivery "4E TRIMESTRE 2027", address, id', () => {
    expect(d).toMatchObject({ idExterne: '1842', dateLivraison: '4E TRIMESTRE 2027', adresse: '12 avenue Tony Garnier, 69007 Lyon', codePostal: '69007', ville: 'Lyon' });
    expect(d.images[0]).toBe('https://www.icade-immobilier.com/uploads/programs/1842/visuel-principal.jpg');
  });

  it('try --level detail', () => {
    const r = tryParse(icade, html, 'detail');
    expect(r.programme).toMatchObject({ idExterne: '1842', livraison: '2027-12-31', zoneFiscale: 'A', prixMin: 241000, prixMax: 455000, nbLotsDisponibles: 5, typesLots: ['T3', 'T4', 'T5'] });
    expect(r.lots.map((l) => l.type)).toEqual(['T3', 'T3', 'T4', 'T4', 'T5']);
  });

  it('a page with neither title nor lots table is a SourceParseError', () => {
    expect(() => icade.parseDetail('<html><body></body></html>', { sourceApi: 'icade', idExterne: 'x', name: 'x', urlExterne: '' }, {})).toThrow(SourceParseError);
  });
});
