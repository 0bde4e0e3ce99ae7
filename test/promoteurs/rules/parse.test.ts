import { describe, expect, it } from 'vitest';
import { parseCount, parseFloor, parsePostcode, parsePrice, parsePriceRange, parseSurface, parseTypesRange, parseTypology } from '../../../src/promoteurs/parse/numbers.ts';
import { slugify, titleCase } from '../../../src/promoteurs/parse/text.ts';
import { imageAlt, programmeSlug } from '../../../src/promoteurs/parse/programme.ts';
import { classifyColumn } from '../../../src/promoteurs/parse/table.ts';

describe('prices', () => {
  it.each([
    ['301 420 €', 301420], ['224 900€', 224900], ['1 250 000 €', 1250000], ['471.000 €', 471000],
    ['336 000,00 €', 336000], ['à partir de 241 000 €', 241000], ['199 K€', 199000], ['1,2 M€', 1200000],
    ['Nous consulter', null], ['Vendu', null], ['', null],
  ] as [string, number | null][])('%j → %s', (t, v) => expect(parsePrice(t)).toBe(v));

  it('ranges', () => {
    expect(parsePriceRange('224 900 € à 639 900 €')).toEqual({ min: 224900, max: 639900 });
    expect(parsePriceRange('3 pièces à partir de 241 000 €')).toEqual({ min: 241000, max: null });
    expect(parsePriceRange('Dès 309 000 €')).toEqual({ min: 309000, max: null });
    expect(parsePriceRange('Prix nous consulter')).toEqual({ min: null, max: null });
  });
});

describe('surfaces, floors, typologies', () => {
  it('surfaces', () => {
    expect(parseSurface('46 m²')).toBe(46);
    expect(parseSurface('67,9 m2')).toBe(67.9);
    expect(parseSurface('81.79')).toBe(81.79);
    expect(parseSurface('De 46 m² à 48 m²')).toBe(46);
    expect(parseSurface(82.19)).toBe(82.19);
    expect(parseSurface('—')).toBeNull();
  });

  it.each([
    ['Étage 16', '16ème', 16], ['2ème étage', '2ème', 2], ['2e', '2ème', 2], ['1er étage', '1er', 1], ['RDC', 'RDC', 0],
    ['Rez-de-chaussée', 'RDC', 0], ['R+3', '3ème', 3], ['3', '3ème', 3], ['Niveau 4', '4ème', 4],
  ] as [string, string, number][])('floor %j → %s', (t, label, num) => expect(parseFloor(t)).toEqual({ label, num }));

  it('floor from a number and unknown floors', () => {
    expect(parseFloor(10)).toEqual({ label: '10ème', num: 10 });
    expect(parseFloor(0)).toEqual({ label: 'RDC', num: 0 });
    expect(parseFloor('')).toEqual({ label: null, num: null });
    expect(parseFloor('Dernier étage')).toEqual({ label: 'Dernier étage', num: null });
  });

  it.each([
    ['Studio', 'Studio'], ['T2', 'T2'], ['2 pièces', 'T2'], ['3 pcs', 'T3'], ['F4', 'T4'], ['Appartement 4 pièces', 'T4'],
    ['6 pièces', 'T5'], ['Maison 5 pièces', 'Maison'], ['Villa T4', 'Maison'], ['Duplex T4', 'T4'], ['Parking', 'Autre'],
    ['Local commercial', 'Autre'], ['1 pièce', 'T1'],
  ] as [string, string][])('typology %j → %s', (t, type) => expect(parseTypology(t).type).toBe(type));

  it('keeps the real room count of T6+', () => {
    expect(parseTypology('6 pièces')).toEqual({ type: 'T5', pieces: 6 });
  });

  it('typology ranges of cards', () => {
    expect(parseTypesRange('Du studio au 5 pièces')).toEqual(['Studio', 'T2', 'T3', 'T4', 'T5']);
    expect(parseTypesRange('Appartements du 3 au 5 pièces')).toEqual(['T3', 'T4', 'T5']);
    expect(parseTypesRange('3 et 4 pièces')).toEqual(['T3', 'T4']);
    expect(parseTypesRange('2, 3 et 5 pièces')).toEqual(['T2', 'T3', 'T5']);
    expect(parseTypesRange('Maisons du 4 au 5 pièces')).toEqual(['T4', 'T5', 'Maison']);
    expect(parseTypesRange('')).toEqual([]);
  });

  it('counts and postcodes', () => {
    expect(parseCount('8 lots disponibles')).toBe(8);
    expect(parseCount('1 logement disponible')).toBe(1);
    expect(parsePostcode('Lyon (69007)')).toBe('69007');
    expect(parsePostcode('Ajaccio 20000')).toBe('20000');
    expect(parsePostcode('tel 0123456789')).toBeNull();
  });
});

describe('slug, alt, names, columns', () => {
  it('slug from name + city', () => {
    expect(programmeSlug('Signal', 'Bagneux')).toBe('signal-bagneux');
    expect(programmeSlug("L'Orée de Montchat", 'Lyon')).toBe('l-oree-de-montchat-lyon');
    expect(programmeSlug('Les Terrasses de Bagneux', 'Bagneux')).toBe('les-terrasses-de-bagneux');
    expect(programmeSlug('Cœur Saint-Étienne', null)).toBe('coeur-saint-etienne');
    expect(slugify('Saint-Étienne du Rouvray')).toBe('saint-etienne-du-rouvray');
  });

  it('image alt from name + city', () => {
    expect(imageAlt('Signal', 'Bagneux')).toBe('Programme immobilier neuf Signal à Bagneux');
  });

  it('title case of upper-case names only', () => {
    expect(titleCase('SIGNAL')).toBe('Signal');
    expect(titleCase('IVRY-SUR-SEINE')).toBe('Ivry-sur-Seine');
    expect(titleCase('Ovation magellan')).toBe('Ovation magellan');
  });

  it('table headers → column kinds', () => {
    expect(classifyColumn('Prix TVA 20%')).toBe('prix');
    expect(classifyColumn('TVA réduite (2)')).toBe('prixReduit');
    expect(classifyColumn('Prix TVA 5,5%*')).toBe('prixReduit');
    expect(classifyColumn('N° de lot')).toBe('numero');
    expect(classifyColumn('Mensualités(2)')).toBe('mensualite');
    expect(classifyColumn('Étage')).toBe('etage');
    expect(classifyColumn('Plan 2D/3D')).toBeNull();
  });
});
