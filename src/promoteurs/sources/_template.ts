// TEMPLATE of a developer source. Copy to sources/<key>.ts, rename `template`, fill the TODOs,
// register it in sources/index.ts, and write test/promoteurs/sources/<key>.test.ts against saved
// pages (see docs/promoteurs-sources.md). This file is not registered: it only documents the shape.
//
// Rules every source follows:
//  - parse each page once (loadHtml), never `eval` page scripts (use parse/sandbox.ts for inline
//    JSON/JS state), never throw for one bad card: skip it;
//  - throw SourceParseError when the page is not what it should be (captcha, error page, markup
//    change), so the run counts a parse failure instead of "0 programmes";
//  - read lot tables through their header (parse/table.ts readTable): sites reorder columns;
//  - keep prices at 20 % VAT in `prix`, reduced-VAT prices in `prixTvaReduite`; tax labels (LMNP,
//    Pinel, BRS, ANRU…) and availability flags are not data (rules/labels.ts);
//  - `dateLivraison` is the text as shown; the delivered-programme rule parses it later.
import type { Lot, ProgrammeCard, ProgrammeDetail, Source } from '../types.ts';
import { SourceParseError } from '../types.ts';
import { attrOf, loadHtml, meta, multilineText, textOf } from '../parse/html.ts';
import { absUrl, clean } from '../parse/text.ts';
import { parseFloor, parsePostcode, parsePrice, parsePriceRange, parseSurface, parseTypesRange, parseTypology } from '../parse/numbers.ts';
import { isSold, readTable } from '../parse/table.ts';
import { stripLabelsFromName } from '../rules/labels.ts';

const KEY = 'template'; // TODO: the source key ("vinci"): CLI name and sourceApi of its programmes
const BASE = 'https://www.example-promoteur.fr'; // TODO: site root, no trailing slash
// TODO: how the external id appears in detail URLs
const ID_RE = /\/programme\/(\d+)/;

// TODO: the selectors, tried first in the selector lab on a saved page:
//   atelier promoteurs fetch template <listing-url> --save test/fixtures/promoteurs/template/listing.html
//   atelier promoteurs try template --fixture test/fixtures/promoteurs/template/listing.html --level listing --json
const SEL = {
  listing: {
    card: '.program-card',
    link: '.program-card a[href*="/programme/"]',
    title: '.program-card__title',
    location: '.program-card__city',
    price: '.program-card__price',
    typology: '.program-card__typology',
    delivery: '.program-card__delivery',
  },
  detail: {
    title: 'h1',
    address: '.program-address',
    delivery: '.program-delivery',
    lotTable: 'table.lots',
    gallery: '.gallery img',
    description: '.program-description',
  },
};

function parseListing(html: string): ProgrammeCard[] {
  const $ = loadHtml(html);
  const out: ProgrammeCard[] = [];
  const seen = new Set<string>();
  $(SEL.listing.card).each((_i, el) => {
    const card = $(el);
    const href = card.find('a').first().attr('href') ?? '';
    const id = ID_RE.exec(href)?.[1];
    if (!id || seen.has(id)) return; // a card without id cannot be deduplicated: skip it
    seen.add(id);
    const loc = textOf($, SEL.listing.location, card);
    const prixTexte = textOf($, SEL.listing.price, card);
    const range = parsePriceRange(prixTexte);
    const typesTexte = textOf($, SEL.listing.typology, card);
    out.push({
      sourceApi: KEY,
      idExterne: id,
      name: stripLabelsFromName(textOf($, SEL.listing.title, card)),
      urlExterne: absUrl(href, BASE) ?? `${BASE}/programme/${id}`,
      localisation: loc || undefined,
      codePostal: parsePostcode(loc) ?? undefined,
      prixMin: range.min,
      prixMax: range.max,
      prixTexte: prixTexte || undefined,
      typesTexte: typesTexte || undefined,
      typesLots: parseTypesRange(typesTexte),
      dateLivraison: textOf($, SEL.listing.delivery, card) || undefined,
      image: absUrl(card.find('img').first().attr('src'), BASE) ?? undefined,
    });
  });
  return out;
}

function parseDetail(html: string, card: ProgrammeCard): ProgrammeDetail {
  const $ = loadHtml(html);
  const name = textOf($, SEL.detail.title);
  const table = $(SEL.detail.lotTable).first();
  if (!name && !table.length) throw new SourceParseError(KEY, 'detail', `not a programme page (${card.urlExterne})`);
  const lots: Lot[] = [];
  if (table.length) {
    for (const r of readTable($, table).rows) {
      if (isSold(r.text('disponibilite'))) continue;
      const t = parseTypology(r.text('type'));
      const floor = parseFloor(r.text('etage'));
      const reduced = parsePrice(r.text('prixReduit'));
      lots.push({
        type: t.type,
        ...(t.pieces != null ? { pieces: t.pieces } : {}),
        surface: parseSurface(r.text('surface')),
        etage: floor.label,
        etageNum: floor.num,
        prix: parsePrice(r.text('prix')),
        ...(reduced ? { prixTvaReduite: reduced } : {}),
        ...(r.text('numero') ? { numero: r.text('numero') } : {}),
      });
    }
  }
  const adresse = textOf($, SEL.detail.address);
  const images: string[] = [];
  $(SEL.detail.gallery).each((_i, img) => {
    const u = absUrl($(img).attr('data-src') || $(img).attr('src'), BASE);
    if (u && !images.includes(u)) images.push(u);
  });
  const og = absUrl(meta($, 'og:image'), BASE);
  if (og && !images.includes(og)) images.push(og);
  const canonical = attrOf($, 'link[rel="canonical"]', 'href');
  return {
    idExterne: ID_RE.exec(canonical)?.[1],
    urlExterne: canonical || undefined,
    name: stripLabelsFromName(name) || undefined,
    adresse: adresse || undefined,
    codePostal: parsePostcode(adresse) ?? undefined,
    description: multilineText($, $(SEL.detail.description)) || undefined,
    dateLivraison: clean(textOf($, SEL.detail.delivery)) || undefined,
    images,
    lots,
    ...(table.length ? {} : { warnings: ['no lots table'] }),
  };
}

export const template: Source = {
  key: KEY,
  name: 'Exemple Promoteur', // TODO: display name (Programme.promoteur)
  baseUrl: BASE,
  // TODO: document the listing URL shape; listingUrl() below must build it
  listing: { urlPattern: '/programmes-neufs/{ville_slug}-{cp}', cityFormat: 'slug-cp', deptFormat: 'none' },
  detail: { urlPattern: null }, // null: detail URLs come from the listing's links
  discovery: { kind: 'listing' }, // or { kind: 'sitemap', sitemaps: ['/sitemap.xml'], programmePattern: '…(?<id>…)…' }
  extractor: 'dedicated',
  idPattern: ID_RE.source,
  // 'verified' only once a page recorded from the real site passes its test (docs/promoteurs-sources.md)
  verification: { status: 'unverified', fixtureKind: 'fake-only', reason: 'TODO: one line' },
  // 'browser' only when the lots are built by JavaScript and no inline state/JSON holds them
  fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 },
  politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 },
  selectors: SEL,
  listingUrl(city) {
    // city: {nom, slug, codePostal, codeInsee, departement, departementNom, zone, commune?}
    // (commune: the whole city for a Paris/Lyon/Marseille arrondissement)
    return `${BASE}/programmes-neufs/${city.commune?.slug ?? city.slug}-${city.codePostal}`;
  },
  parseListing: (html) => parseListing(html),
  parseDetail: (html, card) => parseDetail(html, card),
};



