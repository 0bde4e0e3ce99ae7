import { describe, expect, it } from 'vitest';
import { listingFromState, nexity } from '../../../src/promoteurs/sources/nexity.ts';
import { findInlineScript } from '../../../src/promoteurs/parse/sandbox.ts';
import { tryParse } from '../../../src/promoteurs/sources/index.ts';
import { cityLookup } from '../../../src/promoteurs/rules/cities.ts';
import { SourceParseError, type ProgrammeCard } from '../../../src/promoteurs/types.ts';
import { fixture } from './helpers.ts';

const emptyCard: ProgrammeCard = { sourceApi: 'nexity', idExterne: '', name: '', urlExterne: '' };
const html2024 = fixture('nexity/detail-signal-bagneux-2024-12-20.html');
const html2022 = fixture('nexity/detail-signal-bagneux-2022-09-02.html');

describe('nexity detail, 2024 Nuxt state (real capture)', () => {
  const d = nexity.parseDetail(html2024, emptyCard, {});

  it('keeps only the 4 lots of programme 0099__98124 from the sandboxed state', () => {
    expect(d.idExterne).toBe('0099__98124');
    expect(d.lots).toHaveLength(4);
    expect(d.lots.map((l) => l.numero)).toEqual(['1103', '1113', '1133', '1153']);
    expect(d.warnings).toBeUndefined();
  });

  it('maps lot fields: typology, surface, floor, 20 % price and reduced-VAT price', () => {
    expect(d.lots[0]).toMatchObject({
      type: 'T4', pieces: 4, surface: 81.79, etage: '10ème', etageNum: 10,
      prix: 492512, prixTvaReduite: 433000, parking: true, orientation: 'Nord-Ouest', balcon: true,
    });
    expect(d.lots.map((l) => l.prix)).toEqual([492512, 498198, 511848, 523222]);
    expect(d.lots.map((l) => l.prixTvaReduite)).toEqual([433000, 438000, 450000, 459999]);
    expect(d.lots.map((l) => l.etage)).toEqual(['10ème', '11ème', '13ème', '15ème']);
  });

  it('reads programme data from the state', () => {
    expect(d.name).toBe('Signal');
    expect(d.adresse).toBe('53 Avenue Henri Barbusse, 92220 Bagneux');
    expect(d.codePostal).toBe('92220');
    expect(d.codeInsee).toBe('92007');
    expect(d.dateLivraison).toBe('4e trimestre 2025');
    expect(d.images.length).toBeGreaterThanOrEqual(5);
    expect(d.images.every((u) => u.startsWith('https://media-js.nexity.fr/'))).toBe(true);
    expect(d.description).toMatch(/^A BAGNEUX, UNE OCCASION EXCEPTIONNELLE/);
    expect(d.description).not.toMatch(/<br>/i);
  });

  it('ignores the lots of other programmes carried by the same state', () => {
    // same page, with a foreign lot appended to state.productDetails.lots
    const tampered = html2024.replace(
      'window.__NUXT__=',
      'window.__NUXT__=(function(n){ n.state.productDetails.lots.push({programme:{id:"0099__98132"},reference:"0099__98132",native_id:"x1",nb_piece:2,surface:40,prixFullTax:250000,nb_lot:9999}); return n; })(',
    ).replace(/(window\.__NUXT__=\(function\(n\)[\s\S]*?)<\/script>/, (_m, code: string) => `${code.replace(/;\s*$/, '')});</script>`);
    const t = nexity.parseDetail(tampered, emptyCard, {});
    expect(t.lots).toHaveLength(4);
    expect(t.lots.some((l) => l.numero === '9999')).toBe(false);
  });

  it('warns when the state and the rendered lot cards disagree', () => {
    // drop one lot of this programme from the state: 3 in the state, 4 announced, 4 cards rendered
    const tampered = html2024.replace(
      'window.__NUXT__=',
      'window.__NUXT__=(function(n){ n.state.productDetails.lots.pop(); return n; })(',
    ).replace(/(window\.__NUXT__=\(function\(n\)[\s\S]*?)<\/script>/, (_m, code: string) => `${code.replace(/;\s*$/, '')});</script>`);
    const t = nexity.parseDetail(tampered, emptyCard, {});
    expect(t.lots).toHaveLength(3);
    expect(t.warnings).toEqual(['3 lots in the state, programme announces 4', '3 lots in the state, 4 lot cards rendered']);
  });
});

describe('nexity detail, 2022 typology tables (real capture)', () => {
  const d = nexity.parseDetail(html2022, emptyCard, {});

  it('reads 41 lots in 3 typology tables', () => {
    expect(d.lots).toHaveLength(41);
    const byType = { T2: 0, T3: 0, T4: 0 } as Record<string, number>;
    for (const l of d.lots) byType[l.type]++;
    expect(byType).toEqual({ T2: 8, T3: 16, T4: 17 });
    expect(d.warnings).toBeUndefined(); // every block's "N lots disponibles" matches its rows
  });

  it('first table: "2 pièces", 8 lots, first ids 4161, 4171, 1122', () => {
    const t2 = d.lots.filter((l) => l.type === 'T2');
    expect(t2.slice(0, 3).map((l) => l.numero)).toEqual(['4161', '4171', '1122']);
    expect(t2[0]).toMatchObject({ pieces: 2, prix: 301420, surface: 46, etage: '16ème', orientation: 'Nord-Ouest', livraisonTexte: '3ème trimestre 2025' });
    // no "TVA réduite" nor "Parking" column in this block: the fields stay absent
    expect(t2[0].prixTvaReduite).toBeUndefined();
    expect(t2[0].parking).toBeUndefined();
  });

  it('maps columns by header: the 3-room block has a reduced-VAT column before the 20 % one', () => {
    const t3 = d.lots.find((l) => l.numero === '4025')!;
    expect(t3).toMatchObject({ type: 'T3', prix: 377630, prixTvaReduite: 332000, surface: 69, etage: '2ème', parking: false });
    const t4 = d.lots.find((l) => l.numero === '1033')!;
    expect(t4).toMatchObject({ type: 'T4', prix: 451560, prixTvaReduite: 397000, parking: true, balcon: true });
  });

  it('takes id, name and city from the page', () => {
    expect(d.idExterne).toBe('0099__98124');
    expect(d.name).toBe('Signal');
    expect(d.ville).toBe('Bagneux');
    expect(d.dateLivraison).toBe('3ème trimestre 2025');
    expect(d.images[0]).toContain('PRG_PHOT_98124');
  });
});

describe('nexity try --level detail', () => {
  it('prints {programme, lots} with computed fields, city and zone', () => {
    const r = tryParse(nexity, html2022, 'detail');
    expect(Object.keys(r).sort()).toEqual(['lots', 'programme']);
    expect(r.lots).toHaveLength(41);
    expect(r.programme).toMatchObject({
      name: 'Signal', slug: 'signal-bagneux', promoteur: 'Nexity', sourceApi: 'nexity', idExterne: '0099__98124',
      codePostal: '92220', codeInsee: '92007', zoneFiscale: 'A_bis', livraison: '2025-09-30',
      prixMin: 301420, prixMax: 560760, surfaceMin: 46, surfaceMax: 88, nbLotsDisponibles: 41,
      typesLots: ['T2', 'T3', 'T4'], imageAlt: 'Programme immobilier neuf Signal à Bagneux', statut: 'disponible',
    });
    expect(r.programme.parTypologie.T2).toEqual({ nbLots: 8, prixMin: 301420, prixMax: 332130, surfaceMin: 46, surfaceMax: 48 });
    expect(r.programme).not.toHaveProperty('lotsDetails');
  });

  it('2024 page: 4 lots, the state address and delivery', () => {
    const r = tryParse(nexity, html2024, 'detail');
    expect(r.lots).toHaveLength(4);
    expect(r.programme).toMatchObject({ prixMin: 492512, prixMax: 523222, typesLots: ['T4'], livraison: '2025-12-31', zoneFiscale: 'A_bis' });
    expect(r.programme.images.length).toBeLessThanOrEqual(5);
  });
});

describe('nexity listing (hand-made fixture from the real card markup)', () => {
  const cards = nexity.parseListing(fixture('nexity/listing-bagneux-92.html'), {});

  it('reads each programme once', () => {
    expect(cards.map((c) => c.idExterne)).toEqual(['0099__98124', '0099__98132', '0099__98075', '0098__96002']);
  });

  it('reads name, location, price, typologies, flap', () => {
    expect(cards[0]).toMatchObject({ name: 'Signal', ville: 'Bagneux', prixMin: 433000, typesLots: ['T4'], dateLivraison: '4e trim. 2025', urlExterne: 'https://www.nexity.fr/neuf/0099__98124' });
    expect(cards[1]).toMatchObject({ ville: 'Colombes', typesLots: ['T1', 'T2', 'T3', 'T4', 'T5'], dateLivraison: '4e trim. 2027' });
    expect(cards[2]).toMatchObject({ ville: 'Ivry-sur-Seine', nbLots: 27 });
    expect(cards[2].dateLivraison).toBeUndefined();
    expect(cards[3].dateLivraison).toBe('Livraison immédiate');
    // the tax badge (TVA 5.5 %, PINEL, LMNP) is not data
    expect(JSON.stringify(cards)).not.toMatch(/PINEL|LMNP|TVA 5/);
  });

  it('builds the listing URL from city slug and department code', () => {
    expect(nexity.listingUrl(cityLookup('Bagneux', { departement: '92' })!)).toBe('https://www.nexity.fr/annonces-immobilieres/achat-vente/appartement/neuf/bagneux+92');
    expect(nexity.listingUrl(cityLookup('75007')!)).toBe('https://www.nexity.fr/annonces-immobilieres/achat-vente/appartement/neuf/paris+75');
  });
});

describe('nexity listing from the Nuxt state (real Algolia hits of the 2024 capture)', () => {
  it('reads the programme hits carried by the state', () => {
    const cards = listingFromState(findInlineScript(html2024, 'window.__NUXT__=')!);
    expect(cards.map((c) => c.idExterne)).toEqual(['0099__98132_02', '0099__98124', '0099__98132', '0099__98075']);
    expect(cards[1]).toMatchObject({
      name: 'Signal', ville: 'Bagneux', codePostal: '92220', prixMin: 433000, typesLots: ['T4'], nbLots: 4,
      urlExterne: 'https://www.nexity.fr/neuf/0099__98124', image: 'https://media2-js.nexity.fr/3_0099_98124_PRG_PHOT_98124.jpg?v=345-13',
    });
    expect(cards[0]).toMatchObject({ name: 'Ovation Magellan Ilot 13', dateLivraison: '4e trim. 2027', typesLots: ['T2', 'T3', 'T4'] });
  });

  it('is the fallback of parseListing when the page renders no card', () => {
    const script = findInlineScript(html2024, 'window.__NUXT__=')!;
    const page = `<html><body><div id="__nuxt"><p>Chargement…</p></div><script>${script}</script></body></html>`;
    expect(nexity.parseListing(page, {}).map((c) => c.idExterne)).toHaveLength(4);
  });
});

describe('nexity failures', () => {
  it('a page without lots table or state is a SourceParseError', () => {
    expect(() => nexity.parseDetail('<html><body><h1>Captcha</h1></body></html>', emptyCard, {})).toThrow(SourceParseError);
  });

  it('a listing page without cards gives [] (the caller judges)', () => {
    expect(nexity.parseListing('<html><body><p>Aucun résultat</p></body></html>', {})).toEqual([]);
  });

  it('a state script that loops forever fails cleanly', () => {
    const page = '<html><body><script>window.__NUXT__=(function(){for(;;){}})()</script></body></html>';
    expect(() => nexity.parseDetail(page, emptyCard, {})).toThrow(/exceeded/);
  });
});
