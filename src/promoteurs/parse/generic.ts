// The generic extractor: maps whatever structured data a programme page carries (parse/structured.ts)
// to our programme and lot model, with configuration instead of code. Lots come from the richest of:
// framework state (arrays of lot-like objects), JSON-LD (Apartment / SingleFamilyResidence /
// Offer items), microdata, lot tables. Programme fields come from a schema.org programme node
// (HousingComplex, Residence, ApartmentComplex, Product…), the state (the lots' programme object and
// the fields every lot shares), BreadcrumbList (the city), then the page's meta.
// When the state carries lots of several programmes, only those of the page's programme are kept.
import type { Lot, ProgrammeCard, ProgrammeDetail, TypeLot } from '../types.ts';
import { SourceParseError } from '../types.ts';
import { readStructured, type JsonObject, type StructuredData } from './structured.ts';
import { absUrl, clean, cleanMultiline, fold, stripTags, titleCase } from './text.ts';
import { parseFloor, parsePostcode, parsePrice, parsePriceRange, parseSurface, parseTypesRange, parseTypology, typeFromPieces } from './numbers.ts';
import { isSold } from './table.ts';
import { stripLabelsFromName } from '../rules/labels.ts';

export interface GenericOptions {
  /** source key (sourceApi of the cards, SourceParseError's source) */
  key: string;
  baseUrl: string;
  /** regex whose group 1 (or named group `id`) is the programme's external id in its URL */
  idPattern: string;
}

/** which structures gave what (shown by `try --extractor generic`) */
export interface GenericEvidence { lots: string | null; programme: string[] }

export const PROGRAMME_TYPES = ['HousingComplex', 'Residence', 'ApartmentComplex', 'GatedResidenceCommunity', 'Product', 'RealEstateListing', 'Accommodation', 'Place'];
export const LOT_TYPES = ['Apartment', 'SingleFamilyResidence', 'House', 'Suite', 'Room'];

// ---------------------------------------------------------------------------------------------
// key synonyms (compared lowercase without _ and -)

const norm = (k: string) => k.toLowerCase().replace(/[_\-\s]/g, '');
const KEYS = {
  priceFull: ['prixfulltax', 'prixtva20', 'prixttc20', 'prixtvanormale', 'pricefullvat', 'pricevat20', 'prixttc', 'pricettc', 'priceincludingtax'],
  price: ['prixneuftva', 'prix', 'price', 'pricevalue', 'amount', 'tarif', 'prixvente', 'saleprice', 'lowprice'],
  priceReduced: ['prixtvareduite', 'prixtva55', 'prixtva7', 'pricereducedvat', 'prixreduit', 'prixtvar', 'reducedvatprice'],
  reducedFlag: ['tva55', 'tva7', 'tvareduite', 'reducedvat', 'isreducedvat'],
  vatRate: ['tauxtva', 'vatrate', 'tva'],
  surface: ['surface', 'surfacehabitable', 'livingarea', 'area', 'floorsize', 'superficie', 'surfacetotale', 'size'],
  rooms: ['nbpiece', 'nbpieces', 'pieces', 'rooms', 'roomcount', 'numberofrooms', 'nbrooms', 'nombrepieces', 'nbpiecesmin'],
  typology: ['typologie', 'typology', 'typebien', 'lottype', 'kind', 'type', 'name'],
  floor: ['niveauetage', 'etage', 'floor', 'floorlevel', 'niveau', 'level'],
  number: ['nblot', 'numero', 'numlot', 'lotnumber', 'lotref', 'lotreference', 'reflot', 'number', 'numerolot', 'lotid'],
  parking: ['parking', 'hasparking', 'nbparking', 'parkings', 'parkingincluded'],
  status: ['statut', 'status', 'disponibilite', 'availability', 'etat'],
  delivery: ['datedispoformatted', 'livraison', 'dateLivraison', 'deliverydate', 'delivery', 'datelivraison', 'datedispo', 'livraisonprevue', 'availabilitystarts'],
  name: ['libelle', 'name', 'nom', 'programname', 'programmename', 'title', 'titre', 'label'],
  address: ['adresse', 'address', 'streetaddress', 'rue'],
  postcode: ['codepostal', 'postalcode', 'zipcode', 'cp', 'zip'],
  insee: ['codeinsee', 'inseecode', 'insee'],
  city: ['ville', 'city', 'addresslocality', 'commune', 'locality'],
  description: ['description', 'descriptif', 'presentation'],
  programmeRef: ['programme', 'program', 'programmeid', 'programid', 'residenceid', 'residence', 'programmeref', 'programref', 'programmereference'],
  id: ['id', 'reference', 'ref', 'externalid', 'code'],
} as const;

function get(o: JsonObject | null | undefined, keys: readonly string[]): unknown {
  if (!o) return undefined;
  const want = keys.map(norm);
  for (const k of want) {
    for (const [key, v] of Object.entries(o)) if (norm(key) === k && v !== null && v !== undefined && v !== '') return v;
  }
  return undefined;
}
const str = (v: unknown): string => (typeof v === 'string' ? clean(stripTags(v)) : typeof v === 'number' ? String(v) : '');
const isObj = (v: unknown): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);
const typesOf = (o: JsonObject): string[] => ([] as unknown[]).concat(o['@type'] ?? []).map((t) => String(t).replace(/^https?:\/\/schema\.org\//, ''));
/** "SIGNAL" → "Signal"; mixed case kept */
const nameCase = (s: string) => (s && s === s.toUpperCase() && /[A-Z]/.test(s) ? titleCase(s) : s);
const yes = (v: unknown): boolean => v === true || (typeof v === 'number' && v > 0) || (typeof v === 'string' && /^(oui|yes|true|1|inclus)$/i.test(v.trim()));

function num(v: unknown): number | null {
  if (isObj(v)) return num(v.value ?? v['@value'] ?? v.price);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return parsePrice(v);
  return null;
}
function surfaceOf(v: unknown): number | null {
  if (isObj(v)) return surfaceOf(v.value ?? v['@value']);
  return parseSurface(typeof v === 'number' || typeof v === 'string' ? v : null);
}

// ---------------------------------------------------------------------------------------------
// lots from plain objects (framework state, JSON-LD items)

function lotFromObject(o: JsonObject): Lot | null {
  if (isSold(str(get(o, KEYS.status)))) return null;
  const full = num(get(o, KEYS.priceFull));
  let price = num(get(o, KEYS.price));
  const offers = o.offers;
  if (price === null && offers) {
    const first = Array.isArray(offers) ? offers[0] : offers;
    if (isObj(first)) price = num(first.price ?? first.lowPrice);
  }
  let reduced = num(get(o, KEYS.priceReduced));
  const rate = num(get(o, KEYS.vatRate));
  const reducedFlag = KEYS.reducedFlag.some((k) => yes(get(o, [k]))) || (rate !== null && rate > 0 && rate < 20);
  let prix = full ?? price;
  // the listed price is the reduced-VAT one when the lot says so and a full-VAT price exists
  if (full !== null && price !== null && price < full && reducedFlag && reduced === null) reduced = price;
  if (full === null && reducedFlag && reduced === null && price !== null) { reduced = price; prix = null; }
  const surface = surfaceOf(get(o, KEYS.surface));
  const roomsRaw = get(o, KEYS.rooms);
  const rooms = typeof roomsRaw === 'number' ? roomsRaw : parsePrice(str(roomsRaw));
  const typoText = str(get(o, KEYS.typology));
  const t = parseTypology(typoText);
  const kind = fold(typoText);
  let type: TypeLot = kind.includes('studio') ? 'Studio' : /maison|villa|house|singlefamily/.test(kind) ? 'Maison' : rooms ? typeFromPieces(rooms) : t.type;
  if (typesOf(o).includes('SingleFamilyResidence') || typesOf(o).includes('House')) type = 'Maison';
  const pieces = rooms && rooms > 0 ? rooms : t.pieces;
  if (prix === null && reduced === null && surface === null) return null;
  const floorRaw = get(o, KEYS.floor);
  const floor = parseFloor(typeof floorRaw === 'number' ? floorRaw : str(floorRaw) || null);
  const numero = str(get(o, KEYS.number));
  const parkingRaw = get(o, KEYS.parking);
  const delivery = str(get(o, KEYS.delivery));
  const lot: Lot = {
    type,
    ...(type === 'Studio' ? { pieces: pieces ?? 1 } : pieces != null ? { pieces } : {}),
    surface,
    etage: floor.label,
    etageNum: floor.num,
    prix,
    ...(reduced !== null && reduced !== prix ? { prixTvaReduite: reduced } : {}),
    ...(parkingRaw !== undefined ? { parking: yes(parkingRaw) } : {}),
    ...(numero ? { numero } : {}),
    ...(delivery && !/^\d{4}-\d{2}-\d{2}/.test(delivery) ? { livraisonTexte: delivery } : {}),
  };
  return lot;
}

/** is `o` shaped like a lot: a price and a surface or a room count (not a range: *_min / *_max) */
function lotLike(o: unknown): boolean {
  if (!isObj(o)) return false;
  const hasPrice = get(o, [...KEYS.priceFull, ...KEYS.price, ...KEYS.priceReduced]) !== undefined || isObj(o.offers) || Array.isArray(o.offers);
  const hasSize = get(o, KEYS.surface) !== undefined || get(o, KEYS.rooms) !== undefined;
  return hasPrice && hasSize;
}

function programmeRefOf(o: JsonObject): string | null {
  const v = get(o, KEYS.programmeRef);
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (isObj(v)) { const id = get(v, KEYS.id); return id === undefined ? null : String(id); }
  return null;
}

interface LotArray { path: string; items: JsonObject[]; parent: JsonObject | null }

/** Arrays of lot-like objects anywhere in a state (bounded walk: states are hostile input). */
function findLotArrays(root: unknown): LotArray[] {
  const out: LotArray[] = [];
  let visited = 0;
  const walk = (v: unknown, path: string, depth: number, parent: JsonObject | null) => {
    if (!v || typeof v !== 'object' || depth > 16 || ++visited > 300_000) return;
    if (v instanceof Map) { for (const [k, x] of v) walk(x, `${path}.${String(k)}`, depth + 1, null); return; }
    if (Array.isArray(v)) {
      const objs = v.filter(isObj);
      if (objs.length && objs.filter(lotLike).length >= Math.max(1, Math.ceil(objs.length * 0.6))) out.push({ path, items: objs.filter(lotLike), parent });
      v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1, null));
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, depth + 1, v as JsonObject);
  };
  walk(root, '', 0, null);
  return out;
}

function lotsFromItems(items: JsonObject[]): Lot[] {
  const out: Lot[] = [];
  const seen = new Set<string>();
  for (const o of items) {
    const l = lotFromObject(o);
    if (!l) continue;
    const key = l.numero ? `n:${l.numero}` : JSON.stringify(l);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(l);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON-LD / microdata

function nodesOfType(nodes: JsonObject[], types: string[]): JsonObject[] {
  const out: JsonObject[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 6 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) { v.forEach((x) => walk(x, depth + 1)); return; }
    const o = v as JsonObject;
    if (typesOf(o).some((t) => types.includes(t)) && !out.includes(o)) out.push(o);
    for (const [k, x] of Object.entries(o)) if (k !== '@context') walk(x, depth + 1);
  };
  walk(nodes, 0);
  return out;
}

/** Lots of a schema.org graph: Apartment/SingleFamilyResidence nodes, or the Offers of a programme. */
function lotsFromSchema(nodes: JsonObject[]): Lot[] {
  const places = nodesOfType(nodes, LOT_TYPES);
  if (places.length) {
    // an offer wrapping a place carries its price: merge them
    const items = places.map((p) => {
      const owner = nodesOfType(nodes, ['Offer']).find((o) => o.itemOffered === p);
      return owner ? { ...p, price: p.price ?? owner.price, offers: p.offers ?? owner } : p;
    });
    return lotsFromItems(items);
  }
  const offers = nodesOfType(nodes, ['Offer']).filter((o) => num(o.price) !== null && (o.name || o.itemOffered || o.description));
  if (offers.length > 1 || (offers.length === 1 && (offers[0].name || isObj(offers[0].itemOffered)))) {
    return lotsFromItems(offers.map((o) => ({ ...(isObj(o.itemOffered) ? o.itemOffered : {}), name: o.name ?? (isObj(o.itemOffered) ? o.itemOffered.name : undefined), price: o.price, status: typeof o.availability === 'string' && /SoldOut|OutOfStock/.test(o.availability) ? 'vendu' : undefined })));
  }
  return [];
}

function lotsFromTables(data: StructuredData): Lot[] {
  const out: Lot[] = [];
  for (const rows of data.tables) {
    for (const r of rows) {
      if (isSold(r.text('disponibilite'))) continue;
      const t = parseTypology(r.text('type'));
      const floor = parseFloor(r.text('etage'));
      const reduced = parsePrice(r.text('prixReduit'));
      const parking = r.cell('parking') ? !/^(non|-|0|aucun)?$/.test(fold(r.text('parking'))) : undefined;
      const lot: Lot = {
        type: t.type, ...(t.pieces != null ? { pieces: t.pieces } : {}),
        surface: parseSurface(r.text('surface')), etage: floor.label, etageNum: floor.num, prix: parsePrice(r.text('prix')),
        ...(reduced ? { prixTvaReduite: reduced } : {}), ...(parking !== undefined ? { parking } : {}), ...(r.text('numero') ? { numero: r.text('numero') } : {}),
      };
      if (lot.prix !== null || lot.surface !== null) out.push(lot);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// the page's programme id

export function idFromUrl(url: string | undefined | null, idPattern: string): string | null {
  if (!url) return null;
  const m = new RegExp(idPattern).exec(url);
  return m ? (m.groups?.id ?? m[1] ?? null) : null;
}

interface ProgrammeFacts {
  name?: string; adresse?: string; codePostal?: string; codeInsee?: string; ville?: string; description?: string;
  dateLivraison?: string; images: string[]; prixMin?: number | null; prixMax?: number | null;
}

function addressFacts(a: unknown, f: ProgrammeFacts): void {
  if (typeof a === 'string') { f.adresse ??= clean(a); f.codePostal ??= parsePostcode(a) ?? undefined; return; }
  if (!isObj(a)) return;
  const street = str(a.streetAddress);
  const cp = str(a.postalCode);
  const city = str(a.addressLocality);
  if (street || cp || city) f.adresse ??= [street, [cp, city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  if (cp) f.codePostal ??= cp;
  if (city) f.ville ??= nameCase(city);
}

function imagesOf(v: unknown, base: string, out: string[]): void {
  for (const x of ([] as unknown[]).concat(v ?? [])) {
    const u = typeof x === 'string' ? x : isObj(x) ? str(x.url ?? x.contentUrl ?? x.src) : '';
    const abs = u ? absUrl(u, base) : null;
    if (abs && !out.includes(abs)) out.push(abs);
  }
}

function schemaFacts(node: JsonObject, base: string, f: ProgrammeFacts): void {
  const name = str(node.name);
  if (name) f.name ??= name;
  addressFacts(node.address, f);
  if (isObj(node.containedInPlace)) addressFacts(node.containedInPlace.address, f);
  const desc = str(node.description);
  if (desc) f.description ??= desc;
  imagesOf(node.image ?? node.photo, base, f.images);
  const offers = ([] as unknown[]).concat(node.offers ?? []).filter(isObj);
  for (const o of offers) {
    if (typesOf(o).includes('AggregateOffer') || o.lowPrice !== undefined) {
      f.prixMin ??= num(o.lowPrice);
      f.prixMax ??= num(o.highPrice);
    }
  }
}

/** the commune named by a BreadcrumbList (the item before the programme, when it is not a department) */
function breadcrumbCity(nodes: JsonObject[]): string | undefined {
  for (const b of nodesOfType(nodes, ['BreadcrumbList'])) {
    const items = ([] as unknown[]).concat(b.itemListElement ?? []).filter(isObj)
      .sort((a, c) => Number(a.position ?? 0) - Number(c.position ?? 0))
      .map((i) => str(i.name ?? (isObj(i.item) ? i.item.name : '')));
    if (items.length >= 3) {
      let city = items[items.length - 2].replace(/\s*\(\d{2,5}\)\s*$/, '');
      // "Achat appartement neuf Bagneux" → "Bagneux"
      for (let prev = ''; prev !== city;) { prev = city; city = city.replace(/^(achat|vente|immobilier|appartements?|maisons?|logements?|programmes?|r[ée]sidences?|neufs?|immobiliers?|à|a|en|de|du|des|sur)\s+/i, ''); }
      if (city && !/^(accueil|home)$/i.test(city)) return city;
    }
  }
  return undefined;
}

/** Programme fields of a state object that describes the programme ({nom, adresse, livraison, …}). */
function objectFacts(o: JsonObject, base: string, f: ProgrammeFacts): void {
  const name = str(get(o, KEYS.name));
  if (name) f.name ??= name;
  const addr = get(o, KEYS.address);
  if (addr !== undefined) addressFacts(addr, f);
  const cp = str(get(o, KEYS.postcode));
  if (cp) f.codePostal ??= cp;
  const ville = str(get(o, KEYS.city));
  if (ville) f.ville ??= nameCase(ville);
  const insee = str(get(o, KEYS.insee));
  if (insee) f.codeInsee ??= insee;
  const delivery = get(o, KEYS.delivery);
  const dText = isObj(delivery) ? str(delivery.label ?? delivery.text ?? delivery.date) : str(delivery);
  if (dText) f.dateLivraison ??= dText;
  const desc = get(o, KEYS.description);
  if (typeof desc === 'string' && desc.trim()) f.description ??= cleanMultiline(stripTags(desc));
  imagesOf(get(o, ['images', 'photos', 'gallery', 'visuels']), base, f.images);
}

/** Fields shared by every lot of the programme (address, postcode, city… carried on each lot). */
function stateFacts(items: JsonObject[], f: ProgrammeFacts): void {
  if (!items.length) return;
  const first = items[0];
  const prog = isObj(get(first, KEYS.programmeRef)) ? (get(first, KEYS.programmeRef) as JsonObject) : null;
  const same = (keys: readonly string[]) => {
    const v = str(get(first, keys));
    return v && items.every((o) => str(get(o, keys)) === v) ? v : '';
  };
  const name = str(get(prog, KEYS.name)) || same(['libelle', 'programmename', 'programname', 'residence']);
  if (name) f.name ??= name;
  const desc = str(get(prog, KEYS.description));
  if (desc) f.description ??= cleanMultiline(String(get(prog, KEYS.description)));
  const street = same(KEYS.address);
  const cp = same(KEYS.postcode);
  const ville = same(KEYS.city);
  if (cp) f.codePostal ??= cp;
  if (ville) f.ville ??= nameCase(ville);
  if (street) f.adresse ??= `${nameCase(street.replace(/^0+(?=\d)/, ''))}${cp || ville ? `, ${[cp, ville && nameCase(ville)].filter(Boolean).join(' ')}` : ''}`;
  const loc = get(first, ['location']);
  const insee = str(get(first, KEYS.insee)) || (isObj(loc) ? str(get(loc, KEYS.insee)) : '');
  if (insee) f.codeInsee ??= insee;
  const delivery = same(['datedispoformatted', 'livraison', 'datelivraison', 'deliverydate', 'livraisonprevue']);
  if (delivery) f.dateLivraison ??= delivery;
}

// ---------------------------------------------------------------------------------------------

export interface GenericDetail extends ProgrammeDetail { evidence: GenericEvidence }

export function genericDetail(html: string, card: ProgrammeCard, ctx: { url?: string }, o: GenericOptions, pre?: StructuredData): GenericDetail {
  const data = pre ?? readStructured(html);
  const base = o.baseUrl;
  const evidence: GenericEvidence = { lots: null, programme: [] };
  const pageId = idFromUrl(data.canonical, o.idPattern) ?? idFromUrl(ctx.url, o.idPattern) ?? idFromUrl(card.urlExterne, o.idPattern) ?? (card.idExterne || null);

  // ---- lots: the richest structure wins
  const candidates: { from: string; lots: Lot[]; items?: JsonObject[]; parent?: JsonObject | null; bonus?: number }[] = [];
  for (const s of data.states) {
    for (const arr of findLotArrays(s.value)) {
      // several programmes' lots in one state: keep the page's programme when lots say which they belong to
      let items = arr.items;
      let bonus = 0;
      const refs = new Set(items.map(programmeRefOf).filter((x): x is string => !!x));
      if (refs.size && pageId) {
        const mine = items.filter((x) => programmeRefOf(x) === pageId);
        if (mine.length) { items = mine; bonus = 1000; } else continue;
      } else if (pageId && items.some((x) => { const u = str(get(x, ['url', 'link', 'href', 'permalink'])); const id = u ? idFromUrl(u.startsWith('/') || /^https?:/.test(u) ? u : `/${u}`, o.idPattern) : null; return id !== null && id !== pageId; })) {
        // objects linking to other programmes' pages are programme cards (similar programmes), not lots
        continue;
      }
      candidates.push({ from: `${s.kind}${arr.path}`, lots: lotsFromItems(items), items, parent: arr.parent, bonus });
    }
  }
  const schemaNodes = [...data.jsonLd];
  candidates.push({ from: 'json-ld', lots: lotsFromSchema(data.jsonLd) });
  candidates.push({ from: 'microdata', lots: lotsFromSchema(data.microdata) });
  candidates.push({ from: 'table', lots: lotsFromTables(data) });
  const score = (c: (typeof candidates)[number]) => (c.bonus ?? 0) + c.lots.filter((l) => l.prix !== null || l.prixTvaReduite != null).length * 2 + c.lots.length;
  const best = candidates.filter((c) => c.lots.length).sort((a, b) => score(b) - score(a))[0];
  const lots = best?.lots ?? [];
  if (best) evidence.lots = best.from;

  // ---- programme facts
  const f: ProgrammeFacts = { images: [] };
  const progNodes = [...nodesOfType(schemaNodes, PROGRAMME_TYPES), ...nodesOfType(data.microdata, PROGRAMME_TYPES)]
    .filter((n) => !typesOf(n).some((t) => LOT_TYPES.includes(t)));
  for (const n of progNodes) schemaFacts(n, base, f);
  if (progNodes.length) evidence.programme.push('schema.org');
  if (best?.items) {
    // the programme object: the lots' own `programme` object, the object holding the lots array, or its `programme` sibling
    const first = best.items[0];
    const nested = get(first, KEYS.programmeRef);
    const holders = [isObj(nested) ? nested : null, best.parent && get(best.parent, KEYS.name) !== undefined ? best.parent : null,
      best.parent && isObj(get(best.parent, ['programme', 'program', 'residence'])) ? get(best.parent, ['programme', 'program', 'residence']) as JsonObject : null];
    for (const h of holders) if (h) objectFacts(h, base, f);
    stateFacts(best.items, f);
    evidence.programme.push('state');
  }
  const crumbCity = breadcrumbCity([...data.jsonLd, ...data.microdata]);
  if (crumbCity) { f.ville ??= crumbCity; evidence.programme.push('breadcrumb'); }
  if (!f.name && data.h1) { f.name = data.h1; evidence.programme.push('h1'); }
  if (!f.adresse) {
    const a = clean(data.$('address, [class*="address"], [class*="adresse"]').first().text());
    if (a && a.length < 200) { addressFacts(a, f); evidence.programme.push('address'); }
  }
  if (!f.description && data.description) f.description = data.description;
  if (data.ogImage) imagesOf(data.ogImage, base, f.images);
  if (!f.dateLivraison) {
    // "Livraison : 4e trimestre 2027" anywhere in the text
    const m = /livraison\s*(?:pr[ée]vue)?\s*:?\s*((?:[1-4](?:er|e|ème|eme)?\s*(?:trim(?:\.|estre)?|semestre)|fin|d[ée]but|mi-?|courant|T[1-4]|S[12])\s*\d{4})/i.exec(data.$('main').text() || data.$('body').text());
    if (m) f.dateLivraison = clean(m[1]);
  }
  if (!f.name && !lots.length) {
    throw new SourceParseError(o.key, 'detail', `no programme structure found (no schema.org programme, no lot-like state, no lot table, no h1)${card.urlExterne ? ` on ${card.urlExterne}` : ''}`);
  }
  const warnings: string[] = [...data.problems];
  if (!lots.length) warnings.push('no lots found in any structure of the page');
  return {
    idExterne: pageId ?? undefined,
    urlExterne: data.canonical ? absUrl(data.canonical, base) ?? undefined : undefined,
    name: f.name ? stripLabelsFromName(nameCase(f.name)) : undefined,
    adresse: f.adresse || undefined,
    ville: f.ville || undefined,
    codePostal: f.codePostal || parsePostcode(f.adresse) || undefined,
    codeInsee: f.codeInsee || undefined,
    description: f.description ? cleanMultiline(f.description) : undefined,
    dateLivraison: f.dateLivraison ? stripTags(f.dateLivraison) : undefined,
    images: f.images,
    lots,
    ...(warnings.length ? { warnings } : {}),
    evidence,
  };
}

// ---------------------------------------------------------------------------------------------
// listing pages: programme links (+ the card text around them), JSON-LD ItemList

export function genericListing(html: string, ctx: { url?: string }, o: GenericOptions & { linkPattern?: string }): ProgrammeCard[] {
  const data = readStructured(html);
  const { $ } = data;
  const re = new RegExp(o.linkPattern ?? o.idPattern);
  const cards = new Map<string, ProgrammeCard>();
  const add = (href: string, name: string, scopeText: string, image?: string, pieces: string[] = []) => {
    const url = absUrl(href, ctx.url ?? o.baseUrl);
    if (!url || !re.test(url)) return;
    const id = idFromUrl(url, o.idPattern);
    if (!id || cards.has(id)) return;
    const range = parsePriceRange(/(?:à partir de|dès|de)\s*[\d\s ., ]+€(?:\s*à\s*[\d\s ., ]+€)?/i.exec(scopeText)?.[0] ?? '');
    // "CITY (DD)" alone in one element of the card (the card's whole text runs names together)
    const loc = pieces.map((t) => /^([^()]{2,60}?)\s*\((\d{2,3}|\d{5}|2[AB])\)$/.exec(t)).find(Boolean) ?? null;
    const types = /(?:studio|\d\s*pi[eè]ces?|T\d)(?:[^.€]{0,30}?(?:au|à)\s*(?:\d\s*pi[eè]ces?|T\d))?/i.exec(scopeText)?.[0] ?? '';
    cards.set(id, {
      sourceApi: o.key, idExterne: id, name: stripLabelsFromName(nameCase(name)) || id, urlExterne: url,
      localisation: loc ? `${loc[1]} (${loc[2]})` : undefined,
      ville: loc ? nameCase(clean(loc[1])) : undefined,
      codePostal: loc && loc[2].length === 5 ? loc[2] : undefined,
      prixMin: range.min, prixMax: range.max,
      typesTexte: types || undefined, typesLots: types ? parseTypesRange(types) : undefined,
      image: image ? absUrl(image, o.baseUrl) ?? undefined : undefined,
    });
  };
  for (const list of nodesOfType(data.jsonLd, ['ItemList'])) {
    for (const it of ([] as unknown[]).concat(list.itemListElement ?? []).filter(isObj)) {
      const item = isObj(it.item) ? it.item : it;
      add(str(item.url ?? it.url), str(item.name ?? it.name), '', str(([] as unknown[]).concat(item.image ?? [])[0]));
    }
  }
  $('a[href]').each((_i, el) => {
    const a = $(el);
    const href = a.attr('href') ?? '';
    if (!re.test(absUrl(href, ctx.url ?? o.baseUrl) ?? '')) return;
    // the card: the nearest ancestor holding a heading, else the link itself
    const card = a.closest('article, li, .card, [class*="card"], [class*="item"]');
    const scope = card.length ? card : a;
    const name = clean(scope.find('h2, h3, h4, [class*="title"], [class*="name"]').first().text()) || clean(a.attr('title')) || clean(a.text());
    const pieces = scope.find('p, span, li, div, address, small').map((_j, e) => clean($(e).text())).get() as string[];
    add(href, name, clean(scope.text()), scope.find('img').first().attr('src'), pieces);
  });
  return [...cards.values()];
}

export function programmeTypes(lots: Lot[]): TypeLot[] {
  return [...new Set(lots.map((l) => l.type))];
}
