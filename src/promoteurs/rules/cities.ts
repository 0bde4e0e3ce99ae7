// Cities and zones. Communes, postcodes and department names come from
// @etalab/decoupage-administratif (official geography, shipped as JSON); the zone of each commune
// comes from a ZoneTable: the national "zonage ABC" CSV once imported (rules/zonage.ts), the CRM's
// city entity, or the small built-in default below. Only zones A bis, A and B1 are scraped; the
// caller skips a programme whose city is out of zone.
import { createRequire } from 'node:module';
import type { City, ZoneAbc, ZoneFiscale } from '../types.ts';
import { fold, slugify } from '../parse/text.ts';
import type { ZonageRow } from './zonage.ts';

interface EtalabCommune {
  code: string;
  nom: string;
  type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
  departement: string;
  commune?: string;
  chefLieu?: string;
  codesPostaux?: string[];
  population?: number;
}
interface EtalabDepartement { code: string; nom: string }

export const IN_SCOPE_ZONES: readonly ZoneFiscale[] = ['A_bis', 'A', 'B1'];
export function isInScope(zone: ZoneAbc | null | undefined): zone is ZoneFiscale {
  return zone === 'A_bis' || zone === 'A' || zone === 'B1';
}

/**
 * Built-in default: the largest cities of zones A bis, A and B1 (zonage ABC as amended in
 * 2023–2024, written from the official lists; the imported national CSV always wins).
 * Paris, Lyon and Marseille are listed as whole communes; their arrondissements inherit the zone.
 */
export const DEFAULT_ZONES: readonly ZonageRow[] = ([
  ['75056', 'Paris', 'A_bis'], ['92007', 'Bagneux', 'A_bis'], ['92012', 'Boulogne-Billancourt', 'A_bis'],
  ['92051', 'Neuilly-sur-Seine', 'A_bis'], ['92040', 'Issy-les-Moulineaux', 'A_bis'], ['92044', 'Levallois-Perret', 'A_bis'],
  ['92049', 'Montrouge', 'A_bis'], ['92026', 'Courbevoie', 'A_bis'], ['92062', 'Puteaux', 'A_bis'], ['92024', 'Clichy', 'A_bis'],
  ['92050', 'Nanterre', 'A_bis'], ['92046', 'Malakoff', 'A_bis'], ['92075', 'Vanves', 'A_bis'], ['92048', 'Meudon', 'A_bis'],
  ['92023', 'Clamart', 'A_bis'], ['92020', 'Châtillon', 'A_bis'], ['92071', 'Sceaux', 'A_bis'], ['92063', 'Rueil-Malmaison', 'A_bis'],
  ['92025', 'Colombes', 'A_bis'], ['92004', 'Asnières-sur-Seine', 'A_bis'], ['94080', 'Vincennes', 'A_bis'],
  ['94067', 'Saint-Mandé', 'A_bis'], ['94018', 'Charenton-le-Pont', 'A_bis'], ['78646', 'Versailles', 'A_bis'],
  ['78551', 'Saint-Germain-en-Laye', 'A_bis'],
  ['69123', 'Lyon', 'A'], ['69266', 'Villeurbanne', 'A'], ['13055', 'Marseille', 'A'], ['13001', 'Aix-en-Provence', 'A'],
  ['59350', 'Lille', 'A'], ['06088', 'Nice', 'A'], ['06029', 'Cannes', 'A'], ['06004', 'Antibes', 'A'],
  ['34172', 'Montpellier', 'A'], ['83137', 'Toulon', 'A'], ['74010', 'Annecy', 'A'], ['93066', 'Saint-Denis', 'A'],
  ['93048', 'Montreuil', 'A'], ['95018', 'Argenteuil', 'A'], ['94028', 'Créteil', 'A'], ['94081', 'Vitry-sur-Seine', 'A'],
  ['94041', 'Ivry-sur-Seine', 'A'], ['91377', 'Massy', 'A'], ['92002', 'Antony', 'A'],
  ['33063', 'Bordeaux', 'B1'], ['44109', 'Nantes', 'B1'], ['31555', 'Toulouse', 'B1'], ['35238', 'Rennes', 'B1'],
  ['67482', 'Strasbourg', 'B1'], ['38185', 'Grenoble', 'B1'], ['76540', 'Rouen', 'B1'], ['37261', 'Tours', 'B1'],
  ['49007', 'Angers', 'B1'], ['21231', 'Dijon', 'B1'], ['51454', 'Reims', 'B1'], ['30189', 'Nîmes', 'B1'],
  ['63113', 'Clermont-Ferrand', 'B1'], ['45234', 'Orléans', 'B1'], ['14118', 'Caen', 'B1'], ['57463', 'Metz', 'B1'],
  ['54395', 'Nancy', 'B1'], ['84007', 'Avignon', 'B1'], ['66136', 'Perpignan', 'B1'], ['76351', 'Le Havre', 'B1'],
  ['33281', 'Mérignac', 'B1'], ['33318', 'Pessac', 'B1'], ['59512', 'Roubaix', 'B1'], ['59599', 'Tourcoing', 'B1'],
] as const).map(([codeInsee, nom, zone]) => ({ codeInsee, nom, zone }));

// ---------------------------------------------------------------------------------------------
// Official geography, loaded once on first use (communes.json is 8.6 MB: not at import time).

interface Geo {
  byInsee: Map<string, EtalabCommune>;
  byPostcode: Map<string, EtalabCommune[]>;
  byName: Map<string, EtalabCommune[]>;
  depNom: Map<string, string>;
}
let geo: Geo | null = null;

function loadGeo(): Geo {
  if (geo) return geo;
  const require = createRequire(import.meta.url);
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as EtalabCommune[];
  const deps = require('@etalab/decoupage-administratif/data/departements.json') as EtalabDepartement[];
  const byInsee = new Map<string, EtalabCommune>();
  const byPostcode = new Map<string, EtalabCommune[]>();
  const byName = new Map<string, EtalabCommune[]>();
  for (const c of communes) {
    // current communes and municipal arrondissements; merged/delegated ones resolve to their chef-lieu
    if (c.type !== 'commune-actuelle' && c.type !== 'arrondissement-municipal') continue;
    byInsee.set(c.code, c);
    for (const cp of c.codesPostaux ?? []) {
      const l = byPostcode.get(cp) ?? [];
      l.push(c);
      byPostcode.set(cp, l);
    }
    for (const key of nameKeys(c.nom)) {
      const l = byName.get(key) ?? [];
      l.push(c);
      byName.set(key, l);
    }
  }
  // "Paris 75007" style postcodes: an arrondissement must win over its commune for its own postcode
  for (const l of byPostcode.values()) l.sort((a, b) => rank(a) - rank(b));
  for (const l of byName.values()) l.sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
  geo = { byInsee, byPostcode, byName, depNom: new Map(deps.map((d) => [d.code, d.nom])) };
  return geo;
}
function rank(c: EtalabCommune): number {
  return c.type === 'arrondissement-municipal' ? 0 : 1;
}
/** "Paris 7e Arrondissement" → ["paris 7e arrondissement", "paris 7e", "paris 7"]; "Saint-Denis" → ["saint denis"]. */
function nameKey(s: string): string {
  // "St-Ouen", "Ste Foy" → "saint ouen", "sainte foy"; hyphens and apostrophes as spaces
  return fold(s).replace(/[-'’]/g, ' ').replace(/\s+/g, ' ').replace(/\bst\b\.?/g, 'saint').replace(/\bste\b\.?/g, 'sainte').trim();
}
function nameKeys(nom: string): string[] {
  const base = nameKey(nom);
  const m = /^(.*) (\d+)(?:er|e) arrondissement$/.exec(base);
  return m ? [base, `${m[1]} ${m[2]}e`, `${m[1]} ${m[2]}`] : [base];
}

// ---------------------------------------------------------------------------------------------
// Zone tables

export interface ZoneTable {
  readonly source: 'csv' | 'crm' | 'default' | string;
  readonly size: number;
  /**
   * true when a commune absent from the table is out of scope (the national CSV, the CRM's city
   * list); false for the built-in default, which only lists the largest cities: there, an absent
   * commune has an unknown zone and its programmes are kept.
   */
  readonly complete: boolean;
  /** zone of a commune by INSEE code; arrondissements of Paris/Lyon/Marseille inherit the commune's */
  zoneForInsee(codeInsee: string): ZoneAbc | null;
  /** INSEE codes of the table's communes in the given zones */
  codes(zones?: readonly ZoneAbc[]): string[];
}

export function createZoneTable(
  rows: readonly Pick<ZonageRow, 'codeInsee' | 'zone'>[],
  source: ZoneTable['source'] = 'csv',
  opts: { complete?: boolean } = {},
): ZoneTable {
  const map = new Map<string, ZoneAbc>();
  for (const r of rows) map.set(r.codeInsee.toUpperCase(), r.zone);
  return {
    source,
    size: map.size,
    complete: opts.complete ?? source !== 'default',
    zoneForInsee(codeInsee) {
      const code = codeInsee.toUpperCase();
      const direct = map.get(code);
      if (direct) return direct;
      const c = loadGeo().byInsee.get(code);
      if (c?.type === 'arrondissement-municipal' && c.commune) return map.get(c.commune) ?? null;
      return null;
    },
    codes(zones = IN_SCOPE_ZONES) {
      return [...map].filter(([, z]) => zones.includes(z)).map(([k]) => k);
    },
  };
}

let defaultTable: ZoneTable | null = null;
export function defaultZoneTable(): ZoneTable {
  return (defaultTable ??= createZoneTable(DEFAULT_ZONES, 'default'));
}

// ---------------------------------------------------------------------------------------------
// Lookups

function toCity(c: EtalabCommune, table: ZoneTable, postcode?: string): City {
  const g = loadGeo();
  const parent = c.type === 'arrondissement-municipal' && c.commune ? g.byInsee.get(c.commune) : undefined;
  const cps = c.codesPostaux ?? [];
  const main = postcode && cps.includes(postcode) ? postcode : cps[0] ?? '';
  return {
    nom: c.nom,
    slug: slugify(c.nom),
    codePostal: main,
    codesPostaux: [main, ...cps.filter((x) => x !== main)],
    codeInsee: c.code,
    departement: c.departement,
    departementNom: g.depNom.get(c.departement) ?? c.departement,
    zone: table.zoneForInsee(c.code),
    ...(parent ? { commune: { nom: parent.nom, slug: slugify(parent.nom), codeInsee: parent.code } } : {}),
  };
}

/** Department name from its code ("92" → "Hauts-de-Seine"). */
export function departementNom(code: string): string | null {
  return loadGeo().depNom.get(code.toUpperCase()) ?? null;
}

/**
 * A city from an INSEE code ("92007"), a postcode ("92220", "75007" → Paris 7e), or a name
 * ("Bagneux", "saint-denis", "Paris 7e", "Lyon (69007)"). Names shared by several communes
 * resolve to the most populated one unless a department or postcode is given:
 * cityLookup("Bagneux", {departement: "92"}). Returns null when nothing matches.
 */
export function cityLookup(query: string, opts: { table?: ZoneTable; departement?: string } = {}): City | null {
  const table = opts.table ?? defaultZoneTable();
  const g = loadGeo();
  const q = query.trim();
  if (!q) return null;
  // "Lyon (69007)", "Bagneux 92220": the postcode decides
  const withCp = /^(.*?)[\s(,-]*\b(\d{5})\)?\s*$/.exec(q);
  if (/^(\d{5}|2[AB]\d{3})$/i.test(q)) {
    const byCode = g.byInsee.get(q.toUpperCase());
    const byCp = g.byPostcode.get(q);
    // a 5-digit string is both a possible INSEE code and a possible postcode: prefer the postcode
    // when it exists as one (75007 is Paris 7e's postcode but Bagneux's former INSEE code)
    if (byCp?.length) return toCity(byCp[0], table, q);
    if (byCode) return toCity(byCode, table);
    return null;
  }
  if (withCp && withCp[1]) {
    const cands = g.byPostcode.get(withCp[2]) ?? [];
    const key = nameKeys(withCp[1])[0];
    // candidates are sorted arrondissements first: "Lyon (69007)" → Lyon 7e Arrondissement
    const parentKey = (c: EtalabCommune) => (c.commune ? nameKeys(g.byInsee.get(c.commune)?.nom ?? '')[0] : null);
    const hit = cands.find((c) => nameKeys(c.nom).includes(key) || parentKey(c) === key) ?? cands[0];
    if (hit) return toCity(hit, table, withCp[2]);
  }
  const key = nameKey(q);
  let cands = g.byName.get(key) ?? [];
  if (opts.departement) cands = cands.filter((c) => c.departement === opts.departement!.toUpperCase());
  // prefer communes known to the zone table (in scope first), then population
  const known = cands.filter((c) => table.zoneForInsee(c.code));
  const hit = known[0] ?? cands[0];
  return hit ? toCity(hit, table) : null;
}

/** A city by INSEE code only (no postcode interpretation: 13001 is Aix-en-Provence here). */
export function cityByInsee(codeInsee: string, table: ZoneTable = defaultZoneTable()): City | null {
  const c = loadGeo().byInsee.get(codeInsee.trim().toUpperCase());
  return c ? toCity(c, table) : null;
}

/**
 * Is a commune in scope? 'in' (A bis/A/B1), 'out' (B2/C, or absent from a complete table), or
 * 'unknown' (absent from the built-in default, or no commune): callers skip only 'out'.
 */
export function zoneStatus(codeInsee: string | null | undefined, table: ZoneTable = defaultZoneTable()): 'in' | 'out' | 'unknown' {
  if (!codeInsee) return 'unknown';
  const z = table.zoneForInsee(codeInsee);
  if (isInScope(z)) return 'in';
  if (z) return 'out';
  return table.complete ? 'out' : 'unknown';
}

/** Best zone of the communes sharing a postcode (a postcode may span several communes). */
export function zoneForPostcode(postcode: string, table: ZoneTable = defaultZoneTable()): ZoneAbc | null {
  const cands = loadGeo().byPostcode.get(postcode.trim()) ?? [];
  const order: ZoneAbc[] = ['A_bis', 'A', 'B1', 'B2', 'C'];
  let best: ZoneAbc | null = null;
  for (const c of cands) {
    const z = table.zoneForInsee(c.code);
    if (z && (best == null || order.indexOf(z) < order.indexOf(best))) best = z;
  }
  return best;
}

/** The cities to crawl: every commune of the table in zones A bis/A/B1 (whole communes for PLM). */
export function citiesInScope(table: ZoneTable = defaultZoneTable(), zones: readonly ZoneAbc[] = IN_SCOPE_ZONES): City[] {
  const g = loadGeo();
  const out: City[] = [];
  for (const code of table.codes(zones)) {
    const c = g.byInsee.get(code);
    if (c) out.push(toCity(c, table));
  }
  return out.sort((a, b) => a.codeInsee.localeCompare(b.codeInsee));
}

/** Resolves a list of names/postcodes/INSEE codes ("lyon,bordeaux,92220"); unknown entries are reported. */
export function resolveCities(spec: string | string[], table: ZoneTable = defaultZoneTable()): { cities: City[]; unknown: string[] } {
  const items = (Array.isArray(spec) ? spec : spec.split(',')).map((x) => x.trim()).filter(Boolean);
  const cities: City[] = [];
  const unknown: string[] = [];
  for (const it of items) {
    const c = cityLookup(it, { table });
    if (c) {
      if (!cities.some((x) => x.codeInsee === c.codeInsee)) cities.push(c);
    } else unknown.push(it);
  }
  return { cities, unknown };
}
