// Bouygues Immobilier (www.bouygues-immobilier.com). Structure from the operator's DevTools
// analysis (Feb. 2026); fixtures are hand-made from it (test/fixtures/promoteurs/bouygues/README.md).
//  - listing `/{departement_nom}/{ville}` (e.g. /rhone/lyon; the search URL 404s): cards
//    `.list-item-wrapper[data-ucci]`; id = data-ucci ("030-269K94"); the name comes from the
//    `data-prgdata` JSON attribute, not from the card text (which concatenates prefixes and badges);
//  - detail `/programme-neuf-{ville}/ref/{id}`: per-typology blocks (price from, lot count,
//    surfaces, floors) holding the lots table (reference, surface, floor, prices, availability).
import type { Lot, ProgrammeCard, ProgrammeDetail, Source } from '../types.ts';
import { SourceParseError } from '../types.ts';
import { attrOf, loadHtml, meta, multilineText, textOf } from '../parse/html.ts';
import { absUrl, clean, slugify } from '../parse/text.ts';
import { parseCount, parseFloor, parsePostcode, parsePrice, parsePriceRange, parseSurface, parseTypesRange, parseTypology } from '../parse/numbers.ts';
import { isSold, readTable } from '../parse/table.ts';
import { stripLabelsFromName } from '../rules/labels.ts';

const BASE = 'https://www.bouygues-immobilier.com';
const ID_RE = /\/ref\/([0-9A-Za-z]{3}-[0-9A-Za-z]+)/;

interface PrgData {
  name?: string;
  nom?: string;
  programName?: string;
  title?: string;
  city?: string;
  zipcode?: string;
  priceMin?: number | null;
  priceMax?: number | null;
}

function prgData(raw: string | undefined): PrgData {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as PrgData) : {};
  } catch {
    return {};
  }
}

function parseListing(html: string): ProgrammeCard[] {
  const $ = loadHtml(html);
  const out: ProgrammeCard[] = [];
  const seen = new Set<string>();
  $('.list-item-wrapper[data-ucci]').each((_i, el) => {
    const w = $(el);
    const id = clean(w.attr('data-ucci'));
    if (!id || seen.has(id)) return;
    seen.add(id);
    const data = prgData(w.attr('data-prgdata'));
    // name from data-prgdata; the title text only as a fallback, without its prefix span
    const titleEl = w.find('.crd-title, h3').first().clone();
    titleEl.find('.crd-title-prefix').remove();
    const name = stripLabelsFromName(clean(data.name ?? data.nom ?? data.programName ?? data.title ?? titleEl.text()));
    const loc = textOf($, '.crd-localization', w); // "Lyon (69007)"
    const href = w.find('a[href*="/ref/"]').first().attr('href') ?? '';
    const prixTexte = textOf($, '.crd-price', w);
    const range = parsePriceRange(prixTexte);
    const typesTexte = textOf($, '.crd-typology', w);
    const delivery = textOf($, '.crd-delivery', w);
    const img = w.find('img.crd-img, img').first().attr('src');
    out.push({
      sourceApi: 'bouygues',
      idExterne: id,
      name,
      urlExterne: absUrl(href, BASE) ?? `${BASE}/programme-neuf-${slugify(data.city ?? loc.replace(/\s*\(.*$/, ''))}/ref/${id}`,
      localisation: loc || undefined,
      ville: clean(data.city) || loc.replace(/\s*\(.*$/, '') || undefined,
      codePostal: clean(data.zipcode) || parsePostcode(loc) || undefined,
      prixMin: data.priceMin ?? range.min,
      prixMax: data.priceMax ?? range.max,
      prixTexte: prixTexte || undefined,
      typesTexte: typesTexte || undefined,
      typesLots: parseTypesRange(typesTexte),
      dateLivraison: delivery || undefined, // as shown ("Livraison 4ème trim. 2027")
      image: absUrl(img, BASE) ?? undefined,
    });
  });
  return out;
}

function parseDetail(html: string, card: ProgrammeCard): ProgrammeDetail {
  const $ = loadHtml(html);
  const blocks = $('.typo-block');
  const name = textOf($, 'h1.prg-title') || textOf($, 'h1');
  if (!blocks.length && !name) throw new SourceParseError('bouygues', 'detail', 'no programme title and no typology block');
  const lots: Lot[] = [];
  const warnings: string[] = [];
  blocks.each((bi, el) => {
    const b = $(el);
    const typology = parseTypology(textOf($, '.typo-title', b));
    const table = readTable($, b.find('table').first());
    let available = 0;
    for (const r of table.rows) {
      // availability is a filter, not data: sold lots are dropped, the others kept without flag
      if (isSold(r.text('disponibilite'))) continue;
      available++;
      const floor = parseFloor(r.text('etage'));
      const reduced = parsePrice(r.text('prixReduit'));
      const numero = r.text('numero') || clean(r.row.attr('data-lot-ref'));
      lots.push({
        type: typology.type,
        ...(typology.pieces != null ? { pieces: typology.pieces } : {}),
        surface: parseSurface(r.text('surface')),
        etage: floor.label,
        etageNum: floor.num,
        prix: parsePrice(r.text('prix')),
        ...(reduced ? { prixTvaReduite: reduced } : {}),
        ...(numero ? { numero } : {}),
      });
    }
    const announced = parseCount(textOf($, '.typo-count', b));
    if (announced != null && announced !== available) warnings.push(`${textOf($, '.typo-title', b)}: ${available} lots read, ${announced} announced`);
  });
  const images: string[] = [];
  $('.prg-gallery img').each((_i, img) => {
    const src = $(img).attr('data-src') || $(img).attr('src');
    const u = absUrl(src, BASE);
    if (u && !images.includes(u)) images.push(u);
  });
  const og = absUrl(meta($, 'og:image'), BASE);
  if (og && !images.includes(og)) images.push(og);
  const adresse = textOf($, '.prg-address');
  const canonical = attrOf($, 'link[rel="canonical"]', 'href');
  const id = ID_RE.exec(canonical)?.[1] ?? clean($('main[data-ucci]').attr('data-ucci')) ?? undefined;
  const delivery = textOf($, '.prg-key-delivery');
  const loc = textOf($, '.prg-localization');
  const desc = $('.prg-description-text').first();
  return {
    idExterne: id || undefined,
    urlExterne: canonical || undefined,
    name: stripLabelsFromName(name) || undefined,
    adresse: adresse || undefined,
    codePostal: parsePostcode(adresse) ?? parsePostcode(loc) ?? undefined,
    ville: (/\d{5}\s+(.+)$/.exec(adresse)?.[1] ?? loc.replace(/\s*\(.*$/, '')) || undefined,
    description: multilineText($, desc) || undefined,
    dateLivraison: delivery || undefined, // as shown ("Livraison 4ème trim. 2027")
    images,
    lots,
    ...(warnings.length ? { warnings } : {}),
    ...(blocks.length === 0 ? { warnings: [`no typology block on ${card.urlExterne || 'the page'}`] } : {}),
  };
}

export const bouygues: Source = {
  key: 'bouygues',
  name: 'Bouygues Immobilier',
  baseUrl: BASE,
  listing: { urlPattern: '/{dept_nom}/{ville_slug}', cityFormat: 'slug', deptFormat: 'nom-slug' },
  detail: { urlPattern: '/programme-neuf-{ville_slug}/ref/{id}' },
  discovery: { kind: 'listing' },
  extractor: 'dedicated',
  idPattern: ID_RE.source,
  verification: {
    status: 'unverified',
    fixtureKind: 'hand-made',
    reason: 'fixtures hand-made from the operator\'s DevTools notes (Feb. 2026); no page recorded from the real site yet',
  },
  fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 },
  politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 },
  selectors: {
    listing: {
      card: '.list-item-wrapper[data-ucci]',
      link: '.list-item-wrapper a[href*="/ref/"]',
      title: '.crd-title',
      location: '.crd-localization',
      price: '.crd-price',
      typology: '.crd-typology',
      delivery: '.crd-delivery',
    },
    detail: {
      title: 'h1.prg-title',
      address: '.prg-address',
      delivery: '.prg-key-delivery',
      typologyBlock: '.typo-block',
      typologyTitle: '.typo-title',
      typologyCount: '.typo-count',
      lotHeader: '.typo-block table thead th',
      lotRow: '.typo-block table tbody tr',
      gallery: '.prg-gallery img',
      description: '.prg-description-text',
    },
  },
  listingUrl(city) {
    // department NAME, lowercase ASCII: /rhone/lyon, /hauts-de-seine/bagneux
    return `${BASE}/${slugify(city.departementNom)}/${city.commune?.slug ?? city.slug}`;
  },
  parseListing: (html) => parseListing(html),
  parseDetail: (html, card) => parseDetail(html, card),
};
