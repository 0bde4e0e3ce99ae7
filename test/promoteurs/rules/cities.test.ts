import { describe, expect, it } from 'vitest';
import { citiesInScope, cityLookup, createZoneTable, defaultZoneTable, departementNom, resolveCities, zoneForPostcode, zoneStatus } from '../../../src/promoteurs/rules/cities.ts';
import { decide } from '../../../src/promoteurs/rules/index.ts';
import { buildProgramme } from '../../../src/promoteurs/parse/programme.ts';

describe('city lookup (postcodes and departments from @etalab/decoupage-administratif)', () => {
  it('by name, postcode, INSEE code', () => {
    for (const q of ['Bagneux', '92220', '92007', 'Bagneux (92220)', 'bagneux 92220']) {
      expect(cityLookup(q), q).toMatchObject({ nom: 'Bagneux', slug: 'bagneux', codePostal: '92220', codeInsee: '92007', departement: '92', departementNom: 'Hauts-de-Seine', zone: 'A_bis' });
    }
  });

  it('homonyms: the most populated commune unless a department is given', () => {
    expect(cityLookup('Saint-Denis')?.codeInsee).toBe('93066');
    expect(cityLookup('Saint-Denis', { departement: '974' })?.codeInsee).toBe('97411');
    expect(cityLookup('Bagneux', { departement: '51' })?.codeInsee).toBe('51032');
  });

  it('Paris, Lyon, Marseille arrondissements', () => {
    expect(cityLookup('75007')).toMatchObject({ nom: 'Paris 7e Arrondissement', codeInsee: '75107', codePostal: '75007', zone: 'A_bis', commune: { slug: 'paris', codeInsee: '75056' } });
    expect(cityLookup('Paris 7e')?.codeInsee).toBe('75107');
    expect(cityLookup('Lyon (69007)')).toMatchObject({ codeInsee: '69387', zone: 'A', commune: { slug: 'lyon' } });
    expect(cityLookup('13008')).toMatchObject({ codeInsee: '13208', zone: 'A' });
    expect(cityLookup('Lyon')).toMatchObject({ codeInsee: '69123', codePostal: '69001', departementNom: 'Rhône' });
    expect(cityLookup('Lyon')?.codesPostaux).toHaveLength(9);
  });

  it('abbreviations and spelling variants', () => {
    expect(cityLookup('St-Ouen-sur-Seine')?.codeInsee).toBe('93070');
    expect(cityLookup('Ste Foy lès Lyon')?.codeInsee).toBe('69202');
    expect(cityLookup('ISSY LES MOULINEAUX')?.codeInsee).toBe('92040');
  });

  it('unknown → null', () => {
    expect(cityLookup('Trifouilly-les-Oies')).toBeNull();
    expect(cityLookup('99999')).toBeNull();
    expect(cityLookup('')).toBeNull();
  });

  it('department names', () => {
    expect(departementNom('69')).toBe('Rhône');
    expect(departementNom('2a')).toBe('Corse-du-Sud');
    expect(departementNom('971')).toBe('Guadeloupe');
  });
});

describe('zones', () => {
  it('built-in default covers the largest A bis / A / B1 cities', () => {
    const t = defaultZoneTable();
    expect(t.source).toBe('default');
    expect(t.zoneForInsee('75056')).toBe('A_bis');
    expect(t.zoneForInsee('75115')).toBe('A_bis'); // arrondissement inherits
    expect(t.zoneForInsee('69381')).toBe('A');
    expect(t.zoneForInsee('13055')).toBe('A');
    for (const c of ['Lyon', 'Marseille', 'Bordeaux', 'Lille', 'Nantes', 'Toulouse', 'Nice', 'Montpellier', 'Bagneux']) {
      expect(cityLookup(c)?.zone, c).toMatch(/^(A_bis|A|B1)$/);
    }
    expect(cityLookup('Guéret')?.zone).toBeNull(); // not in the default: unknown, out of scope
  });

  it('zoneForPostcode takes the best zone of the communes sharing it', () => {
    expect(zoneForPostcode('92220')).toBe('A_bis');
    expect(zoneForPostcode('69007')).toBe('A');
    expect(zoneForPostcode('23000')).toBeNull();
    const t = createZoneTable([{ codeInsee: '23096', zone: 'C' }]);
    expect(zoneForPostcode('23000', t)).toBe('C');
  });

  it('an imported table replaces the default', () => {
    const t = createZoneTable([{ codeInsee: '33063', zone: 'A' }, { codeInsee: '87085', zone: 'B2' }]);
    expect(cityLookup('Bordeaux', { table: t })?.zone).toBe('A');
    expect(cityLookup('Limoges', { table: t })?.zone).toBe('B2');
    expect(cityLookup('Lyon', { table: t })?.zone).toBeNull();
    expect(citiesInScope(t).map((c) => c.nom)).toEqual(['Bordeaux']);
  });

  it('citiesInScope of the default table', () => {
    const cities = citiesInScope();
    expect(cities.length).toBeGreaterThanOrEqual(60);
    expect(cities.every((c) => c.zone === 'A_bis' || c.zone === 'A' || c.zone === 'B1')).toBe(true);
    expect(cities.find((c) => c.codeInsee === '75056')?.slug).toBe('paris');
  });

  it('resolveCities reports unknown names', () => {
    const r = resolveCities('lyon, bordeaux,Trifouilly,69007');
    expect(r.cities.map((c) => c.codeInsee)).toEqual(['69123', '33063', '69387']);
    expect(r.unknown).toEqual(['Trifouilly']);
  });

  it('a programme out of zone is skipped by decide(); unknown to the default table is kept', () => {
    const base = { sourceApi: 'x', idExterne: '1', name: 'Les Hauts', urlExterne: 'https://x' };
    const gueret = buildProgramme({ key: 'x', name: 'X' }, { ...base, codePostal: '23000', ville: 'Guéret' }, null);
    expect(gueret).toMatchObject({ codeInsee: '23096', zoneFiscale: null });
    // the built-in default only lists big cities: Guéret's zone is unknown there → kept, flagged
    expect(decide(gueret)).toMatchObject({ keep: true, reason: expect.stringMatching(/zone unknown/) });
    // a complete table (national CSV) that says C, or that lacks the commune → skipped
    const csv = createZoneTable([{ codeInsee: '23096', zone: 'C' }, { codeInsee: '69123', zone: 'A' }], 'csv');
    expect(decide(gueret, new Date(), csv)).toMatchObject({ keep: false, skip: 'out_of_zone' });
    const csvWithout = createZoneTable([{ codeInsee: '69123', zone: 'A' }], 'csv');
    expect(csvWithout.complete).toBe(true);
    expect(decide(gueret, new Date(), csvWithout)).toMatchObject({ keep: false, skip: 'out_of_zone' });
    expect(zoneStatus('23096')).toBe('unknown');
    expect(zoneStatus('23096', csv)).toBe('out');
    expect(zoneStatus('69387', csv)).toBe('in');
    expect(zoneStatus(null, csv)).toBe('unknown');
    const lyon = buildProgramme({ key: 'x', name: 'X' }, { ...base, localisation: 'Lyon (69003)', dateLivraison: 'T4 2030' }, null);
    expect(lyon).toMatchObject({ codeInsee: '69383', zoneFiscale: 'A', ville: 'Lyon' });
    expect(decide(lyon)).toMatchObject({ keep: true });
  });
});

describe('programme city resolution', () => {
  const src = { key: 'x', name: 'X' };
  const card = { sourceApi: 'x', idExterne: '1', name: 'P', urlExterne: 'https://x' };

  it('an INSEE code is never read as a postcode (13001 is Aix-en-Provence, not Marseille 1er)', () => {
    const p = buildProgramme(src, card, { images: [], lots: [], codeInsee: '13001', codePostal: '13100', ville: 'Aix-en-Provence' });
    expect(p).toMatchObject({ codeInsee: '13001', ville: 'Aix-en-Provence', zoneFiscale: 'A' });
  });

  it('INSEE of a commune with arrondissements + postcode → the arrondissement', () => {
    const p = buildProgramme(src, card, { images: [], lots: [], codeInsee: '69123', codePostal: '69007' });
    expect(p).toMatchObject({ codeInsee: '69387', codePostal: '69007', ville: 'Lyon', zoneFiscale: 'A' });
  });

  it('falls back to the listing city when the pages say nothing', () => {
    const p = buildProgramme(src, card, null, { city: cityLookup('Nantes')! });
    expect(p).toMatchObject({ codeInsee: '44109', ville: 'Nantes', zoneFiscale: 'B1', slug: 'p-nantes' });
  });
});
