// Nexity (www.nexity.fr). Ground truth: two real captures of the SIGNAL programme in Bagneux
// (test/fixtures/promoteurs/nexity/). Two detail markups exist:
//  - 2024+ (Nuxt "neo-ppn"): the lots live only in the inline state
//    `window.__NUXT__ = (function(a,b,…){…})(…)` at state.productDetails.{entity,lots}; the state
//    is evaluated in a sandbox (parse/sandbox.ts) and only this programme's lots are kept (the same
//    state carries similar programmes);
//  - 2022 (server-rendered tables): one block per typology under `.product--lots-details`, with
//    header cells naming the columns (Type / TVA réduite / Prix TVA 20% / Livraison / Surface /
//    Étage / Orientation / Parking / Les +); columns differ between blocks, so cells are mapped
//    through the header of their own block.
// Listing: `/annonces-immobilieres/achat-vente/appartement/neuf/{ville}+{dept}` with the
// `.neo-product-card` cards also used by the detail page's "similar programmes" carousel; when no
// card is rendered, the programme hits (Algolia records) of the Nuxt state are read instead.
import type { Lot, ProgrammeCard, ProgrammeDetail, Source, TypeLot } from '../types.ts';
import { SourceParseError } from '../types.ts';
import { loadHtml, multilineText, textOf, type CheerioAPI } from '../parse/html.ts';
import { absUrl, clean, cleanMultiline, fold, stripTags, titleCase } from '../parse/text.ts';
import { parseCount, parseFloor, parsePrice, parsePriceRange, parseSurface, parseTypesRange, parseTypology, typeFromPieces } from '../parse/numbers.ts';
import { parseDelivery } from '../parse/delivery.ts';
import { findInlineScript, runInSandbox } from '../parse/sandbox.ts';
import { readTable } from '../parse/table.ts';

const BASE = 'https://www.nexity.fr';
const ID_RE = /\/neuf\/(\d{4}__\d+(?:_\d+)?)/;

// ---------------------------------------------------------------------------------------------
// Listing

function parseListing(html: string): ProgrammeCard[] {
  const $ = loadHtml(html);
  const cards: ProgrammeCard[] = [];
  const seen = new Set<string>();
  $('.neo-product-card').each((_i, el) => {
    const card = $(el);
    const href = card.find('a[href*="/neuf/"]').first().attr('href') ?? '';
    const id = ID_RE.exec(href)?.[1];
    if (!id || seen.has(id)) return;
    seen.add(id);
    const name = titleCase(textOf($, '.neo-product-card__title', card));
    const loc = textOf($, '.neo-product-card__location', card); // "IVRY-SUR-SEINE (94)"
    const ville = titleCase(loc.replace(/\s*\(.*\)\s*$/, ''));
    let typesTexte = '';
    card.find('.neo-product-card__details-item').each((_j, d) => {
      const t = clean($(d).text());
      if (/pi[eè]ces?|studio|pcs/i.test(t)) typesTexte = t.replace(/^Immobilier neuf\s*-\s*/i, '');
    });
    const prixTexte = clean(card.find('.neo-product-card__details-item__price').first().parent().text());
    const flap = textOf($, '.neo-product-card__flap', card);
    const range = parsePriceRange(prixTexte);
    const pd = flap ? parseDelivery(flap) : null;
    const delivery = pd && (pd.date || pd.delivered) ? flap : undefined;
    const img = card.find('img.neo-product-card__picture').first().attr('src');
    cards.push({
      sourceApi: 'nexity',
      idExterne: id,
      name,
      urlExterne: `${BASE}/neuf/${id}`,
      localisation: loc || undefined,
      ville: ville || undefined,
      prixMin: range.min,
      prixMax: range.max,
      prixTexte: prixTexte || undefined,
      typesTexte: typesTexte || undefined,
      typesLots: parseTypesRange(typesTexte.replace(/(\d)\s*à\s*(\d)/, 'du $1 au $2')),
      dateLivraison: delivery,
      nbLots: delivery ? undefined : (parseCount(flap.replace(/\bbiens?\b/i, 'lots')) ?? undefined),
      image: absUrl(img, BASE) ?? undefined,
    });
  });
  return cards;
}

/**
 * Listing from the Nuxt state: Nexity's search results are Algolia hits ({reference, libelle,
 * codePostal, ville, prix_min, piece_min, piece_max, flap, nb_lots, photo, is_programme}), seen in
 * the real 2024 capture's `data[].subsidiaryProducts`. Used when the page renders no card (the
 * results are then built client-side from this state).
 */
interface NexityHit {
  reference?: string;
  libelle?: string;
  codePostal?: string;
  ville?: string;
  prix?: number;
  prix_min?: number;
  piece_min?: number;
  piece_max?: number;
  flap?: string;
  nb_lots?: number;
  photo?: string;
}
// runs inside the sandbox: collects programme hits anywhere in the state (bounded walk)
const HITS_EXTRACT = `(function (root) {
  var out = [], seen = 0;
  (function walk(v, depth) {
    if (!v || typeof v !== 'object' || depth > 12 || seen++ > 200000) return;
    if (Array.isArray(v)) { for (var i = 0; i < v.length; i++) walk(v[i], depth + 1); return; }
    if (v.is_programme === 1 && typeof v.reference === 'string' && typeof v.libelle === 'string') {
      out.push({ reference: v.reference, libelle: v.libelle, codePostal: v.codePostal, ville: v.ville, prix: v.prix,
        prix_min: v.prix_min, piece_min: v.piece_min, piece_max: v.piece_max, flap: v.flap, nb_lots: v.nb_lots, photo: v.photo });
      return;
    }
    for (var k in v) walk(v[k], depth + 1);
  })(root, 0);
  return out;
})(window.__NUXT__)`;

export function listingFromState(script: string): ProgrammeCard[] {
  const hits = runInSandbox(script, { timeoutMs: 2000, extract: HITS_EXTRACT }) as NexityHit[] | null;
  const out: ProgrammeCard[] = [];
  const seen = new Set<string>();
  for (const h of hits ?? []) {
    const id = h.reference;
    if (!id || !/^\d{4}__\d+(?:_\d+)?$/.test(id) || seen.has(id)) continue;
    seen.add(id);
    const flap = clean(h.flap);
    const pd = flap ? parseDelivery(flap) : null;
    const delivery = pd && (pd.date || pd.delivered) ? flap : undefined;
    const types: TypeLot[] = [];
    if (typeof h.piece_min === 'number' && typeof h.piece_max === 'number') {
      for (let n = h.piece_min; n <= Math.min(h.piece_max, 5); n++) types.push(typeFromPieces(n));
    }
    out.push({
      sourceApi: 'nexity',
      idExterne: id,
      name: titleCase(h.libelle ?? ''),
      urlExterne: `${BASE}/neuf/${id}`,
      ville: h.ville ? titleCase(h.ville) : undefined,
      codePostal: h.codePostal || undefined,
      prixMin: parsePrice(h.prix_min ?? h.prix ?? null),
      prixMax: null,
      typesLots: [...new Set(types)],
      dateLivraison: delivery,
      nbLots: typeof h.nb_lots === 'number' ? h.nb_lots : (delivery ? undefined : (parseCount(flap.replace(/\bbiens?\b/i, 'lots')) ?? undefined)),
      image: h.photo ? `https://media2-js.nexity.fr/${h.photo}` : undefined,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Detail, 2024+ markup: Nuxt state

interface NexityLot {
  programme?: { id?: string; libelle?: string; description?: string; nb_lots?: number | string };
  reference?: string;
  native_id?: string;
  type_bien?: string;
  nb_piece?: number;
  surface?: number;
  etage?: number | string | null;
  niveau_etage?: string;
  prixNeufTva?: number;
  prixFullTax?: number;
  prix?: number;
  tva55?: boolean;
  tva7?: boolean;
  taux_tva?: number;
  parking?: number | boolean;
  nb_lot?: number | string;
  date_dispo_formatted?: string;
  date_dispo?: string;
  balcon?: boolean | string;
  terrasse?: boolean | string;
  jardin?: number | boolean | string;
  orientation_nord?: string;
  orientation_sud?: string;
  orientation_est?: string;
  orientation_ouest?: string;
}
interface NexityEntity extends NexityLot {
  libelle?: string;
  description?: string;
  adresse?: string;
  code_postal?: string;
  ville?: string;
  url?: string;
  location?: { code_insee?: string; name?: string };
  bien_geocode?: { adresse?: string };
  photos?: { bigUrl?: string; dynamicNode?: string }[];
  first_photo?: string;
}

const yes = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && /^(oui|1|true)$/i.test(v)) || (typeof v === 'number' && v > 0);

function orientation(l: NexityLot): string | undefined {
  const ns = [yes(l.orientation_nord) && 'Nord', yes(l.orientation_sud) && 'Sud'].filter(Boolean);
  const eo = [yes(l.orientation_est) && 'Est', yes(l.orientation_ouest) && 'Ouest'].filter(Boolean);
  const parts = [...ns, ...eo] as string[];
  return parts.length ? parts.join('-') : undefined;
}

function lotFromState(l: NexityLot): Lot {
  const tb = fold(l.type_bien ?? '');
  const pieces = typeof l.nb_piece === 'number' && l.nb_piece > 0 ? l.nb_piece : null;
  const type: TypeLot = tb.includes('studio') ? 'Studio' : /maison|villa/.test(tb) ? 'Maison' : typeFromPieces(pieces);
  const floor = parseFloor(typeof l.etage === 'number' ? l.etage : (l.niveau_etage ?? l.etage ?? null));
  const full = parsePrice(l.prixFullTax ?? null);
  const neuf = parsePrice(l.prixNeufTva ?? l.prix ?? null);
  // prixNeufTva is the price at the lot's VAT rate (5.5 % here); prixFullTax the price at 20 %.
  const reduced = (l.tva55 || l.tva7 || (typeof l.taux_tva === 'number' && l.taux_tva < 20)) && neuf != null && full != null && neuf < full;
  const lot: Lot = {
    type,
    pieces: type === 'Studio' ? (pieces ?? 1) : pieces ?? undefined,
    surface: parseSurface(l.surface ?? null),
    etage: floor.label,
    etageNum: floor.num,
    prix: full ?? neuf,
    ...(reduced ? { prixTvaReduite: neuf } : {}),
    parking: yes(l.parking),
    numero: l.nb_lot != null ? String(l.nb_lot) : undefined,
    orientation: orientation(l),
    livraisonTexte: l.date_dispo_formatted ? stripTags(l.date_dispo_formatted) : undefined,
    // outside spaces only when present, as in the 2022 tables
    ...(yes(l.balcon) ? { balcon: true } : {}),
    ...(yes(l.terrasse) ? { terrasse: true } : {}),
    ...(yes(l.jardin) ? { jardin: true } : {}),
  };
  if (lot.pieces === undefined) delete lot.pieces;
  if (lot.numero === undefined) delete lot.numero;
  if (lot.orientation === undefined) delete lot.orientation;
  if (lot.livraisonTexte === undefined) delete lot.livraisonTexte;
  return lot;
}

function parseDetailFromState(script: string, renderedCards: number | null): ProgrammeDetail {
  // Only what we need leaves the sandbox: the entity (this programme) and the lots list.
  const state = runInSandbox(script, {
    timeoutMs: 2000,
    extract:
      '(function (s) { var pd = s && s.state && s.state.productDetails; return pd ? { entity: pd.entity || null, lots: pd.lots || [] } : null; })(window.__NUXT__)',
  }) as { entity: NexityEntity | null; lots: NexityLot[] } | null;
  if (!state || !state.entity) throw new SourceParseError('nexity', 'detail', 'the __NUXT__ state has no productDetails.entity');
  const e = state.entity;
  const ref = e.programme?.id ?? e.reference;
  if (!ref) throw new SourceParseError('nexity', 'detail', 'the __NUXT__ state has no programme reference');
  const seen = new Set<string>();
  const lots: Lot[] = [];
  for (const l of Array.isArray(state.lots) ? state.lots : []) {
    if ((l.programme?.id ?? l.reference) !== ref) continue; // other programmes' lots
    const key = l.native_id ?? `${l.nb_lot}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lots.push(lotFromState(l));
  }
  const ville = e.ville ? titleCase(e.ville) : (e.location?.name ?? undefined);
  const street = e.adresse ? titleCase(clean(e.adresse).replace(/^0+(?=\d)/, '')) : '';
  const adresse = street ? `${street}, ${e.code_postal ?? ''} ${ville ?? ''}`.replace(/\s+/g, ' ').trim() : e.bien_geocode?.adresse?.replace(/,\s*France$/, '');
  const images: string[] = [];
  for (const p of e.photos ?? []) {
    const u = absUrl(p.bigUrl ?? p.dynamicNode, BASE);
    if (u && !images.includes(u)) images.push(u);
  }
  if (!images.length && e.first_photo) images.push(`https://media2-js.nexity.fr/${e.first_photo}`);
  const delivery = e.date_dispo_formatted ? stripTags(e.date_dispo_formatted) : lots.find((l) => l.livraisonTexte)?.livraisonTexte;
  const name = e.programme?.libelle ?? e.libelle;
  // sanity signals: the programme's own lot count, and the lot cards rendered in the page
  const warnings: string[] = [];
  if (lots.length === 0) warnings.push('no lot of this programme in the page state');
  const announced = Number(e.programme?.nb_lots);
  if (Number.isFinite(announced) && announced > 0 && announced !== lots.length) warnings.push(`${lots.length} lots in the state, programme announces ${announced}`);
  if (renderedCards != null && renderedCards > 0 && renderedCards !== lots.length) warnings.push(`${lots.length} lots in the state, ${renderedCards} lot cards rendered`);
  return {
    idExterne: ref,
    urlExterne: `${BASE}/neuf/${ref}`,
    name: name ? titleCase(name) : undefined,
    adresse: adresse || undefined,
    ville,
    codePostal: e.code_postal || undefined,
    codeInsee: e.location?.code_insee || undefined,
    description: cleanMultiline(e.programme?.description ?? e.description ?? '') || undefined,
    dateLivraison: delivery,
    images,
    lots,
    ...(warnings.length ? { warnings } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Detail, 2022 markup: one table per typology

function parseDetailFromTables($: CheerioAPI): ProgrammeDetail {
  const lots: Lot[] = [];
  const warnings: string[] = [];
  const blocks = $('.product--lots-details').first().find('.content').filter((_i, el) => $(el).children('.content--details').length > 0);
  blocks.each((bi, block) => {
    const b = $(block);
    const typology = parseTypology(textOf($, '.content--header strong', b) || textOf($, '.content--header', b));
    const table = readTable($, b, { headerCells: '.content--details--header > .cell', rows: '.content--details--element > .line', cells: '.cell' });
    for (const r of table.rows) {
      const typeCell = r.cell('type') ?? r.row.children('.cell').eq(0);
      const kind = fold(typeCell.text());
      const type: TypeLot = kind.includes('studio') ? 'Studio' : /maison|villa/.test(kind) ? 'Maison' : typology.type;
      const floor = parseFloor(r.text('etage'));
      const reduite = r.cell('prixReduit');
      const parkingCell = r.cell('parking');
      const plus = fold(r.text('plus'));
      const orient = r.text('orientation');
      const livraison = r.text('livraison');
      const lot: Lot = {
        type,
        ...(typology.pieces != null ? { pieces: typology.pieces } : type === 'Studio' ? { pieces: 1 } : {}),
        surface: parseSurface(r.text('surface')),
        etage: floor.label,
        etageNum: floor.num,
        prix: parsePrice(r.text('prix')),
        ...(reduite ? { prixTvaReduite: parsePrice(clean(reduite.text())) } : {}),
        ...(parkingCell ? { parking: !/^(non|-|0|)$/.test(fold(parkingCell.text())) } : {}),
        ...(typeCell.attr('title') ? { numero: clean(typeCell.attr('title')).replace(/^lot\s*/i, '') } : {}),
        ...(orient && orient !== '-' ? { orientation: orient } : {}),
        ...(livraison ? { livraisonTexte: livraison } : {}),
        ...(plus.includes('balcon') || plus.includes('loggia') ? { balcon: true } : {}),
        ...(plus.includes('terrasse') ? { terrasse: true } : {}),
        ...(plus.includes('jardin') ? { jardin: true } : {}),
      };
      lots.push(lot);
    }
    const rows = table.rows.length;
    const announced = parseCount(textOf($, '.text--dispo', b));
    if (announced != null && announced !== rows) warnings.push(`typology block ${bi + 1}: ${rows} rows but "${announced} lots disponibles" announced`);
  });
  // the canonical link carries the programme reference
  const canonical = $('link[rel="canonical"]').attr('href') ?? '';
  const id = ID_RE.exec(canonical)?.[1];
  const title = clean($('title').text()); // "SIGNAL - programme immobilier neuf : BAGNEUX (92) | Nexity"
  const villeM = /:\s*(.+?)\s*\((\d{2,3}|2[AB])\)/.exec(title);
  const num = id?.split('__')[1];
  const images: string[] = [];
  $('img').each((_i, img) => {
    const src = $(img).attr('src') ?? $(img).attr('data-src') ?? '';
    if (num && src.includes(`PRG_PHOT_${num}`) || /MDIA_/.test(src) && $(img).closest('.product--slider, .slider, .gallery, .carousel').length) {
      const u = absUrl(src, BASE);
      if (u && !images.some((x) => x.split('?')[0] === u.split('?')[0])) images.push(u);
    }
  });
  // latest lot delivery = the programme's
  let delivery: string | undefined;
  let best = '';
  for (const l of lots) {
    const d = parseDelivery(l.livraisonTexte).date;
    if (d && d > best) {
      best = d;
      delivery = l.livraisonTexte;
    }
  }
  const desc = $('.description').first();
  return {
    idExterne: id,
    urlExterne: id ? `${BASE}/neuf/${id}` : undefined,
    name: titleCase(textOf($, 'h1') || textOf($, 'h2.title')) || undefined,
    ville: villeM ? titleCase(villeM[1]) : undefined,
    description: multilineText($, desc) || undefined,
    dateLivraison: delivery,
    images,
    lots,
    ...(warnings.length ? { warnings } : {}),
  };
}

function countOccurrences(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

function parseDetail(html: string, card: ProgrammeCard): ProgrammeDetail {
  // Cheap string checks pick the markup before any parsing: each page is parsed exactly once.
  if (html.includes('class="product--lots-details')) {
    const d = parseDetailFromTables(loadHtml(html));
    if (d.lots.length) return d;
  }
  const script = findInlineScript(html, 'window.__NUXT__=') ?? findInlineScript(html, 'window.__NUXT__ =');
  if (script) return parseDetailFromState(script, countOccurrences(html, 'class="neo-ppn-lots-remains__card"'));
  throw new SourceParseError('nexity', 'detail', `no lots table and no __NUXT__ state in the page${card.urlExterne ? ` (${card.urlExterne})` : ''}`);
}

export const nexity: Source = {
  key: 'nexity',
  name: 'Nexity',
  baseUrl: BASE,
  listing: {
    urlPattern: '/annonces-immobilieres/achat-vente/appartement/neuf/{ville_slug}+{dept}',
    cityFormat: 'slug',
    deptFormat: 'code',
  },
  detail: { urlPattern: null },
  discovery: { kind: 'listing' },
  extractor: 'dedicated',
  idPattern: ID_RE.source,
  verification: {
    status: 'verified',
    fixtureKind: 'real-capture',
    reason: 'two real captures of a programme page (2022-09-02, 2024-12-20) pass their tests',
    fixtures: 'nexity',
  },
  fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 },
  politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 },
  selectors: {
    listing: {
      card: '.neo-product-card',
      link: '.neo-product-card a[href*="/neuf/"]',
      title: '.neo-product-card__title',
      location: '.neo-product-card__location',
      details: '.neo-product-card__details-item',
      price: '.neo-product-card__details-item__price',
      flap: '.neo-product-card__flap',
      image: 'img.neo-product-card__picture',
    },
    // 2022 markup; the 2024 markup keeps its lots in the inline window.__NUXT__ state instead
    detail: {
      typologyBlock: '.product--lots-details .content',
      typologyTitle: '.product--lots-details .content--header strong',
      header: '.product--lots-details .content--details--header > .cell',
      lotRow: '.product--lots-details .content--details--element > .line',
      availability: '.product--lots-details .text--dispo',
      canonical: 'link[rel="canonical"]',
      description: '.description',
    },
  },
  listingUrl(city) {
    // the whole commune for Paris/Lyon/Marseille arrondissements
    const slug = city.commune?.slug ?? city.slug;
    return `${BASE}/annonces-immobilieres/achat-vente/appartement/neuf/${slug}+${city.departement.toLowerCase()}`;
  },
  parseListing: (html) => {
    const cards = parseListing(html);
    if (cards.length) return cards;
    // no rendered card: the results may only be in the Nuxt state
    const script = findInlineScript(html, 'window.__NUXT__=') ?? findInlineScript(html, 'window.__NUXT__ =');
    return script ? listingFromState(script) : [];
  },
  parseDetail: (html, card) => parseDetail(html, card),
};
