import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeZone, parseZonageCsv, parseZonageCsvDetailed } from '../../../src/promoteurs/rules/zonage.ts';
import { cityLookup, createZoneTable } from '../../../src/promoteurs/rules/cities.ts';

const dir = fileURLToPath(new URL('../../fixtures/promoteurs/zonage/', import.meta.url));

describe('zonage ABC CSV import', () => {
  it('parses the national file shape (BOM, ";", vintage in the column name) and reports bad lines', () => {
    const r = parseZonageCsvDetailed(readFileSync(dir + 'zonage-abc-2026-sample.csv'));
    expect(r.columns).toEqual({ code: 'CODGEO', nom: 'LIBGEO', zone: 'Zonage ABC en vigueur depuis le 26 juin 2026' });
    expect(r.rows).toHaveLength(16);
    expect(r.rows.find((x) => x.codeInsee === '75056')).toEqual({ codeInsee: '75056', nom: 'Paris', zone: 'A_bis' });
    expect(r.rows.find((x) => x.codeInsee === '2A004')).toEqual({ codeInsee: '2A004', nom: 'Ajaccio', zone: 'B1' });
    expect(r.errors).toHaveLength(3);
    expect(r.errors.join('\n')).toMatch(/invalid INSEE code "X1234"/);
    expect(r.errors.join('\n')).toMatch(/duplicate INSEE code 75056/);
    expect(r.errors.join('\n')).toMatch(/unknown zone "Z9" for 38185/);
  });

  it('parses a Latin-1, comma-separated, quoted re-export with "A bis" and lost leading zeros', () => {
    const rows = parseZonageCsv(readFileSync(dir + 'zonage-abc-latin1-comma.csv'));
    expect(rows).toHaveLength(16);
    expect(rows[0]).toEqual({ codeInsee: '01001', nom: "L'Abergement-Clémenciat", zone: 'C' });
    expect(rows.find((x) => x.codeInsee === '06088')?.zone).toBe('A');
    expect(rows.find((x) => x.codeInsee === '92007')).toEqual({ codeInsee: '92007', nom: 'Bagneux', zone: 'A_bis' });
  });

  it('accepts text input and other header spellings', () => {
    const rows = parseZonageCsv('code_commune\tnom_commune\tzone\n69123\tLyon\tA\n33063\tBordeaux\tB1\n');
    expect(rows).toEqual([{ codeInsee: '69123', nom: 'Lyon', zone: 'A' }, { codeInsee: '33063', nom: 'Bordeaux', zone: 'B1' }]);
  });

  it('refuses a file without code or zone column, naming the columns it saw', () => {
    expect(() => parseZonageCsv('foo;bar\n1;2\n')).toThrow(/cannot find the INSEE code column among \[foo, bar\]/);
    expect(() => parseZonageCsv('CODGEO;LIBGEO\n69123;Lyon\n')).toThrow(/zone column/);
    expect(() => parseZonageCsv('')).toThrow(/empty/);
  });

  it('zone spellings', () => {
    expect(['Abis', 'A bis', 'A_bis', 'a-bis', 'Zone A bis', 'A+'].map(normalizeZone)).toEqual(Array(6).fill('A_bis'));
    expect(['A', 'B1', 'b2', 'C', 'zone B1'].map(normalizeZone)).toEqual(['A', 'B1', 'B2', 'C', 'B1']);
    expect(normalizeZone('D')).toBeNull();
  });

  it('an imported file drives the zone of cities, PLM arrondissements included', () => {
    const t = createZoneTable(parseZonageCsv(readFileSync(dir + 'zonage-abc-2026-sample.csv')), 'csv');
    expect(cityLookup('Bordeaux', { table: t })?.zone).toBe('A');
    expect(cityLookup('75011', { table: t })?.zone).toBe('A_bis');
    expect(cityLookup('13001', { table: t })?.zone).toBe('A');
    expect(cityLookup('Limoges', { table: t })?.zone).toBe('B2');
  });
});
