import { describe, expect, it } from 'vitest';
import { bouygues } from '../../../src/promoteurs/sources/bouygues.ts';
import { tryParse } from '../../../src/promoteurs/sources/index.ts';
import { cityLookup } from '../../../src/promoteurs/rules/cities.ts';
import { decide } from '../../../src/promoteurs/rules/index.ts';
import { buildProgramme } from '../../../src/promoteurs/parse/programme.ts';
import { SourceParseError } from '../../../src/promoteurs/types.ts';
import { NOW, fixture } from './helpers.ts';

// Fixtures are hand-made from the spec's description (see test/fixtures/promoteurs/bouygues/README.md).
describe('bouygues listing', () => {
  const cards = bouygues.parseListing(fixture('bouygues/listing-rhone-lyon.html'), {});

  it('reads every card with data-ucci as external id', () => {
    expect(cards.map((c) => c.idExterne)).toEqual(['030-269K94', '030-271B12', '030-280C07', '030-262A55']);
  });

  it('takes the name from data-prgdata, not the concatenated card text', () => {
    expect(cards[0].name).toBe('Le Parc des Muses');
    expect(cards.filter((c) => /Programme neuf|Éligible|Nouveauté/.test(c.name))).toEqual([]);
  });

  it('a card with broken data-prgdata falls back to its title without the prefix; a card without id is skipped', () => {
    const html = fixture('bouygues/listing-rhone-lyon.html')
      .replace(/data-prgdata="[^"]*"/, 'data-prgdata="{not json"')
      .replace('data-ucci="030-271B12"', 'data-ucci=""');
    const c = bouygues.parseListing(html, {});
    expect(c.map((x) => x.idExterne)).toEqual(['030-269K94', '030-280C07', '030-262A55']);
    expect(c[0].name).toBe('Le Parc des Muses');
  });

  it('reads location, price range, typologies and delivery as shown', () => {
    expect(cards[0]).toMatchObject({
      localisation: 'Lyon (69007)', codePostal: '69007', ville: 'Lyon', prixMin: 224900, prixMax: 639900,
      typesTexte: 'Du studio au 5 pièces', typesLots: ['Studio', 'T2', 'T3', 'T4', 'T5'],
      dateLivraison: 'Livraison 4ème trim. 2027',
      urlExterne: 'https://www.bouygues-immobilier.com/programme-neuf-lyon/ref/030-269K94',
    });
    expect(cards[2]).toMatchObject({ prixMin: null, prixMax: null, typesLots: ['T3', 'T4'] });
    expect(cards[2].image).toBeUndefined(); // data: placeholder is not an image
    expect(cards[3]).toMatchObject({ ville: 'Villeurbanne', codePostal: '69100' });
  });

  it('the delivered programme (2ème trim. 2024) is skipped, the others kept', () => {
    const decisions = cards.map((c) => decide(buildProgramme(bouygues, c, null), NOW));
    expect(decisions.map((d) => d.keep)).toEqual([true, false, true, true]);
    expect(decisions[1].skip).toBe('delivered');
  });

  it('listing URL uses the department name, lowercase ASCII', () => {
    expect(bouygues.listingUrl(cityLookup('Lyon')!)).toBe('https://www.bouygues-immobilier.com/rhone/lyon');
    expect(bouygues.listingUrl(cityLookup('Bagneux', { departement: '92' })!)).toBe('https://www.bouygues-immobilier.com/hauts-de-seine/bagneux');
    expect(bouygues.listingUrl(cityLookup('69007')!)).toBe('https://www.bouygues-immobilier.com/rhone/lyon');
  });
});

describe('bouygues detail', () => {
  const html = fixture('bouygues/detail-030-269K94-le-parc-des-muses.html');
  const d = bouygues.parseDetail(html, { sourceApi: 'bouygues', idExterne: '030-269K94', name: 'Le Parc des Muses', urlExterne: '' }, {});

  it('reads the lots of every typology block and drops the sold one', () => {
    expect(d.lots).toHaveLength(9);
    expect(d.lots.map((l) => l.numero)).not.toContain('B305'); // "Vendu"
    expect(d.lots.map((l) => l.numero)).toContain('A203'); // "Sous option" stays on sale
    expect(d.warnings).toBeUndefined();
  });

  it('maps a lot: {type: T2, surface: 46.9, etage: 2ème, prix: 336000, prixTvaReduite, numero: G232P}', () => {
    expect(d.lots.find((l) => l.numero === 'G232P')).toEqual({ type: 'T2', pieces: 2, surface: 46.9, etage: '2ème', etageNum: 2, prix: 336000, prixTvaReduite: 286000, numero: 'G232P' });
    expect(d.lots.find((l) => l.numero === 'A001')).toMatchObject({ type: 'Studio', etage: 'RDC', etageNum: 0, prix: 224900 });
    expect(d.lots.find((l) => l.numero === 'C404')).toMatchObject({ type: 'T4', prix: null }); // "Prix sur demande"
  });

  it('reads address, delivery, images, description; no tax label anywhere in the data', () => {
    expect(d).toMatchObject({ idExterne: '030-269K94', name: 'Le Parc des Muses', adresse: '47 rue Challemel-Lacour, 69007 Lyon', codePostal: '69007', dateLivraison: 'Livraison 4ème trim. 2027' });
    expect(d.images).toHaveLength(3);
    expect(d.images[2]).toBe('https://www.bouygues-immobilier.com/sites/default/files/programmes/030-269K94/perspective-03.jpg'); // data-src wins over the placeholder
    const { description, ...rest } = d;
    expect(description).toMatch(/^À deux pas du parc de Gerland/);
    expect(JSON.stringify(rest)).not.toMatch(/LMNP|BRS|Nouveauté|TVA 5/);
  });

  it('try --level detail: programme in Lyon 7e, zone A, computed fields', () => {
    const r = tryParse(bouygues, html, 'detail', { url: 'https://www.bouygues-immobilier.com/programme-neuf-lyon/ref/030-269K94' });
    expect(r.programme).toMatchObject({
      slug: 'le-parc-des-muses-lyon', ville: 'Lyon', codeInsee: '69387', zoneFiscale: 'A', livraison: '2027-12-31',
      prixMin: 224900, prixMax: 639900, nbLotsDisponibles: 9, typesLots: ['Studio', 'T2', 'T3', 'T4', 'T5'],
    });
    expect(r.programme.parTypologie.T4).toMatchObject({ nbLots: 1, prixMin: null, surfaceMin: 86 });
  });

  it('a page with neither title nor typology block is a SourceParseError', () => {
    expect(() => bouygues.parseDetail('<html><body>Service indisponible</body></html>', { sourceApi: 'bouygues', idExterne: 'x', name: 'x', urlExterne: '' }, {})).toThrow(SourceParseError);
  });
});
